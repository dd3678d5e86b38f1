"""Start, list, read, follow and cancel process instances."""
from __future__ import annotations

from api.auth import current_engine, current_user
from api.common import Blueprint
from api.idempotent import IDEMPOTENCY_PARAMETER, idempotency_key, reply_response
from api.instances.render import created_instance, instance_data
from api.instances.schemas import (
    CancelSchema, HistoryEntrySchema, InstanceDetailSchema, InstanceListQuerySchema, InstanceSchema, StartInstanceSchema,
)

blp = Blueprint("instances", __name__, url_prefix="/api/v1/process-instances",
                description="Process instances (one per invoice)")



@blp.route("", methods=["POST"])
@blp.arguments(StartInstanceSchema)
@blp.alt_response(201, schema=InstanceSchema, description="The started instance", success=True)
@blp.errors(400, 404, 409, 415, 422)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def start(args):
    """Start the latest version of a process with start-form data (422 lists fields at fault)."""
    key = idempotency_key(created_instance)
    result = current_engine().start(args["definition_key"], args["data"], current_user(), key)
    return reply_response(result if key else created_instance(result))


@blp.route("", methods=["GET"])
@blp.arguments(InstanceListQuerySchema, location="query")
@blp.response(200, InstanceSchema(many=True))
@blp.paginate()
@blp.errors(422)
def list_instances(args, pagination_parameters):
    """The instances the caller may see, newest first (``mine``: the ones they started)."""
    views, total = current_engine().instances(
        current_user(), status=args["status"], key=args["definition_key"], mine=args["mine"],
        page=pagination_parameters.page, page_size=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return [instance_data(view) for view in views]


@blp.route("/<instance_id>", methods=["GET"])
@blp.response(200, InstanceDetailSchema)
@blp.errors(404)
def get_instance(instance_id):
    """One instance: status, data, open tasks, every document version."""
    view = current_engine().instance(instance_id, current_user())
    return instance_data(view)


@blp.route("/<instance_id>/history", methods=["GET"])
@blp.response(200, HistoryEntrySchema(many=True))
@blp.errors(404)
def history(instance_id):
    """The audit trail: who did what, when, with which data."""
    return current_engine().history(instance_id, current_user())


@blp.route("/<instance_id>/cancel", methods=["POST"])
@blp.arguments(CancelSchema)
@blp.response(200, InstanceSchema)
@blp.errors(403, 404, 409, 415, 422)
def cancel(args, instance_id):
    """Cancel a running instance (its initiator, or admins); 409 when it is not running."""
    return instance_data(current_engine().cancel(instance_id, current_user(), args["reason"]))


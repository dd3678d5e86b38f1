"""Register, list and delete webhooks; see their deliveries, dead letters included (admins)."""
from __future__ import annotations

from api.auth import current_engine, current_user
from api.common import Blueprint
from api.webhooks.schemas import CreateWebhookSchema, DeliverySchema, WebhookCreatedSchema, WebhookSchema

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
                description="Webhooks for integrators (group admins)")


@blp.route("", methods=["POST"])
@blp.arguments(CreateWebhookSchema)
@blp.response(201, WebhookCreatedSchema)
@blp.errors(400, 403, 415, 422)
def create(args):
    """Register a URL for some event types; the answer shows the signing secret, this once."""
    view = current_engine().create_webhook(current_user(), args["url"], args["event_types"],
                                           args["secret"], args["description"])
    return view, {"Location": f"/api/v1/webhooks/{view.id}"}


@blp.route("", methods=["GET"])
@blp.response(200, WebhookSchema(many=True))
@blp.paginate()
@blp.errors(403)
def list_webhooks(pagination_parameters):
    """The webhooks in force, oldest first (without their secrets)."""
    views, total = current_engine().webhooks(
        current_user(), page=pagination_parameters.page, page_size=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return views


@blp.route("/<webhook_id>", methods=["GET"])
@blp.response(200, WebhookSchema)
@blp.errors(403, 404)
def get_webhook(webhook_id):
    """One webhook (without its secret)."""
    return current_engine().webhook(webhook_id, current_user())


@blp.route("/<webhook_id>", methods=["DELETE"])
@blp.response(204)
@blp.errors(403, 404)
def delete(webhook_id):
    """Stop a webhook: nothing more is sent to it; its pending deliveries are given up."""
    current_engine().delete_webhook(webhook_id, current_user())


@blp.route("/<webhook_id>/deliveries", methods=["GET"])
@blp.response(200, DeliverySchema(many=True))
@blp.paginate()
@blp.errors(403, 404)
def deliveries(webhook_id, pagination_parameters):
    """Every delivery to the webhook, newest first: pending (with the next attempt), sent, and
    dead after the last allowed attempt."""
    views, total = current_engine().webhook_deliveries(
        webhook_id, current_user(), page=pagination_parameters.page,
        page_size=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return views

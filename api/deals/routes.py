"""Deals from a CRM: ``PUT /deals/{external_id}``, ``POST /deals/{external_id}/stage``, read, list."""
from __future__ import annotations

from dataclasses import asdict

from api.auth import current_user
from api.common import Blueprint
from api.deals.schemas import (
    DealBodySchema, DealDetailSchema, DealListQuerySchema, DealSchema, StageBodySchema, StageChangeSchema,
)
from api.reports.service import answer_reports_errors, current_locale, current_reports
from reports import DealRecord

blp = Blueprint("deals", __name__, url_prefix="/api/v1/deals",
                description="CRM deals and their stage history (the reports' data)")
answer_reports_errors(blp)


def deal_data(view) -> dict:
    """A deal with its stage's name in the caller's language."""
    data = asdict(view)
    stage = current_reports().pipeline.lookup(view.stage)  # None: a stage the pipeline no longer has
    data["stage_name"] = stage.name(current_locale()) if stage else view.stage
    return data


@blp.route("/<external_id>", methods=["PUT"])
@blp.arguments(DealBodySchema)
@blp.response(200, DealSchema, description="The deal was updated (or already so)")
@blp.alt_response(201, schema=DealSchema, description="The deal was created", success=True)
@blp.errors(403, 409, 415, 422)
def put_deal(args, external_id):
    """Create or update a deal (groups ``admins``, ``integrators``). A new deal enters its stage
    at ``created_at``; a changed stage is entered now. Entering a stage runs the automation."""
    view, created, _runs = current_reports().put_deal(DealRecord(external_id=external_id, **args), current_user())
    return deal_data(view), 201 if created else 200


@blp.route("/<external_id>/stage", methods=["POST"])
@blp.arguments(StageBodySchema)
@blp.response(200, StageChangeSchema, description="This entry was already recorded: nothing changed")
@blp.alt_response(201, schema=StageChangeSchema, description="The entry was recorded", success=True)
@blp.errors(403, 404, 409, 415, 422)
def record_stage(args, external_id):
    """Record that the deal entered a stage at ``at`` (default now); idempotent. When it is the
    deal's latest entry the deal moves there and the automation rules for the stage run."""
    change = current_reports().record_stage(external_id, args["stage"], args["at"], current_user())
    body = {"deal": deal_data(change.deal), "recorded": change.recorded,
            "automation": [asdict(run) for run in change.runs]}
    return body, 201 if change.recorded else 200


@blp.route("", methods=["GET"])
@blp.arguments(DealListQuerySchema, location="query")
@blp.response(200, DealSchema(many=True))
@blp.paginate()
@blp.errors(403, 422)
def list_deals(args, pagination_parameters):
    """Deals, newest first (``director``, ``analysts``, ``admins``: all; ``managers``: their own)."""
    views, total = current_reports().deals(
        current_user(), page=pagination_parameters.page, page_size=pagination_parameters.page_size, **args)
    pagination_parameters.item_count = total
    return [deal_data(view) for view in views]


@blp.route("/<external_id>", methods=["GET"])
@blp.response(200, DealDetailSchema)
@blp.errors(403, 404)
def get_deal(external_id):
    """One deal with its stage history."""
    return deal_data(current_reports().deal(external_id, current_user()))

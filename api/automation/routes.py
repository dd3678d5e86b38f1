"""``GET/PUT /automation-rules``: when a deal enters a stage, which process starts (admins);
``GET /automation-rules/runs``: what each rule did, failures included; retrying a failed one."""
from __future__ import annotations

from dataclasses import asdict

from api.auth import current_user
from api.automation.schemas import RuleSetSchema, RulesBodySchema, RunListQuerySchema, RunSchema
from api.common import Blueprint
from api.reports.service import answer_reports_errors, current_reports

blp = Blueprint("automation", __name__, url_prefix="/api/v1/automation-rules",
                description="Stage automation: deals entering a stage start processes (admins)")
answer_reports_errors(blp)


def rule_set_data(rule_set) -> dict:
    """A rule set for ``RuleSetSchema``."""
    return {"rules": [rule.as_dict() for rule in rule_set.rules], "origin": rule_set.origin,
            "updated_by": rule_set.updated_by, "updated_at": rule_set.updated_at}


@blp.route("", methods=["GET"])
@blp.response(200, RuleSetSchema)
@blp.errors(403)
def get_rules():
    """The rules in force: the shipped ones (``origin: default``) until an admin saves others."""
    return rule_set_data(current_reports().automation_rules(current_user()))


@blp.route("", methods=["PUT"])
@blp.arguments(RulesBodySchema)
@blp.response(200, RuleSetSchema)
@blp.errors(403, 409, 415, 422)
def put_rules(args):
    """Replace every rule (an empty list turns automation off); 422 names each rule at fault."""
    return rule_set_data(current_reports().replace_automation_rules(args["rules"], current_user()))


@blp.route("/runs", methods=["GET"])
@blp.arguments(RunListQuerySchema, location="query")
@blp.response(200, RunSchema(many=True))
@blp.paginate()
@blp.errors(403, 422)
def list_runs(args, pagination_parameters):
    """What the rules did, newest first; ``failed=true``: the starts the process refused."""
    views, total = current_reports().automation_runs(
        current_user(), args["failed"], pagination_parameters.page, pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return [asdict(view) for view in views]


@blp.route("/runs/<run_id>/retry", methods=["POST"])
@blp.response(200, RunSchema)
@blp.errors(403, 404, 409)
def retry_run(run_id):
    """Start a failed run's process again, with its rule and deal as they are now."""
    return asdict(current_reports().retry_automation_run(run_id, current_user()))

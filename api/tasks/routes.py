"""List, read, claim, unclaim and complete user tasks."""
from __future__ import annotations

from dataclasses import asdict

import forms
from api.auth import current_engine, current_user
from api.common import Blueprint
from api.idempotent import IDEMPOTENCY_PARAMETER, idempotency_key, reply_response
from api.instances.render import completed_task
from api.instances.schemas import CompletedSchema
from api.labels import locale_of
from api.tasks.schemas import CompleteTaskSchema, TaskDetailSchema, TaskListQuerySchema, TaskSchema

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="User tasks")


@blp.route("", methods=["GET"])
@blp.arguments(TaskListQuerySchema, location="query")
@blp.response(200, TaskSchema(many=True))
@blp.paginate()
@blp.errors(422)
def list_tasks(args, pagination_parameters):
    """``mine``: assigned to or claimed by me; ``group``: my groups' unassigned tasks;
    ``all``: both. Earliest due first."""
    views, total = current_engine().tasks(
        current_user(), scope=args["scope"], state=args["state"],
        page=pagination_parameters.page, page_size=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return views


@blp.route("/<task_id>", methods=["GET"])
@blp.response(200, TaskDetailSchema)
@blp.errors(404)
def get_task(task_id):
    """The task, its form definition, and its context: the invoice fields and the earlier
    decisions with their comments."""
    task, data, decisions = current_engine().task_details(task_id, current_user())
    body = asdict(task)
    body["form"] = forms.describe_form(task.form_key, locale_of(current_user())) if task.form_key else None
    shown = forms.load_form(task.form_key).context_field_names if task.form_key else ()
    body["context"] = {name: data.get(name) for name in shown}
    body["decisions"] = decisions
    return body


@blp.route("/<task_id>/claim", methods=["POST"])
@blp.response(200, TaskSchema)
@blp.errors(403, 404, 409)
def claim(task_id):
    """Take a group task so that nobody else in the group works on it."""
    return current_engine().claim(task_id, current_user())


@blp.route("/<task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
@blp.errors(404, 409)
def unclaim(task_id):
    """Give a claimed task back to its groups."""
    return current_engine().unclaim(task_id, current_user())


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.arguments(CompleteTaskSchema)
@blp.alt_response(200, schema=CompletedSchema, description="The task and its instance after the step", success=True)
@blp.errors(400, 403, 404, 409, 415, 422)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def complete(args, task_id):
    """Complete a task with its form's data (the assignee, or a member of a candidate group)."""
    key = idempotency_key(completed_task)
    result = current_engine().complete(task_id, args["data"], current_user(), key)
    return reply_response(result if key else completed_task(result))

"""Schemas of user tasks."""
from __future__ import annotations

import marshmallow as ma

from api.common import StrictSchema


class TaskSchema(ma.Schema):
    id = ma.fields.String(required=True)
    instance_id = ma.fields.String(required=True)
    business_key = ma.fields.String(allow_none=True, metadata={"description": "The invoice number"})
    name = ma.fields.String(required=True)
    form_key = ma.fields.String(allow_none=True)
    assignee = ma.fields.String(allow_none=True)
    candidate_groups = ma.fields.List(ma.fields.String(), required=True)
    due_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)
    state = ma.fields.String(required=True, metadata={"enum": ["open", "completed", "cancelled"]})
    claimed_by = ma.fields.String(allow_none=True)
    completed_at = ma.fields.AwareDateTime(allow_none=True)
    completed_by = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(allow_none=True)


class DecisionSchema(ma.Schema):
    task_name = ma.fields.String(required=True)
    completed_by = ma.fields.String(allow_none=True)
    completed_at = ma.fields.AwareDateTime(allow_none=True)
    outcome = ma.fields.String(allow_none=True)
    comment = ma.fields.String(allow_none=True)


class TaskDetailSchema(TaskSchema):
    form = ma.fields.Dict(allow_none=True, metadata={"description": "The form's description (fields, labels, choices, rules)"})
    context = ma.fields.Dict(required=True, metadata={"description": "The invoice fields the form shows beside it"})
    decisions = ma.fields.List(ma.fields.Nested(DecisionSchema), required=True)


class TaskListQuerySchema(StrictSchema):
    scope = ma.fields.String(load_default="mine", validate=ma.validate.OneOf(["mine", "group", "all"]))
    state = ma.fields.String(load_default="open", validate=ma.validate.OneOf(["open", "completed"]))


class CompleteTaskSchema(StrictSchema):
    data = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True),
                          load_default=dict, metadata={"description": "The task form's fields"})

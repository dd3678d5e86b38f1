"""Schemas of process instances."""
from __future__ import annotations

import marshmallow as ma

from api.common import StrictSchema
from api.tasks.schemas import TaskSchema


class DocumentSchema(ma.Schema):
    attachment_id = ma.fields.String(required=True)
    field = ma.fields.String(required=True)
    at = ma.fields.AwareDateTime(required=True)
    actor = ma.fields.String(required=True)
    task_name = ma.fields.String(allow_none=True)


class InstanceSchema(ma.Schema):
    id = ma.fields.String(required=True)
    definition_key = ma.fields.String(required=True)
    definition_version = ma.fields.Integer(required=True)
    business_key = ma.fields.String(allow_none=True)
    state = ma.fields.String(required=True, metadata={"enum": ["running", "completed", "cancelled", "failed"]})
    status = ma.fields.String(allow_none=True, metadata={"example": "in_approval"})
    status_label = ma.fields.String(allow_none=True, metadata={"example": "Счет утвержден"})
    initiator = ma.fields.String(required=True)
    started_at = ma.fields.AwareDateTime(required=True)
    ended_at = ma.fields.AwareDateTime(allow_none=True)
    data = ma.fields.Dict(required=True)
    failure = ma.fields.String(allow_none=True)
    open_tasks = ma.fields.List(ma.fields.Nested(TaskSchema), required=True)


class InstanceDetailSchema(InstanceSchema):
    documents = ma.fields.List(ma.fields.Nested(DocumentSchema), required=True,
                               metadata={"description": "Every document version submitted, oldest first"})


class HistoryEntrySchema(ma.Schema):
    at = ma.fields.AwareDateTime(required=True)
    actor = ma.fields.String(required=True)
    event = ma.fields.String(required=True)
    task_id = ma.fields.String(allow_none=True)
    task_name = ma.fields.String(allow_none=True)
    data = ma.fields.Dict(required=True)


class StartInstanceSchema(StrictSchema):
    definition_key = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    data = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True)


class InstanceListQuerySchema(StrictSchema):
    status = ma.fields.String(load_default=None, validate=ma.validate.Length(max=50))
    definition_key = ma.fields.String(load_default=None, validate=ma.validate.Length(max=100))
    mine = ma.fields.Boolean(load_default=False)


class CancelSchema(StrictSchema):
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


class CompletedSchema(ma.Schema):
    task = ma.fields.Nested(TaskSchema, required=True)
    instance = ma.fields.Nested(InstanceSchema, required=True)

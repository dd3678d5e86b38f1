"""Schemas of deals."""
from __future__ import annotations

import marshmallow as ma

from api.common import StrictSchema

_length = ma.validate.Length


class DealBodySchema(StrictSchema):
    title = ma.fields.String(load_default="", validate=_length(max=500))
    stage = ma.fields.String(required=True, validate=_length(min=1, max=64),
                             metadata={"example": "consultation"})
    source = ma.fields.String(load_default=None, allow_none=True, validate=_length(max=64),
                              metadata={"description": "Sales channel (an open list)", "example": "instagram"})
    manager = ma.fields.String(required=True, validate=_length(min=1, max=64),
                               metadata={"description": "The responsible manager's username"})
    created_at = ma.fields.AwareDateTime(required=True)
    amount = ma.fields.Decimal(load_default=None, allow_none=True, as_string=True, places=None,
                               metadata={"description": "Not negative, at most 2 decimal places", "example": "15000.00"})
    currency = ma.fields.String(load_default="RUB", validate=ma.validate.Regexp(r"^[A-Z]{3}$"))
    closed_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)


class StageBodySchema(StrictSchema):
    stage = ma.fields.String(required=True, validate=_length(min=1, max=64))
    at = ma.fields.AwareDateTime(load_default=None, allow_none=True,
                                 metadata={"description": "When the deal entered the stage (default: now)"})


class EntrySchema(ma.Schema):
    stage = ma.fields.String(required=True)
    entered_at = ma.fields.AwareDateTime(required=True)
    left_at = ma.fields.AwareDateTime(allow_none=True)


class DealSchema(ma.Schema):
    external_id = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    stage = ma.fields.String(required=True)
    stage_name = ma.fields.String(required=True, metadata={"description": "In the caller's language"})
    source = ma.fields.String(allow_none=True)
    manager = ma.fields.String(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    amount = ma.fields.Decimal(as_string=True, allow_none=True)
    currency = ma.fields.String(required=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    updated_at = ma.fields.AwareDateTime(required=True)


class DealDetailSchema(DealSchema):
    history = ma.fields.List(ma.fields.Nested(EntrySchema), required=True,
                             metadata={"description": "Every stage entry, oldest first"})


class RunSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    deal_external_id = ma.fields.String(required=True)
    rule_id = ma.fields.String(required=True)
    stage = ma.fields.String(required=True)
    process_key = ma.fields.String(required=True)
    at = ma.fields.AwareDateTime(required=True)
    instance_id = ma.fields.String(allow_none=True, metadata={"description": "The process started"})
    error = ma.fields.String(allow_none=True, metadata={"description": "Why no process was started"})
    error_fields = ma.fields.Dict(allow_none=True)


class StageChangeSchema(ma.Schema):
    deal = ma.fields.Nested(DealSchema, required=True)
    recorded = ma.fields.Boolean(required=True, metadata={"description": "False: this entry was already recorded"})
    automation = ma.fields.List(ma.fields.Nested(RunSchema), required=True)


class DealListQuerySchema(StrictSchema):
    stage = ma.fields.String(load_default=None, validate=_length(max=64))
    source = ma.fields.String(load_default=None, validate=_length(max=64))
    manager = ma.fields.String(load_default=None, validate=_length(max=64))
    date_from = ma.fields.Date(load_default=None, metadata={"description": "Created on or after (agency's time zone)"})
    date_to = ma.fields.Date(load_default=None, metadata={"description": "Created on or before (agency's time zone)"})

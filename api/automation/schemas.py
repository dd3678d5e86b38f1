"""Schemas of the automation rules."""
from __future__ import annotations

import marshmallow as ma

from api.common import StrictSchema
from api.deals.schemas import RunSchema  # noqa: F401  (the runs' schema, shared)

_length = ma.validate.Length


class RuleSchema(StrictSchema):
    id = ma.fields.String(required=True, validate=_length(min=1, max=64), metadata={"example": "party_preparation_on_prepayment"})
    name = ma.fields.String(load_default="", validate=_length(max=200))
    stage = ma.fields.String(required=True, validate=_length(min=1, max=64), metadata={"example": "prepayment_received"})
    process_key = ma.fields.String(required=True, validate=_length(min=1, max=100), metadata={"example": "party_preparation"})
    start_as = ma.fields.String(required=True, validate=_length(min=1, max=64),
                                metadata={"description": "Username, or ${manager}", "example": "${manager}"})
    data = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), load_default=dict,
                          metadata={"description": "Start-form data; \"${field}\" is the deal's field"})
    enabled = ma.fields.Boolean(load_default=True)


class RulesBodySchema(StrictSchema):
    rules = ma.fields.List(ma.fields.Nested(RuleSchema), required=True)


class RuleSetSchema(ma.Schema):
    rules = ma.fields.List(ma.fields.Nested(RuleSchema), required=True)
    origin = ma.fields.String(required=True, metadata={"enum": ["default", "saved"]})
    updated_by = ma.fields.String(allow_none=True)
    updated_at = ma.fields.AwareDateTime(allow_none=True)


class RunListQuerySchema(StrictSchema):
    failed = ma.fields.Boolean(load_default=False, metadata={"description": "Only runs that started no process"})

"""Schemas of the reports."""
from __future__ import annotations

import marshmallow as ma

from api.common import StrictSchema

_length = ma.validate.Length
FORMAT = ma.fields.String(load_default="json", validate=ma.validate.OneOf(["json", "csv"]),
                          metadata={"description": "csv: UTF-8 with BOM, ';'-separated (Excel, Russian locale)"})


class ReportQuerySchema(StrictSchema):
    date_from = ma.fields.Date(load_default=None, metadata={"description": "Deals created on or after this day (agency's time zone)"})
    date_to = ma.fields.Date(load_default=None, metadata={"description": "... and on or before this day"})
    source = ma.fields.String(load_default=None, validate=_length(min=1, max=64))
    manager = ma.fields.String(load_default=None, validate=_length(min=1, max=64))
    format = FORMAT


class ConversionQuerySchema(ReportQuerySchema):
    by = ma.fields.String(load_default="none", validate=ma.validate.OneOf(["none", "channel", "manager"]))
    target = ma.fields.String(load_default=None, validate=_length(min=1, max=64),
                              metadata={"description": "Target stage (default: the configured one)"})


class PeriodSchema(ma.Schema):
    date_from = ma.fields.Date(allow_none=True)
    date_to = ma.fields.Date(allow_none=True)
    time_zone = ma.fields.String(required=True, metadata={"example": "Europe/Moscow"})


class FiltersSchema(ma.Schema):
    source = ma.fields.String(allow_none=True)
    manager = ma.fields.String(allow_none=True)


class StageRefSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class ConversionRowSchema(ma.Schema):
    key = ma.fields.String(allow_none=True, metadata={"description": "The source or manager (null: none given)"})
    created = ma.fields.Integer(required=True)
    converted = ma.fields.Integer(required=True)
    conversion_pct = ma.fields.Float(allow_none=True, metadata={"description": "null when nothing was created"})


class ConversionSchema(ma.Schema):
    period = ma.fields.Nested(PeriodSchema, required=True)
    filters = ma.fields.Nested(FiltersSchema, required=True)
    by = ma.fields.String(required=True)
    target = ma.fields.Nested(StageRefSchema, required=True)
    total = ma.fields.Nested(ConversionRowSchema, required=True)
    rows = ma.fields.List(ma.fields.Nested(ConversionRowSchema), required=True)


class FunnelStageSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": ["in_progress", "success", "failure"]})
    in_stage = ma.fields.Integer(required=True, metadata={"description": "Deals in the stage now"})
    reached = ma.fields.Integer(required=True, metadata={"description": "Deals that reached the stage"})
    from_previous_pct = ma.fields.Float(allow_none=True)
    from_first_pct = ma.fields.Float(allow_none=True)
    left = ma.fields.Integer(required=True, metadata={"description": "Deals that have left the stage"})
    median_seconds = ma.fields.Float(allow_none=True, metadata={"description": "Median time spent in the stage"})
    bottleneck = ma.fields.Boolean(required=True)


class FunnelSchema(ma.Schema):
    period = ma.fields.Nested(PeriodSchema, required=True)
    filters = ma.fields.Nested(FiltersSchema, required=True)
    created = ma.fields.Integer(required=True)
    stages = ma.fields.List(ma.fields.Nested(FunnelStageSchema), required=True)
    bottleneck = ma.fields.String(allow_none=True, metadata={"description": "The bottleneck stage's code"})

"""Schemas of process definitions."""
from __future__ import annotations

import marshmallow as ma

from api.common import StrictSchema


class DefinitionSchema(ma.Schema):
    key = ma.fields.String(required=True, metadata={"example": "invoice_approval"})
    version = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    sha256 = ma.fields.String(required=True)
    deployed_by = ma.fields.String(required=True)
    deployed_at = ma.fields.AwareDateTime(required=True)


class VersionQuerySchema(StrictSchema):
    version = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**31 - 1))


class UploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})

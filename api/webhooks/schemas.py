"""Schemas of webhooks and their deliveries."""
from __future__ import annotations

import marshmallow as ma

from api.common import StrictSchema
from engine.notify import EVENT_TYPES

EVENT_TYPE_CHOICES = [*EVENT_TYPES, "*"]


class WebhookSchema(ma.Schema):
    id = ma.fields.String(required=True)
    url = ma.fields.String(required=True)
    event_types = ma.fields.List(ma.fields.String(), required=True, metadata={"example": ["instance.status_changed"]})
    description = ma.fields.String(required=True)
    created_by = ma.fields.String(required=True)
    created_at = ma.fields.AwareDateTime(required=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = ma.fields.String(required=True, metadata={
        "description": "Signs every delivery (HMAC-SHA256); shown only in this answer"})


class CreateWebhookSchema(StrictSchema):
    url = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500),
                           metadata={"example": "https://erp.example.org/hooks/invoiceflow"})
    event_types = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(EVENT_TYPE_CHOICES)),
                                 required=True, validate=ma.validate.Length(min=1, max=10),
                                 metadata={"description": "Event types to receive; '*' for all"})
    secret = ma.fields.String(load_default=None, validate=ma.validate.Length(min=16, max=200),
                              metadata={"description": "Optional; a random one is generated otherwise"})
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class DeliverySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    event_id = ma.fields.String(required=True)
    event_type = ma.fields.String(required=True)
    state = ma.fields.String(required=True, metadata={"enum": ["pending", "sent", "dead"]})
    attempts = ma.fields.Integer(required=True)
    next_attempt_at = ma.fields.AwareDateTime(required=True,
                                              metadata={"description": "When a pending delivery is tried next"})
    last_status = ma.fields.Integer(allow_none=True, metadata={"description": "The receiver's last HTTP status"})
    last_error = ma.fields.String(allow_none=True)
    sent_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)

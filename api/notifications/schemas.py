"""Schemas of in-app notifications and channel preferences."""
from __future__ import annotations

import marshmallow as ma

from api.common import StrictSchema
from engine.inbox import CHANNELS
from engine.notify import EVENT_TYPES


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    event_id = ma.fields.String(required=True, metadata={"description": "The event's id (the same in e-mails and webhooks)"})
    event_type = ma.fields.String(required=True, metadata={"enum": list(EVENT_TYPES)})
    title = ma.fields.String(required=True, metadata={"example": "Счет СЧ-7: на доработке",
                                                      "description": "In the user's language"})
    data = ma.fields.Dict(required=True, metadata={"description": "The event's data: invoice, task, status"})
    created_at = ma.fields.AwareDateTime(required=True)
    read = ma.fields.Boolean(required=True)
    read_at = ma.fields.AwareDateTime(allow_none=True)


class NotificationListQuerySchema(StrictSchema):
    unread = ma.fields.Boolean(load_default=False, metadata={"description": "Only the unread ones"})


class ChannelsSchema(StrictSchema):
    channels = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(CHANNELS)), required=True,
                              validate=ma.validate.Length(max=len(CHANNELS)),
                              metadata={"example": ["in_app", "email"]})

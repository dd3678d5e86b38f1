"""In-app notifications of the signed-in user, and the channels they are told by."""
from __future__ import annotations

from api.auth import current_engine, current_user
from api.common import Blueprint
from api.notifications.schemas import ChannelsSchema, NotificationListQuerySchema, NotificationSchema

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="In-app notifications and each user's channels")


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationListQuerySchema, location="query")
@blp.response(200, NotificationSchema(many=True))
@blp.paginate()
@blp.errors(422)
def list_notifications(args, pagination_parameters):
    """The caller's notifications, newest first (``unread=true``: only the unread ones)."""
    views, total = current_engine().notifications(
        current_user(), unread_only=args["unread"],
        page=pagination_parameters.page, page_size=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return views


@blp.route("/notifications/<notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@blp.errors(404)
def mark_read(notification_id):
    """Mark one of the caller's notifications read (404 for anyone else's)."""
    return current_engine().mark_notification_read(notification_id, current_user())


@blp.route("/me/channels", methods=["GET"])
@blp.response(200, ChannelsSchema)
@blp.errors()
def get_channels():
    """The channels the caller is told by: ``in_app`` and/or ``email``."""
    return {"channels": current_engine().channels(current_user())}


@blp.route("/me/channels", methods=["PUT"])
@blp.arguments(ChannelsSchema)
@blp.response(200, ChannelsSchema)
@blp.errors(400, 415, 422)
def set_channels(args):
    """Choose the channels (an empty list: no notifications at all)."""
    return {"channels": current_engine().set_channels(current_user(), args["channels"])}

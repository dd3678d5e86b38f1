"""In-app notifications (the rows ``engine.notify`` writes with each change) and the channels
each user chose to be told by."""
from __future__ import annotations

from jinja2 import TemplateError
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from engine.delivery.mail import message_context
from engine.delivery.texts import subject
from engine.errors import InvalidInput, NotificationNotFound
from engine.models import Notification
from engine.notification_views import NotificationView, notification_view
from engine.usecase import UseCase
from engine.users import get_user

# Every channel a user may choose; webhooks are the integrators', not a person's.
CHANNELS = ("in_app", "email")


def list_notifications(uc: UseCase, actor: str, unread_only: bool = False, page: int = 1,
                       page_size: int = 50) -> tuple[list[NotificationView], int]:
    """The actor's notifications, newest first, with the total; titles in their language."""
    user = uc.user(actor)
    query = select(Notification).where(Notification.username == actor)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = uc.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = uc.session.scalars(
        query.options(joinedload(Notification.event))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(page_size).offset((page - 1) * page_size))
    return [notification_view(row, _title(row, user)) for row in rows], total


def mark_read(uc: UseCase, notification_id: int | str, actor: str) -> NotificationView:
    """Mark one of the actor's notifications read (again: no change); someone else's id is
    unknown to them."""
    user = uc.user(actor)
    row = None
    number = str(notification_id)
    if number.isascii() and number.isdigit() and 0 < int(number) < 2**31:  # PostgreSQL integer
        row = uc.session.get(Notification, int(number), options=[joinedload(Notification.event)])
    if row is None or row.username != actor:
        raise NotificationNotFound(f"No notification {notification_id}.")
    if row.read_at is None:
        row.read_at = uc.now
    return notification_view(row, _title(row, user))


def channels_of(uc: UseCase, actor: str) -> list[str]:
    """The channels the actor is told by."""
    uc.user(actor)
    return list(get_user(uc.session, actor).channels or [])


def set_channels(uc: UseCase, actor: str, channels) -> list[str]:
    """Choose the channels (a subset of ``CHANNELS``; empty silences everything but webhooks)."""
    uc.user(actor)
    if not isinstance(channels, (list, tuple)) or not all(isinstance(c, str) for c in channels):
        raise InvalidInput("Channels are a list of names.", {"channels": ["Not a list of names."]})
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        raise InvalidInput("Unknown channels.", {"channels": [
            f"Unknown channel '{name}'; choose from {', '.join(CHANNELS)}." for name in unknown]})
    row = get_user(uc.session, actor)
    row.channels = [name for name in CHANNELS if name in channels]
    return list(row.channels)


def _title(row: Notification, user) -> str:
    # The same subject line the e-mail has; an event type without templates shows its name.
    try:
        return subject(row.event_type, message_context(row.event, user), user.locale)
    except TemplateError:
        return row.event_type

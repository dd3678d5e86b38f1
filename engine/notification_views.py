"""Read models of notifications, webhooks and their deliveries (plain data, no ORM objects)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class NotificationView:
    id: int
    event_id: str
    event_type: str
    title: str
    data: dict
    created_at: datetime
    read_at: datetime | None

    @property
    def read(self) -> bool:
        """Whether the user has marked it read."""
        return self.read_at is not None


@dataclass(frozen=True)
class WebhookView:
    id: str
    url: str
    event_types: list[str]
    description: str
    active: bool
    created_by: str
    created_at: datetime
    secret: str | None = None  # only in the answer to its creation


@dataclass(frozen=True)
class DeliveryView:
    id: int
    event_id: str
    event_type: str
    channel: str
    target: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime


def notification_view(row, title: str) -> NotificationView:
    """The read model of a ``Notification`` row (its event loaded) with its title rendered."""
    return NotificationView(
        id=row.id, event_id=row.event.event_id, event_type=row.event_type, title=title,
        data=dict(row.payload or {}), created_at=row.created_at, read_at=row.read_at)


def webhook_view(row, with_secret: bool = False) -> WebhookView:
    """The read model of a ``Webhook`` row; the secret only when asked (right after creation)."""
    return WebhookView(
        id=row.id, url=row.url, event_types=list(row.event_types or []), description=row.description or "",
        active=row.active, created_by=row.created_by, created_at=row.created_at,
        secret=row.secret if with_secret else None)


def delivery_view(row) -> DeliveryView:
    """The read model of a ``Delivery`` row (its event loaded)."""
    return DeliveryView(
        id=row.id, event_id=row.event.event_id, event_type=row.event.event_type, channel=row.channel,
        target=row.target, state=row.state, attempts=row.attempts, next_attempt_at=row.next_attempt_at,
        last_status=row.last_status, last_error=row.last_error, sent_at=row.sent_at,
        created_at=row.created_at)

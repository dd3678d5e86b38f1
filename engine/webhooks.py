"""Integrators' webhooks (admins only): register, list, delete, and see what was delivered."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import func, select

from engine.access import may_manage_webhooks
from engine.delivery.outbox import give_up_pending
from engine.errors import InvalidInput, NotAllowed, WebhookNotFound
from engine.models import Delivery, Webhook
from engine.notification_views import DeliveryView, WebhookView, delivery_view, webhook_view
from engine.notify import EVENT_TYPES
from engine.usecase import UseCase

ANY_EVENT = "*"
MAX_URL_LENGTH = 500  # deliveries keep the URL as their target
SECRET_LENGTH = (16, 200)


def create_webhook(uc: UseCase, actor: str, url: str, event_types, secret: str | None = None,
                   description: str = "") -> WebhookView:
    """Register a webhook; the answer is the only place its secret is shown again (one is
    generated when none is given)."""
    _admin(uc, actor)
    errors: dict[str, list[str]] = {}
    url = _checked_url(url, errors)
    types = _checked_event_types(event_types, errors)
    if secret is not None and not (SECRET_LENGTH[0] <= len(secret) <= SECRET_LENGTH[1]):
        errors["secret"] = [f"A secret is {SECRET_LENGTH[0]}-{SECRET_LENGTH[1]} characters."]
    if errors:
        raise InvalidInput("The webhook is not valid.", errors)
    row = Webhook(url=url, event_types=types, secret=secret or secrets.token_urlsafe(32), active=True,
                  created_by=actor, created_at=uc.now, description=(description or "").strip())
    uc.session.add(row)
    uc.session.flush()
    return webhook_view(row, with_secret=True)


def list_webhooks(uc: UseCase, actor: str, page: int = 1, page_size: int = 50) -> tuple[list[WebhookView], int]:
    """The webhooks in force, oldest first, with the total (no secrets)."""
    _admin(uc, actor)
    query = select(Webhook).where(Webhook.active.is_(True))
    total = uc.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = uc.session.scalars(query.order_by(Webhook.created_at, Webhook.id)
                              .limit(page_size).offset((page - 1) * page_size))
    return [webhook_view(row) for row in rows], total


def get_webhook(uc: UseCase, webhook_id: str, actor: str) -> WebhookView:
    """One webhook in force (no secret)."""
    _admin(uc, actor)
    return webhook_view(_active(uc, webhook_id))


def delete_webhook(uc: UseCase, webhook_id: str, actor: str) -> None:
    """Stop a webhook: nothing more is sent to it, and its pending deliveries are given up.
    The row stays (inactive) so that its deliveries keep their history."""
    _admin(uc, actor)
    row = _active(uc, webhook_id)
    row.active = False
    give_up_pending(uc.session, row.id, "the webhook was deleted", uc.now)


def list_deliveries(uc: UseCase, webhook_id: str, actor: str, page: int = 1,
                    page_size: int = 50) -> tuple[list[DeliveryView], int]:
    """A webhook's deliveries, newest first, with the total: pending, sent and dead."""
    _admin(uc, actor)
    _active(uc, webhook_id)
    query = select(Delivery).where(Delivery.webhook_id == webhook_id)
    total = uc.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = uc.session.scalars(query.order_by(Delivery.created_at.desc(), Delivery.id.desc())
                              .limit(page_size).offset((page - 1) * page_size))
    return [delivery_view(row) for row in rows], total


def _admin(uc: UseCase, actor: str) -> None:
    if not may_manage_webhooks(uc.user(actor)):
        raise NotAllowed("Only admins manage webhooks.")


def _active(uc: UseCase, webhook_id: str) -> Webhook:
    row = uc.session.get(Webhook, webhook_id)
    if row is None or not row.active:
        raise WebhookNotFound(f"No webhook {webhook_id}.")
    return row


def _checked_url(url, errors: dict) -> str:
    url = url.strip() if isinstance(url, str) else ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or any(ch.isspace() for ch in url) or len(url) > MAX_URL_LENGTH):
        errors["url"] = [f"An http:// or https:// URL of at most {MAX_URL_LENGTH} characters."]
    return url


def _checked_event_types(event_types, errors: dict) -> list[str]:
    if not isinstance(event_types, (list, tuple)) or not event_types:
        errors["event_types"] = ["Name at least one event type, or '*' for all."]
        return []
    unknown = [t for t in event_types if t != ANY_EVENT and t not in EVENT_TYPES]
    if unknown:
        errors["event_types"] = [f"Unknown event type '{t}'; choose from {', '.join(EVENT_TYPES)} or '*'."
                                 for t in unknown]
        return []
    if ANY_EVENT in event_types:
        return [ANY_EVENT]
    return list(dict.fromkeys(event_types))

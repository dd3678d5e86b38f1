"""Constants and small helpers of the notification tests: courier settings, free ports, and a
look at the outbox rows themselves (not through the engine's views)."""
from __future__ import annotations

import socket

from sqlalchemy import func, select

from engine.models import Delivery, Notification, OutboxEvent
from engine.settings import Settings

SECRET = "webhook-secret-for-tests-0123456789"
MAIL_FROM = "Invoiceflow <noreply@agency.example>"


def delivery_settings(smtp_url: str | None = None, max_attempts: int = 4) -> Settings:
    """Settings of the courier under test."""
    return Settings(smtp_url=smtp_url, mail_from=MAIL_FROM, delivery_max_attempts=max_attempts)


def free_port() -> int:
    """A loopback port nobody listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def deliveries(engine, channel: str | None = None, recipient: str | None = None) -> list[Delivery]:
    """Delivery rows, oldest first, optionally of one channel and recipient (detached)."""
    query = select(Delivery).order_by(Delivery.id)
    if channel:
        query = query.where(Delivery.channel == channel)
    if recipient:
        query = query.where(Delivery.recipient == recipient)
    with engine.database.read_only() as session:
        rows = list(session.scalars(query))
        session.expunge_all()  # keep them loaded past the scope's rollback
        return rows


def outbox_counts(engine) -> tuple[int, int, int]:
    """How many events, deliveries and in-app notifications exist."""
    with engine.database.read_only() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (OutboxEvent, Delivery, Notification))

"""The transactional outbox: events written with the change that caused them, delivered later."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonData, UtcDateTime, new_id

PENDING = "pending"
SENT = "sent"
DEAD = "dead"


class OutboxEvent(Base):
    """Something worth telling someone, committed in the same transaction as its cause."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent to receivers so they can de-duplicate a delivery repeated after a crash.
    event_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    event_type: Mapped[str] = mapped_column(String(50), index=True)
    instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    payload: Mapped[dict] = mapped_column(JsonData)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Delivery(Base):
    """One event to one channel target (an e-mail address, a webhook); retried with backoff."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(500))
    recipient: Mapped[str | None] = mapped_column(String(64))
    webhook_id: Mapped[str | None] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    event: Mapped[OutboxEvent] = relationship(lazy="joined")


class Notification(Base):
    """An in-app notification: written in the same transaction as its event (exactly once)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict] = mapped_column(JsonData)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    event: Mapped[OutboxEvent] = relationship(lazy="raise")


class Webhook(Base):
    """An integrator's endpoint for some event types; deliveries are signed with its secret."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    url: Mapped[str] = mapped_column(Text)
    event_types: Mapped[list] = mapped_column(JsonData)
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    description: Mapped[str] = mapped_column(Text, default="")

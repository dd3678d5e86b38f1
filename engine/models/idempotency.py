"""Responses remembered per (user, Idempotency-Key), so a retried request is answered, not redone."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JsonData, UtcDateTime


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("username", "key", name="uq_idempotent_requests_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    # What was asked (method, path, body digest): the same key for another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict | list] = mapped_column(JsonData)
    location: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

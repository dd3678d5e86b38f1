"""Uploaded files (invoice documents and their revisions)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UtcDateTime, new_id, utcnow


class Attachment(Base):
    """An uploaded file's metadata; the bytes live under the data directory by content hash."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class InstanceAttachment(Base):
    """An attachment submitted through a form of an instance: who may download it follows."""

    __tablename__ = "instance_attachments"

    instance_id: Mapped[str] = mapped_column(
        ForeignKey("process_instances.id", ondelete="CASCADE"), primary_key=True
    )
    attachment_id: Mapped[str] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    # Declared so one flush inserts a new instance before the links to its attachments.
    instance: Mapped["ProcessInstance"] = relationship(lazy="raise")

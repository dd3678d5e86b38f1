"""Due timers as rows: finding what is due is an indexed query, never a snapshot walk."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UtcDateTime
from .definitions import ProcessDefinition
from .instances import ProcessInstance

WAITING = "waiting"
FIRED = "fired"
DROPPED = "cancelled"


class Timer(Base):
    """A waiting timer event of an instance (boundary, intermediate) or of a definition (start).

    The row mirrors the timer task in the snapshot; the worker that fires it locks the row
    (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so each due timer fires exactly once.
    """

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_state_due_at", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str | None] = mapped_column(
        ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("process_definitions.id"))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    element_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(20), default=WAITING)
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    instance: Mapped[ProcessInstance | None] = relationship(lazy="raise")
    definition: Mapped[ProcessDefinition | None] = relationship(lazy="raise")

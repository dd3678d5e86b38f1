"""Process instances with their SpiffWorkflow snapshot, and their user tasks as rows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonData, UtcDateTime, new_id, utcnow
from .definitions import ProcessDefinition

RUNNING = "running"
COMPLETED = "completed"
CANCELLED = "cancelled"
FAILED = "failed"


class ProcessInstance(Base):
    """One run of a diagram version.

    ``revision`` is SQLAlchemy's version counter: every UPDATE says ``WHERE revision = :seen``,
    so of two transactions that read the same revision only the first can write (optimistic
    locking); the loser gets a ``StaleDataError`` that the engine turns into ``Conflict``.
    """

    __tablename__ = "process_instances"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    business_key: Mapped[str | None] = mapped_column(String(100), index=True)
    # Lifecycle of the engine run (running/completed/cancelled/failed) ...
    state: Mapped[str] = mapped_column(String(20), default=RUNNING, index=True)
    # ... and the business status code the diagram sets (in_approval, paid, closed ...).
    status: Mapped[str | None] = mapped_column(String(50), index=True)
    initiator: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set by every change, so every change bumps ``revision`` (claims change no other column).
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The process data after the last step, so reading an instance never loads the snapshot.
    data: Mapped[dict] = mapped_column(JsonData, default=dict)
    # Everyone who was ever named on a task: visibility is a query, not a snapshot walk.
    participants: Mapped[list] = mapped_column(JsonData, default=list)
    snapshot: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    failure: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": revision}

    @property
    def running(self) -> bool:
        """Whether the instance can still change."""
        return self.state == RUNNING


OPEN = "open"
DONE = "completed"
WITHDRAWN = "cancelled"


class UserTask(Base):
    """A user task as a row: listing tasks never loads a snapshot."""

    __tablename__ = "user_tasks"

    # The SpiffWorkflow task id, so a row and its task in the snapshot are the same thing.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("process_instances.id", ondelete="CASCADE"), index=True
    )
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str | None] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    candidate_groups: Mapped[list] = mapped_column(JsonData, default=list)
    state: Mapped[str] = mapped_column(String(20), default=OPEN, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(50))
    data: Mapped[dict | None] = mapped_column(JsonData)

    instance: Mapped[ProcessInstance] = relationship(lazy="joined")
    # Written with the task, queried by joins; never needed when a task row is loaded.
    groups: Mapped[list["TaskCandidateGroup"]] = relationship(
        cascade="all, delete-orphan", lazy="select"
    )


class TaskCandidateGroup(Base):
    """One candidate group of a task, as a row so "tasks of my groups" is an indexed join."""

    __tablename__ = "task_candidate_groups"

    task_id: Mapped[str] = mapped_column(
        ForeignKey("user_tasks.id", ondelete="CASCADE"), primary_key=True
    )
    group_name: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class AuditEvent(Base):
    """Append-only trail: who did what, when, with which data. Never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("process_instances.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(50))
    task_id: Mapped[str | None] = mapped_column(String(36))
    task_name: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JsonData, default=dict)

    # Declared so one flush inserts the instance before its first audit entries.
    instance: Mapped[ProcessInstance] = relationship(lazy="raise")

"""Timer rows follow the workflow's waiting timers; the worker fires the due ones, each once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import ProcessInstance, Timer
from engine.models.timers import DROPPED, FIRED, WAITING
from engine.spiff.timers import waiting_timers


def sync_timers(session: Session, instance: ProcessInstance, workflow, now: datetime) -> None:
    """Insert rows for new waiting timers, move cycle timers to their next time, and close rows
    whose timer is gone (fired if it was due, else cancelled with its task)."""
    current = {timer.task_id: timer for timer in waiting_timers(workflow)}
    rows = session.scalars(select(Timer).where(
        Timer.instance_id == instance.id, Timer.state == WAITING)).all()
    for row in rows:
        timer = current.pop(row.task_id, None)
        if timer is not None:
            if timer.due_at != row.due_at:  # a cycle moved on
                row.due_at, row.fired_at = timer.due_at, now
            continue
        row.state = FIRED if row.due_at <= now else DROPPED
        row.fired_at = now if row.state == FIRED else None
    for timer in current.values():
        session.add(Timer(instance=instance, task_id=timer.task_id, element_id=timer.element_id,
                          kind=timer.kind, due_at=timer.due_at, state=WAITING))


def close_timers(session: Session, instance: ProcessInstance) -> None:
    """An instance that stopped waits for nothing."""
    for row in session.scalars(select(Timer).where(
            Timer.instance_id == instance.id, Timer.state == WAITING)):
        row.state = DROPPED


def due_instance_ids(session: Session, now: datetime, limit: int) -> list[str]:
    """Instances with a due timer, the most overdue first."""
    rows = session.execute(
        select(Timer.instance_id, func.min(Timer.due_at).label("first"))
        .where(Timer.state == WAITING, Timer.due_at <= now, Timer.instance_id.is_not(None))
        .group_by(Timer.instance_id).order_by("first").limit(limit))
    return [row.instance_id for row in rows]


def lock_instance(session: Session, instance_id: str) -> ProcessInstance | None:
    """Lock the instance row for firing, skipping one another worker holds (PostgreSQL's
    ``FOR UPDATE SKIP LOCKED``; SQLite has one writer at a time anyway, so one worker suffices
    there and the clause is not rendered)."""
    return session.scalars(
        select(ProcessInstance).where(ProcessInstance.id == instance_id)
        .with_for_update(skip_locked=True, of=ProcessInstance)).first()


def next_due(session: Session) -> datetime | None:
    """When the next timer is due (None when nothing waits)."""
    return session.scalar(select(func.min(Timer.due_at)).where(Timer.state == WAITING))

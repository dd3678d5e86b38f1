"""Timer rows follow the workflow's waiting timers; the worker fires the due ones, each once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.orm import Session

from engine.models import ProcessDefinition, ProcessInstance, Timer
from engine.models.timers import DROPPED, FIRED, WAITING
from engine.spiff.start_timers import first_due
from engine.spiff.timers import WaitingTimer, waiting_timers

START = "start"


def sync_timers(session: Session, instance: ProcessInstance, workflow, before: dict[str, WaitingTimer],
                now: datetime) -> None:
    """Bring the instance's timer rows in line with the timers its workflow waits for now
    (the instance row must be written already: these are plain statements, run at once).

    The rows mirror the timers the workflow waited for before the step (``before``), so the
    difference says what to write, without reading the rows: new timers get rows, moved cycles
    their next time, and timers that are gone are closed (fired if they were due, else dropped
    with their task)."""
    current = {timer.task_id: timer for timer in waiting_timers(workflow)}
    gone = sorted(task_id for task_id in before if task_id not in current)
    connection = session.connection()
    if gone:
        connection.execute(_CLOSE_GONE, {"b_instance": instance.id, "b_tasks": gone, "b_now": now})
    moved = [{"b_instance": instance.id, "b_task": task_id, "b_due": timer.due_at, "b_now": now}
             for task_id, timer in current.items()
             if task_id in before and before[task_id].due_at != timer.due_at]
    if moved:  # cycles moved on to their next time
        connection.execute(_MOVE_CYCLE, moved)
    new = [{"instance_id": instance.id, "task_id": task_id, "element_id": timer.element_id,
            "kind": timer.kind, "due_at": timer.due_at, "state": WAITING}
           for task_id, timer in current.items() if task_id not in before]
    if new:
        connection.execute(insert(Timer.__table__), new)


# Built once: a statement made afresh on every step costs more to build than to run.
_TIMERS = Timer.__table__.c
_WAS_DUE = _TIMERS.due_at <= bindparam("b_now")
_CLOSE_GONE = (
    update(Timer.__table__)
    .where(_TIMERS.instance_id == bindparam("b_instance"),
           _TIMERS.task_id.in_(bindparam("b_tasks", expanding=True)), _TIMERS.state == WAITING)
    .values(state=case((_WAS_DUE, FIRED), else_=DROPPED), fired_at=case((_WAS_DUE, bindparam("b_now")), else_=None)))
_MOVE_CYCLE = (
    update(Timer.__table__)
    .where(_TIMERS.instance_id == bindparam("b_instance"), _TIMERS.task_id == bindparam("b_task"),
           _TIMERS.state == WAITING)
    .values(due_at=bindparam("b_due"), fired_at=bindparam("b_now")))


def close_timers(session: Session, instance: ProcessInstance) -> None:
    """An instance that stopped waits for nothing."""
    for row in session.scalars(select(Timer).where(
            Timer.instance_id == instance.id, Timer.state == WAITING)):
        if row.state == WAITING:  # no autoflush: a row fired in this transaction knows it
            row.state = DROPPED


def due_instance_ids(session: Session, now: datetime, limit: int) -> list[str]:
    """Instances with a due timer, the most overdue first. Walks the (state, due_at) index in
    order and stops early (after ``limit * 20`` timer rows), instead of grouping every due row;
    the database groups those few rows, so only the ``limit`` instance ids come back."""
    rows = (select(Timer.instance_id, Timer.due_at)
            .where(Timer.state == WAITING, Timer.due_at <= now, Timer.instance_id.is_not(None),
                   Timer.kind != START)
            .order_by(Timer.due_at).limit(limit * 20).subquery())
    return list(session.scalars(
        select(rows.c.instance_id).group_by(rows.c.instance_id)
        .order_by(func.min(rows.c.due_at), rows.c.instance_id).limit(limit)))


def claim_due_instances(session: Session, now: datetime, limit: int, candidates: int) -> list[ProcessInstance]:
    """Lock up to ``limit`` instances that have a due timer, the most overdue first, skipping
    instances another worker holds (``FOR UPDATE SKIP LOCKED``; not rendered on SQLite, where
    the transaction already holds the only write lock). The ``candidates`` most overdue
    instances (``due_instance_ids``) are tried in that order, locking each time no more than
    are still missing, so a batch never holds more rows than it will fire.

    The candidates come from an earlier snapshot than the locks: another worker may have fired
    an instance between the two. ``due_among`` says, from a snapshot taken after the locks, which
    of the claimed instances still have due timers."""
    queue = due_instance_ids(session, now, max(candidates, limit))
    claimed: list[ProcessInstance] = []
    while queue and len(claimed) < limit:
        chunk, queue = queue[:limit - len(claimed)], queue[limit - len(claimed):]
        rows = session.scalars(
            select(ProcessInstance).where(ProcessInstance.id.in_(chunk))
            .with_for_update(skip_locked=True, of=ProcessInstance)).all()
        order = {instance_id: position for position, instance_id in enumerate(chunk)}
        claimed += sorted(rows, key=lambda row: order[row.id])
    return claimed


def due_among(session: Session, instance_ids: list[str], now: datetime) -> set[str]:
    """Which of these instances still have a waiting timer due by ``now``."""
    if not instance_ids:
        return set()
    return set(session.scalars(select(Timer.instance_id).distinct().where(
        Timer.instance_id.in_(instance_ids), Timer.state == WAITING, Timer.due_at <= now)))


def schedule_start_timer(session: Session, definition, diagram, now: datetime) -> None:
    """A newly deployed version replaces the start timer of the versions before it."""
    older = select(ProcessDefinition.id).where(ProcessDefinition.key == definition.key)
    for row in session.scalars(select(Timer).where(
            Timer.definition_id.in_(older), Timer.kind == START, Timer.state == WAITING)):
        row.state = DROPPED
    if diagram.start_timer is None:
        return
    due, _cycles, _interval = first_due(*diagram.start_timer, now)
    if due is not None:
        session.add(Timer(definition=definition, kind=START, element_id=diagram.start_event_id,
                          due_at=due, state=WAITING))


def due_start_timer_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Start timers that are due, the most overdue first."""
    return list(session.scalars(
        select(Timer.id).where(Timer.kind == START, Timer.state == WAITING, Timer.due_at <= now)
        .order_by(Timer.due_at).limit(limit)))


def lock_timer(session: Session, timer_id: int) -> Timer | None:
    """Lock one waiting timer row, skipping it when another worker holds it."""
    return session.scalars(select(Timer).where(Timer.id == timer_id, Timer.state == WAITING)
                           .with_for_update(skip_locked=True)).first()


def reschedule_start_timer(timer: Timer, diagram, now: datetime) -> None:
    """After a start timer fired: its next time (cycles), or done."""
    timer.attempts += 1
    timer.fired_at = now
    due, _cycles, _interval = first_due(*diagram.start_timer, timer.due_at + timedelta(microseconds=1))
    if due is None:
        timer.state = FIRED
    else:
        timer.due_at = due

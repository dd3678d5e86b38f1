"""Turn what the engine did into rows: status, user tasks, audit, snapshot. No commit here."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from engine import notify
from engine.access import GROUP_MARK
from engine.models import AuditEvent, ProcessInstance, TaskCandidateGroup, UserTask
from engine.models.instances import COMPLETED, FAILED, OPEN, WITHDRAWN
from engine.spiff.diagram import Diagram
from engine.spiff.due_dates import is_expression, resolve_due_date
from engine.spiff.runtime import ProcessFailed, Runtime, SERIALIZER_VERSION, Step
from engine.timers import close_timers, sync_timers


def audit(session: Session, instance: ProcessInstance, now: datetime, actor: str, event: str,
          data: dict | None = None, task: UserTask | None = None) -> None:
    """Append one entry to the instance's audit trail."""
    session.add(AuditEvent(
        instance=instance, at=now, actor=actor, event=event,
        task_id=task.id if task else None, task_name=task.name if task else None,
        data=data or {},
    ))


def record_step(session: Session, runtime: Runtime, diagram: Diagram, instance: ProcessInstance,
                workflow, step: Step, now: datetime) -> list[UserTask]:
    """Bring the instance's rows in line with the workflow after an engine step (status, task
    rows, timers, notifications, snapshot); return the open task rows."""
    old_status = instance.status
    for element_id in step.entered:
        element = diagram.element(element_id)
        if element is not None and element.status:
            instance.status = element.status
    open_rows = _sync_tasks(session, runtime, diagram, instance, workflow, step, now)
    _send_reminders(session, diagram, instance, step, now)
    if old_status is not None and instance.status != old_status:
        notify.status_changed(session, instance, old_status, now)
    instance.data = runtime.current_data(workflow)
    instance.snapshot = runtime.snapshot(workflow)
    instance.serializer_version = SERIALIZER_VERSION
    instance.updated_at = now
    flag_modified(instance, "updated_at")  # always an UPDATE, so always a revision bump
    if workflow.completed and instance.running:
        instance.state = COMPLETED
        instance.ended_at = now
        audit(session, instance, now, "system", "instance_completed", {"status": instance.status})
    # The instance row first (its revision check, and its lock on PostgreSQL), then the timer
    # rows: the worker locks in the same order, so the two never wait for each other in a circle.
    # A completed workflow waits for no timer: the difference closes every row it had.
    session.flush()
    sync_timers(session, instance, workflow, step.timers_before, now)
    return open_rows


def record_failure(session: Session, instance: ProcessInstance, failure: ProcessFailed,
                   now: datetime) -> None:
    """Mark the instance failed with the reason; nobody can act on its tasks any more."""
    instance.state = FAILED
    instance.failure = str(failure)
    instance.ended_at = now
    instance.updated_at = now
    for row in _open_rows(session, instance):
        row.state = WITHDRAWN
    close_timers(session, instance)
    audit(session, instance, now, "system", "instance_failed",
          {"element": failure.element_id, "reason": str(failure)})


def withdraw_open_tasks(session: Session, instance: ProcessInstance) -> None:
    """Close every open task row and timer of an instance that has stopped."""
    for row in _open_rows(session, instance):
        row.state = WITHDRAWN
    close_timers(session, instance)


def _open_rows(session: Session, instance: ProcessInstance) -> list[UserTask]:
    rows = session.scalars(
        select(UserTask).where(UserTask.instance_id == instance.id, UserTask.state == OPEN)
        .order_by(UserTask.created_at, UserTask.id))
    # The session does not autoflush: a row closed in this transaction is still "open" in the
    # database, but the object in memory knows better.
    return [row for row in rows if row.state == OPEN]


def _sync_tasks(session, runtime, diagram, instance, workflow, step, now) -> list[UserTask]:
    """Withdraw rows of tasks that stopped being ready, add rows for new ones.

    The rows of an instance always mirror its ready user tasks, so the difference between the
    ready sets before and after the step says what changed, without querying open rows.
    """
    ready = {str(task.id): task for task in runtime.ready_user_tasks(workflow)}
    for task_id in sorted(step.ready_before - step.ready_after):
        row = session.get(UserTask, task_id)
        if row is not None and row.state == OPEN:  # cancelled by an event, a timer, cancellation
            row.state = WITHDRAWN
            audit(session, instance, now, "system", "task_withdrawn", task=row)
    open_rows = []
    for task_id, task in ready.items():
        if task_id in step.ready_before:
            open_rows.append(session.get(UserTask, task_id))
            continue
        row = _new_task_row(runtime, diagram, instance, task, now)
        session.add(row)
        _add_participant(instance, row.assignee)
        for group in row.candidate_groups:  # members of a candidate group read what they decide on
            _add_participant(instance, GROUP_MARK + group)
        audit(session, instance, now, "system", "task_created",
              {"assignee": row.assignee, "candidate_groups": row.candidate_groups}, task=row)
        notify.task_assigned(session, instance, row, now)
        open_rows.append(row)
    return [row for row in open_rows if row is not None]


def _send_reminders(session, diagram, instance, step, now) -> None:
    """A reminder element (``notify=reminder``) reached from a boundary timer reminds whoever
    holds that timer's task."""
    for element_id in step.entered:
        element = diagram.element(element_id)
        if element is not None and element.notify == "reminder" and element.reminds:
            notify.task_reminder(session, instance, element.reminds, now)
            audit(session, instance, now, "system", "reminder_sent", {"element": element.reminds})


def _new_task_row(runtime, diagram, instance, task, now) -> UserTask:
    element = diagram.element(task.task_spec.bpmn_id)

    def evaluate(text):
        try:
            return runtime.script_engine.evaluate(task, text)
        except Exception as err:
            raise ProcessFailed(f"{element.describe()}: {err}", element.id) from err

    assignee = _resolve(element.assignee, evaluate)
    groups = _resolve_groups(element.candidate_groups, evaluate)
    due = None
    if element.due_date:
        try:
            due = resolve_due_date(element.due_date, evaluate, now)
        except ValueError as err:
            raise ProcessFailed(f"{element.describe()}: dueDate: {err}", element.id) from err
    row = UserTask(
        id=str(task.id), instance_id=instance.id, element_id=element.id,
        name=element.name or element.id, form_key=element.form_key,
        assignee=str(assignee) if assignee else None, candidate_groups=groups,
        state=OPEN, due_at=due, created_at=now,
    )
    row.groups = [TaskCandidateGroup(group_name=name) for name in groups]
    return row


def _resolve(text: str | None, evaluate):
    if not text:
        return None
    return evaluate(text) if is_expression(text) else text.strip()


def _resolve_groups(text: str | None, evaluate) -> list[str]:
    value = _resolve(text, evaluate)
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return sorted({str(item).strip() for item in items if str(item).strip()})


def _add_participant(instance: ProcessInstance, username: str | None) -> None:
    if username and username not in (instance.participants or []):
        instance.participants = [*(instance.participants or []), username]

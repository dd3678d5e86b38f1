"""Use cases on user tasks: list, read, claim, unclaim, complete."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm.attributes import flag_modified

import forms
from engine.attachments import link_attachments
from engine.access import may_act_on, may_see_instance
from engine.errors import Conflict, NotAllowed, TaskNotFound
from engine.models import AuditEvent, TaskCandidateGroup, UserTask
from engine.models.instances import DONE, OPEN
from engine.progress import _add_participant, audit, record_failure, record_step
from engine.spiff.runtime import ProcessFailed
from engine.usecase import UseCase
from engine.views import InstanceView, TaskView, instance_view, task_view


def list_tasks(uc: UseCase, actor: str, scope: str = "mine", state: str = "open",
               page: int = 1, page_size: int = 50) -> tuple[list[TaskView], int]:
    """Tasks of the actor: ``mine`` (assigned or claimed), ``group`` (their groups' unassigned
    tasks) or ``all`` (both); ``state`` is ``open`` or ``completed``. Never loads a snapshot."""
    user = uc.user(actor)
    mine = or_(UserTask.assignee == actor, UserTask.claimed_by == actor)
    group = UserTask.assignee.is_(None) & UserTask.id.in_(
        select(TaskCandidateGroup.task_id).where(TaskCandidateGroup.group_name.in_(user.group_names)))
    where = {"mine": mine, "group": group, "all": or_(mine, group)}[scope]
    if state == "completed":
        where = or_(where, UserTask.completed_by == actor) if scope != "group" else where
    query = select(UserTask).where(where, UserTask.state == (DONE if state == "completed" else OPEN))
    total = uc.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = uc.session.scalars(query.order_by(UserTask.due_at.is_(None), UserTask.due_at,
                                             UserTask.created_at, UserTask.id)
                              .limit(page_size).offset((page - 1) * page_size))
    return [task_view(row) for row in rows], total


def visible_task(uc: UseCase, task_id: str, actor: str) -> UserTask:
    """The task if the actor may act on it or see its instance; TaskNotFound otherwise."""
    user = uc.user(actor)
    task = uc.session.get(UserTask, task_id) if isinstance(task_id, str) else None
    if task is None or not (may_act_on(user, task) or may_see_instance(user, task.instance)):
        raise TaskNotFound("No such task.")
    return task


def get_task(uc: UseCase, task_id: str, actor: str) -> TaskView:
    """One task."""
    return task_view(visible_task(uc, task_id, actor))


def claim_task(uc: UseCase, task_id: str, actor: str) -> TaskView:
    """Take a group task so that nobody else in the group works on it."""
    task = _actionable(uc, task_id, actor)
    if task.claimed_by == actor or task.assignee == actor:
        return task_view(task)  # already theirs: nothing to take
    task.claimed_by, task.claimed_at = actor, uc.now
    _add_participant(task.instance, actor)  # whoever works on a group task sees its instance
    _touch(uc, task)
    audit(uc.session, task.instance, uc.now, actor, "task_claimed", task=task)
    uc.session.flush()
    return task_view(task)


def unclaim_task(uc: UseCase, task_id: str, actor: str) -> TaskView:
    """Give a claimed task back to its groups (only the claimer may)."""
    task = visible_task(uc, task_id, actor)
    if not may_act_on(uc.user(actor), task):
        raise NotAllowed("You may not act on this task.")
    if task.state != OPEN:
        raise Conflict("The task is not open any more.")
    if task.claimed_by != actor:
        raise Conflict("The task is not claimed by you." if task.claimed_by is None
                       else f"The task is claimed by {task.claimed_by}.")
    task.claimed_by, task.claimed_at = None, None
    _touch(uc, task)
    audit(uc.session, task.instance, uc.now, actor, "task_unclaimed", task=task)
    uc.session.flush()
    return task_view(task)


def complete_task(uc: UseCase, task_id: str, data, actor: str) -> tuple[TaskView, InstanceView]:
    """Complete a task with form data validated by its form, and advance the process."""
    task = _actionable(uc, task_id, actor)
    instance = task.instance
    cleaned = uc.validate(task.form_key, data, actor, instance.initiator) if task.form_key else dict(data or {})
    diagram = uc.diagrams.get(instance.definition)
    workflow = uc.runtime.restore(diagram, instance.snapshot)
    task.state, task.completed_at, task.completed_by = DONE, uc.now, actor
    _add_participant(instance, actor)
    task.outcome = _outcome(task.form_key, cleaned)
    task.data = cleaned
    link_attachments(uc.session, instance, task.form_key, cleaned)
    audit(uc.session, instance, uc.now, actor, "task_completed",
          {"data": cleaned, "form_key": task.form_key}, task=task)
    open_rows = []
    try:
        step = uc.runtime.complete(workflow, task.id, cleaned)
        open_rows = record_step(uc.session, uc.runtime, diagram, instance, workflow, step, uc.now)
    except ProcessFailed as failure:
        record_failure(uc.session, instance, failure, uc.now)
    uc.session.flush()
    return task_view(task), instance_view(instance, open_rows)


def _actionable(uc: UseCase, task_id: str, actor: str) -> UserTask:
    """The open task of a running instance that the actor may act on now."""
    user = uc.user(actor)
    task = visible_task(uc, task_id, actor)
    if not may_act_on(user, task):
        raise NotAllowed("You may not act on this task.")
    if task.state != OPEN:
        raise Conflict(f"The task is already {task.state}.")
    if not task.instance.running:
        raise Conflict(f"The process instance is not running (it is {task.instance.state}).")
    if task.claimed_by and task.claimed_by != actor:
        raise Conflict(f"The task is claimed by {task.claimed_by}.")
    element = uc.diagrams.get(task.instance.definition).element(task.element_id)
    if element is not None and element.exclude_initiator and actor == task.instance.initiator:
        raise NotAllowed("Segregation of duties: the initiator may not act on this task.")
    return task


def _touch(uc: UseCase, task: UserTask) -> None:
    # Every change to an instance's tasks bumps its revision: concurrent changes conflict.
    task.instance.updated_at = uc.now
    flag_modified(task.instance, "updated_at")


def _outcome(form_key: str | None, cleaned: dict) -> str | None:
    if not form_key:
        return None
    field = forms.load_form(form_key).outcome_field
    value = cleaned.get(field) if field else None
    return str(value) if value is not None else None


def task_details(uc: UseCase, task_id: str, actor: str) -> tuple[TaskView, dict, list[dict]]:
    """A task with the process data it is decided on and the earlier decisions of its instance
    (who decided what, when, with which comment), oldest first."""
    task = visible_task(uc, task_id, actor)
    # In the order the audit trail recorded them (timestamps can tie).
    done = uc.session.scalars(
        select(UserTask).join(AuditEvent, (AuditEvent.task_id == UserTask.id)
                              & (AuditEvent.event == "task_completed"))
        .where(UserTask.instance_id == task.instance_id, UserTask.state == DONE)
        .order_by(AuditEvent.id))
    decisions = [{
        "task_name": row.name, "completed_by": row.completed_by, "completed_at": row.completed_at,
        "outcome": row.outcome,
        "comment": (row.data or {}).get("comment") or (row.data or {}).get("reason"),
    } for row in done]
    return task_view(task), dict(task.instance.data or {}), decisions

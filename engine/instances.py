"""Use cases on process instances: start, cancel, read, history."""
from __future__ import annotations

from sqlalchemy import func, or_, select

import forms
from engine import notify

from engine.attachments import link_attachments
from engine.access import OVERSEEING_GROUPS, may_cancel, may_see_instance
from engine.definitions import latest_definition
from engine.errors import Conflict, InstanceNotFound, InvalidInput, NotAllowed
from engine.models.base import new_id
from engine.models import AuditEvent, ProcessDefinition, ProcessInstance, TaskCandidateGroup, UserTask
from engine.models.instances import CANCELLED, OPEN, RUNNING
from engine.progress import audit, record_failure, record_step, withdraw_open_tasks
from engine.spiff.runtime import ProcessFailed
from engine.usecase import UseCase
from engine.views import HistoryEntry, InstanceView, instance_view


def start_instance(uc: UseCase, key: str, data, actor: str, definition=None) -> InstanceView:
    """Start the latest version of ``key`` (or ``definition``) with start data validated by its
    start form. The actor ``system`` is the worker starting an instance on a timer."""
    if actor != SYSTEM:
        uc.user(actor)
    definition = definition or latest_definition(uc.session, key)
    diagram = uc.diagrams.get(definition)
    if diagram.start_form:
        data = uc.validate(diagram.start_form, data, actor, actor)
    elif not isinstance(data, dict):
        raise InvalidInput("Start data must be an object.", {"data": ["Must be an object."]})
    data = {**data, "initiator": actor}
    key_field = diagram.business_key_field
    instance = ProcessInstance(
        id=new_id(), definition=definition, business_key=str(data.get(key_field)) if key_field and data.get(key_field) else None,
        state=RUNNING, initiator=actor, started_at=uc.now, updated_at=uc.now, data=data,
        participants=[actor], snapshot="{}", serializer_version="",
    )
    uc.session.add(instance)
    link_attachments(uc.session, instance, diagram.start_form, data)
    audit(uc.session, instance, uc.now, actor, "instance_started",
          {"data": data, "form_key": diagram.start_form})
    try:
        workflow, step = uc.runtime.start(diagram, data, by_timer=actor == SYSTEM)
        record_step(uc.session, uc.runtime, diagram, instance, workflow, step, uc.now)
    except ProcessFailed as failure:
        record_failure(uc.session, instance, failure, uc.now)
    uc.session.flush()
    return instance_view(instance, _open_tasks(uc, instance))


SYSTEM = "system"


def cancel_instance(uc: UseCase, instance_id: str, actor: str, reason: str) -> InstanceView:
    """Cancel a running instance (its initiator or an admin); Conflict when it is not running."""
    user = uc.user(actor)
    instance = visible_instance(uc, instance_id, actor)
    if not may_cancel(user, instance):
        raise NotAllowed("Only the initiator or an admin may cancel this instance.")
    if not instance.running:
        raise Conflict(f"The instance is not running (it is {instance.state}).")
    diagram = uc.diagrams.get(instance.definition)
    workflow = uc.runtime.restore(diagram, instance.snapshot)
    audit(uc.session, instance, uc.now, actor, "instance_cancelled", {"reason": reason})
    status = None
    try:
        step = uc.runtime.cancel(workflow)
        record_step(uc.session, uc.runtime, diagram, instance, workflow, step, uc.now)
        status = _end_status(diagram, step)
    except ProcessFailed as failure:  # the cancel path of the diagram itself failed
        record_failure(uc.session, instance, failure, uc.now)
    withdraw_open_tasks(uc.session, instance)
    instance.state = CANCELLED
    before = instance.status
    instance.status = status or CANCELLED
    if instance.status != before:
        notify.status_changed(uc.session, instance, before, uc.now)
    instance.ended_at = uc.now
    instance.updated_at = uc.now
    uc.session.flush()
    return instance_view(instance)


def _end_status(diagram, step) -> str | None:
    """The status of an end event the diagram's own cancel path reached, if any."""
    ends = [diagram.element(e) for e in step.entered]
    statuses = [e.status for e in ends if e is not None and e.tag == "endEvent" and e.status]
    return statuses[-1] if statuses else None


def visible_instance(uc: UseCase, instance_id: str, actor: str) -> ProcessInstance:
    """The instance if the actor may see it; InstanceNotFound otherwise (ids cannot be probed)."""
    user = uc.user(actor)
    instance = uc.session.get(ProcessInstance, instance_id) if isinstance(instance_id, str) else None
    if instance is None or not may_see_instance(user, instance):
        raise InstanceNotFound("No such process instance.")
    return instance


def get_instance(uc: UseCase, instance_id: str, actor: str) -> InstanceView:
    """One instance with its open tasks and every document version ever submitted to it."""
    instance = visible_instance(uc, instance_id, actor)
    return instance_view(instance, _open_tasks(uc, instance), instance_documents(uc, instance))


def instance_documents(uc: UseCase, instance: ProcessInstance) -> list[dict]:
    """Every attachment submitted through a form of this instance, oldest first.

    Read from the audit trail (each submission names its form), not from the process data: a
    revision replaces ``document`` in the data, while every version must stay visible.
    """
    events = uc.session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                 AuditEvent.event.in_(("instance_started", "task_completed")))
        .order_by(AuditEvent.id))
    documents = []
    for event in events:
        form_key = (event.data or {}).get("form_key")
        submitted = (event.data or {}).get("data") or {}
        for name in forms.attachment_fields(form_key) if form_key else ():
            if submitted.get(name):
                documents.append({"attachment_id": submitted[name], "field": name, "at": event.at,
                                  "actor": event.actor, "task_name": event.task_name})
    return documents


def instance_history(uc: UseCase, instance_id: str, actor: str) -> list[HistoryEntry]:
    """The audit trail of an instance, oldest first."""
    instance = visible_instance(uc, instance_id, actor)
    rows = uc.session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.id)
    )
    return [HistoryEntry(r.at, r.actor, r.event, r.task_id, r.task_name, dict(r.data or {})) for r in rows]


def list_instances(uc: UseCase, actor: str, status: str | None = None, key: str | None = None,
                   mine: bool = False, page: int = 1, page_size: int = 50) -> tuple[list[InstanceView], int]:
    """Instances the actor may see, newest first, with the total count."""
    user = uc.user(actor)
    query = select(ProcessInstance).join(ProcessInstance.definition)
    if mine or not (user.group_names & OVERSEEING_GROUPS):
        # The same people may_see_instance lets in: named on a task, in a task's candidate
        # group, or having acted on the instance (claimed, completed, cancelled ...).
        candidate = select(TaskCandidateGroup.task_id).where(
            TaskCandidateGroup.group_name.in_(sorted(user.group_names)))
        participant = or_(
            ProcessInstance.id.in_(select(UserTask.instance_id).where(
                or_(UserTask.assignee == actor, UserTask.id.in_(candidate)))),
            ProcessInstance.id.in_(select(AuditEvent.instance_id).where(AuditEvent.actor == actor)))
        query = query.where(or_(ProcessInstance.initiator == actor, participant) if not mine
                            else ProcessInstance.initiator == actor)
    if status:
        query = query.where(ProcessInstance.status == status)
    if key:
        query = query.where(ProcessDefinition.key == key)
    total = uc.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = uc.session.scalars(query.order_by(ProcessInstance.started_at.desc(), ProcessInstance.id)
                              .limit(page_size).offset((page - 1) * page_size))
    return [instance_view(row) for row in rows], total


def _open_tasks(uc: UseCase, instance: ProcessInstance) -> list[UserTask]:
    return list(uc.session.scalars(
        select(UserTask).where(UserTask.instance_id == instance.id, UserTask.state == OPEN)
        .order_by(UserTask.created_at, UserTask.id)
    ))

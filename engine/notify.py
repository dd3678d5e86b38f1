"""Write notifications into the outbox in the same transaction as the change that caused them.

In-app notifications are rows written right here (exactly once, with the change); e-mails and
webhooks become pending deliveries that the worker sends later (at least once; receivers
de-duplicate by the event id).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Delivery, Group, Notification, OutboxEvent, ProcessInstance, User, UserTask, Webhook
from engine.models.instances import OPEN

TASK_ASSIGNED = "task.assigned"
TASK_REMINDER = "task.reminder"
STATUS_CHANGED = "instance.status_changed"
EVENT_TYPES = (TASK_ASSIGNED, TASK_REMINDER, STATUS_CHANGED)


def task_assigned(session: Session, instance: ProcessInstance, task: UserTask, now: datetime) -> None:
    """Tell the assignee, or every member of the candidate groups, about a new task."""
    emit(session, TASK_ASSIGNED, instance, _task_payload(instance, task), _task_people(session, task), now)


def task_reminder(session: Session, instance: ProcessInstance, element_id: str, now: datetime) -> None:
    """Remind whoever holds the open task of ``element_id`` that it is overdue."""
    for task in session.scalars(select(UserTask).where(
            UserTask.instance_id == instance.id, UserTask.element_id == element_id, UserTask.state == OPEN)):
        emit(session, TASK_REMINDER, instance, _task_payload(instance, task), _task_people(session, task), now)


def status_changed(session: Session, instance: ProcessInstance, old: str | None, now: datetime) -> None:
    """Tell the initiator the invoice changed status (sent back, approved, paid, closed ...)."""
    payload = {**_instance_payload(instance), "previous_status": old}
    emit(session, STATUS_CHANGED, instance, payload, [instance.initiator], now)


def emit(session: Session, event_type: str, instance: ProcessInstance | None, payload: dict,
         recipients: list[str], now: datetime) -> OutboxEvent:
    """One outbox event: in-app rows and e-mail deliveries per recipient (as each chose), and
    one delivery per subscribed webhook."""
    event = OutboxEvent(event_type=event_type, instance_id=instance.id if instance else None,
                        payload=payload, created_at=now)
    session.add(event)
    for user in _active_users(session, recipients):
        channels = set(user.channels or [])
        if "in_app" in channels:
            session.add(Notification(username=user.username, event=event, event_type=event_type,
                                     payload=payload, created_at=now))
        if "email" in channels and user.email:
            session.add(Delivery(event=event, channel="email", target=user.email, recipient=user.username,
                                 next_attempt_at=now, created_at=now))
    for hook in _active_webhooks(session):
        if event_type in hook.event_types or "*" in hook.event_types:
            session.add(Delivery(event=event, channel="webhook", target=hook.url, webhook_id=hook.id,
                                 next_attempt_at=now, created_at=now))
    return event


def _active_webhooks(session: Session) -> list[Webhook]:
    """The active webhooks, read once per transaction (a step may emit several events)."""
    if "invoiceflow.webhooks" not in session.info:
        session.info["invoiceflow.webhooks"] = list(
            session.scalars(select(Webhook).where(Webhook.active.is_(True))))
    return session.info["invoiceflow.webhooks"]


def _active_users(session: Session, usernames: list[str]) -> list[User]:
    if not usernames:
        return []
    return list(session.scalars(select(User).where(User.username.in_(sorted(set(usernames))),
                                                   User.active.is_(True))).unique())


def _task_people(session: Session, task: UserTask) -> list[str]:
    if task.claimed_by or task.assignee:
        return [task.claimed_by or task.assignee]
    if not task.candidate_groups:
        return []
    members = session.scalars(select(User.username).join(User.groups).where(
        Group.name.in_(task.candidate_groups), User.active.is_(True)))
    return sorted(set(members))


def _instance_payload(instance: ProcessInstance) -> dict:
    data = instance.data or {}
    return {"instance_id": instance.id, "business_key": instance.business_key,
            "status": instance.status, "initiator": instance.initiator,
            "amount": data.get("amount"), "currency": data.get("currency"),
            "client_name": data.get("client_name")}


def _task_payload(instance: ProcessInstance, task: UserTask) -> dict:
    return {**_instance_payload(instance), "task_id": task.id, "task_name": task.name,
            "form_key": task.form_key, "assignee": task.assignee,
            "candidate_groups": list(task.candidate_groups or []),
            "due_at": task.due_at.isoformat() if task.due_at else None}

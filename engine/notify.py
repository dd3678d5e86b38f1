"""Write notifications into the outbox in the same transaction as the change that caused them.

In-app notifications are rows written right here (exactly once, with the change); e-mails and
webhooks become pending deliveries that the worker sends later (at least once; receivers
de-duplicate by the event id).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, event, insert, or_, select
from sqlalchemy.orm import Session

from engine.models import Delivery, Notification, OutboxEvent, ProcessInstance, User, UserTask, Webhook
from engine.models.users import user_groups
from engine.models.instances import OPEN

TASK_ASSIGNED = "task.assigned"
TASK_REMINDER = "task.reminder"
STATUS_CHANGED = "instance.status_changed"
EVENT_TYPES = (TASK_ASSIGNED, TASK_REMINDER, STATUS_CHANGED)


def task_assigned(session: Session, instance: ProcessInstance, task: UserTask, now: datetime) -> None:
    """Tell the assignee, or every member of the candidate groups, about a new task."""
    people, groups = _task_people(task)
    emit(session, TASK_ASSIGNED, instance, _task_payload(instance, task), people, now, groups=groups)


def task_reminder(session: Session, instance: ProcessInstance, element_id: str, now: datetime) -> None:
    """Remind whoever holds the open task of ``element_id`` that it is overdue."""
    for task in session.scalars(select(UserTask).where(
            UserTask.instance_id == instance.id, UserTask.element_id == element_id, UserTask.state == OPEN)):
        people, groups = _task_people(task)
        emit(session, TASK_REMINDER, instance, _task_payload(instance, task), people, now, groups=groups)


def status_changed(session: Session, instance: ProcessInstance, old: str | None, now: datetime) -> None:
    """Tell the initiator the invoice changed status (sent back, approved, paid, closed ...)."""
    payload = {**_instance_payload(instance), "previous_status": old}
    emit(session, STATUS_CHANGED, instance, payload, [instance.initiator], now)


@dataclass(frozen=True)
class _Announcement:
    event: OutboxEvent
    people: tuple[str, ...]
    groups: tuple[str, ...]


def emit(session: Session, event_type: str, instance: ProcessInstance | None, payload: dict,
         recipients: list[str], now: datetime, groups: list[str] | tuple[str, ...] = ()) -> OutboxEvent:
    """One outbox event for ``recipients`` and the active members of ``groups``.

    Its in-app notifications and deliveries are written when the session flushes, for all the
    events of the transaction together: one query finds every recipient and one the webhooks,
    however many events a step announced. A rolled-back transaction writes none of them.
    """
    event_row = OutboxEvent(event_type=event_type, instance_id=instance.id if instance else None,
                            payload=payload, created_at=now)
    session.add(event_row)  # the session has changes now: it will flush, and so write the rest
    session.info.setdefault(_PENDING, []).append(_Announcement(event_row, tuple(recipients), tuple(groups)))
    return event_row


_PENDING = "invoiceflow.announcements"


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    # The flush has just inserted the events (and given them their ids): their rows follow.
    _write_announcements(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous_transaction) -> None:
    # Rolled back, a savepoint's included (which flushed what came before it on entry): what
    # was announced in it never happened.
    session.info.pop(_PENDING, None)


def _write_announcements(session: Session) -> None:
    """An in-app notification and an e-mail delivery per recipient (as each chose), and a
    delivery per subscribed webhook, for every event the flush wrote: plain inserts, one per
    table, whatever the number of events."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    people = _recipients(connection, pending)
    hooks = _active_webhooks(session, connection)
    notes, deliveries = [], []
    for item in pending:
        row = item.event
        for person in people:
            if person.username not in item.people and not person.groups & set(item.groups):
                continue
            if "in_app" in person.channels:
                notes.append({"username": person.username, "event_id": row.id, "event_type": row.event_type,
                              "payload": row.payload, "created_at": row.created_at})
            if "email" in person.channels and person.email:
                deliveries.append(_delivery(row, "email", person.email, recipient=person.username))
        for hook in hooks:
            if row.event_type in hook.event_types or "*" in hook.event_types:
                deliveries.append(_delivery(row, "webhook", hook.url, webhook_id=hook.id))
    if notes:
        connection.execute(insert(Notification), notes)
    if deliveries:
        connection.execute(insert(Delivery), deliveries)


def _delivery(event_row: OutboxEvent, channel: str, target: str, recipient: str | None = None,
              webhook_id: str | None = None) -> dict:
    """A pending delivery of an event, due at once."""
    return {"event_id": event_row.id, "channel": channel, "target": target, "recipient": recipient,
            "webhook_id": webhook_id, "next_attempt_at": event_row.created_at,
            "created_at": event_row.created_at}


@dataclass(frozen=True)
class _Person:
    username: str
    email: str
    channels: frozenset[str]
    groups: frozenset[str]


# Built once: a statement made afresh on every step costs more to build than to run.
_MEMBERSHIP = user_groups.c
_RECIPIENTS = (
    select(User.username, User.email, User.channels, _MEMBERSHIP.group_name)
    .outerjoin(user_groups, (_MEMBERSHIP.user_id == User.id)
               & _MEMBERSHIP.group_name.in_(bindparam("groups", expanding=True)))
    .where(User.active.is_(True),
           or_(User.username.in_(bindparam("names", expanding=True)), _MEMBERSHIP.group_name.is_not(None)))
    .order_by(User.username))
_WEBHOOKS = select(Webhook.id, Webhook.url, Webhook.event_types).where(Webhook.active.is_(True))


def _recipients(connection, pending: list[_Announcement]) -> list[_Person]:
    """Every active user named by the announcements or in one of their groups, with the
    groups they are in among those, in one query; in username order."""
    names = sorted({name for item in pending for name in item.people if name})
    groups = sorted({group for item in pending for group in item.groups})
    if not names and not groups:
        return []
    people: dict[str, _Person] = {}
    for username, email, channels, group in connection.execute(_RECIPIENTS, {"names": names, "groups": groups}):
        known = people.get(username)
        mine = frozenset([group] if group else [])
        people[username] = _Person(username, email or "", frozenset(channels or []),
                                   known.groups | mine if known else mine)
    return list(people.values())


@dataclass(frozen=True)
class _Hook:
    id: str
    url: str
    event_types: tuple[str, ...]


def _active_webhooks(session: Session, connection) -> list[_Hook]:
    """The active webhooks, read once per transaction."""
    if "invoiceflow.webhooks" not in session.info:
        session.info["invoiceflow.webhooks"] = [
            _Hook(id, url, tuple(types or ())) for id, url, types in connection.execute(_WEBHOOKS)]
    return session.info["invoiceflow.webhooks"]


def _task_people(task: UserTask) -> tuple[list[str], list[str]]:
    """Who hears about a task: its holder, else the members of its candidate groups."""
    if task.claimed_by or task.assignee:
        return [task.claimed_by or task.assignee], []
    return [], list(task.candidate_groups or [])


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

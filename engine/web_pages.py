"""Read models of the staff web pages: each page's data in one read-only use case.

A page needs more than the REST resources give one by one (the documents' file names, the
people's names, whether the reader may act, the diagram with its current step), and the web
layer must not run SQL, so these use cases gather it under the same access rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select

from engine import instances, tasks, users
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.models import Attachment, Group, User, UserTask
from engine.spiff.diagram import BPMN
from engine.usecase import UseCase
from engine.views import HistoryEntry, InstanceView, TaskView, UserView, user_view


@dataclass(frozen=True)
class TaskPage:
    """A task, its invoice, the earlier decisions, and whether the reader may act on it now."""

    task: TaskView
    instance: InstanceView
    decisions: list[dict]
    may_act: bool
    # Why the reader may not act (the engine's words), when they may not.
    refusal: str | None
    people: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InvoicePage:
    """An instance with its audit trail and its diagram, the current steps named by element id."""

    instance: InstanceView
    history: list[HistoryEntry]
    bpmn_xml: str
    current_elements: list[str]
    people: dict[str, str] = field(default_factory=dict)


def task_page(uc: UseCase, task_id: str, actor: str) -> TaskPage:
    """The task page of a task the actor may see (TaskNotFound otherwise)."""
    task, _data, decisions = tasks.task_details(uc, task_id, actor)
    instance = with_files(uc, instances.get_instance(uc, task.instance_id, actor))
    refusal = None
    try:
        tasks._actionable(uc, task_id, actor)  # the very checks completing it would make
    except (NotAllowed, Conflict) as err:
        refusal = err.message
    names = _names_in(instance) | {task.assignee, task.claimed_by}
    names |= {d["completed_by"] for d in decisions}
    return TaskPage(task, instance, decisions, refusal is None, refusal, full_names(uc, names))


def invoice_page(uc: UseCase, instance_id: str, actor: str) -> InvoicePage:
    """The invoice page of an instance the actor may see (InstanceNotFound otherwise)."""
    row = instances.visible_instance(uc, instance_id, actor)
    instance = with_files(uc, instances.get_instance(uc, instance_id, actor))
    history = instances.instance_history(uc, instance_id, actor)
    names = _names_in(instance) | {entry.actor for entry in history}
    names |= {entry.data.get("assignee") for entry in history}
    return InvoicePage(instance, history, row.definition.bpmn_xml,
                       current_elements(uc, row, instance, history), full_names(uc, names))


def current_elements(uc: UseCase, row, instance: InstanceView, history: list[HistoryEntry]) -> list[str]:
    """Where the instance stands: its open tasks; once it has ended, the end event it reached
    (the one of its final status downstream of the last completed task) or the failed element."""
    if instance.open_tasks:
        return [task.element_id for task in instance.open_tasks]
    failed = [e.data.get("element") for e in history if e.event == "instance_failed"]
    if failed and failed[-1]:
        return [failed[-1]]
    diagram = uc.diagrams.get(row.definition)
    ends = [e.id for e in diagram.elements.values() if e.tag == "endEvent" and e.status
            and e.status == instance.status]
    last = [e.task_id for e in history if e.event == "task_completed"]
    if len(ends) > 1 and last:
        last_task = uc.session.get(UserTask, last[-1])
        reachable = _downstream(diagram.tree, last_task.element_id) if last_task else set()
        ends = [end for end in ends if end in reachable] or ends
    return ends


def _downstream(tree, start: str) -> set[str]:
    """Elements reachable from ``start`` along sequence flows without passing a user task."""
    flows: dict[str, list[str]] = {}
    for flow in tree.iter(f"{{{BPMN}}}sequenceFlow"):
        flows.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    user_tasks = {node.get("id") for node in tree.iter(f"{{{BPMN}}}userTask")}
    seen, queue = set(), list(flows.get(start, []))
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in user_tasks:
            queue.extend(flows.get(current, []))
    return seen


def with_files(uc: UseCase, instance: InstanceView) -> InstanceView:
    """The instance with each document version's file name, type and size."""
    ids = [doc["attachment_id"] for doc in instance.documents]
    rows = {row.id: row for row in uc.session.scalars(select(Attachment).where(Attachment.id.in_(ids)))}
    documents = [{**doc, "filename": rows[doc["attachment_id"]].filename,
                  "content_type": rows[doc["attachment_id"]].content_type,
                  "size": rows[doc["attachment_id"]].size}
                 for doc in instance.documents if doc["attachment_id"] in rows]
    return replace(instance, documents=documents)


def _names_in(instance: InstanceView) -> set[str | None]:
    data = instance.data
    approvers = data.get("approvers") if isinstance(data.get("approvers"), list) else []
    return {instance.initiator, data.get("responsible"), *approvers,
            *(task.assignee for task in instance.open_tasks),
            *(task.claimed_by for task in instance.open_tasks),
            *(doc["actor"] for doc in instance.documents)}


def full_names(uc: UseCase, usernames) -> dict[str, str]:
    """``{username: full name}`` of the named users who exist."""
    wanted = {name for name in usernames if isinstance(name, str) and name}
    if not wanted:
        return {}
    rows = uc.session.scalars(select(User).where(User.username.in_(wanted))).unique()
    return {row.username: row.full_name or row.username for row in rows}


def group_members(uc: UseCase, groups, actor: str) -> dict[str, list[UserView]]:
    """The active members of each group, by full name (e.g. the managers to pick approvers from)."""
    uc.user(actor)
    members: dict[str, list[UserView]] = {name: [] for name in groups}
    rows = uc.session.scalars(select(User).where(User.active).join(User.groups)
                              .where(Group.name.in_(list(members)))).unique()
    for row in rows:
        for name in row.group_names & set(members):
            members[name].append(user_view(row))
    return {name: sorted(views, key=lambda view: (view.full_name, view.username))
            for name, views in members.items()}


def set_locale(uc: UseCase, actor: str, locale: str) -> UserView:
    """Choose the actor's language: ``ru`` or ``en``."""
    if locale not in ("ru", "en"):
        raise InvalidInput("The language is 'ru' or 'en'.", {"locale": ["Choose ru or en."]})
    uc.user(actor)
    row = users.get_user(uc.session, actor)
    row.locale = locale
    uc.session.flush()
    return user_view(row)

"""Read models handed to callers: plain data, no ORM objects escape a unit of work."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class DefinitionView:
    key: str
    version: int
    name: str
    sha256: str
    deployed_by: str
    deployed_at: datetime
    created: bool = False  # True when this deploy made a new version


@dataclass(frozen=True)
class TaskView:
    id: str
    instance_id: str
    business_key: str | None
    element_id: str
    name: str
    form_key: str | None
    assignee: str | None
    candidate_groups: list[str]
    state: str
    due_at: datetime | None
    created_at: datetime
    claimed_by: str | None
    completed_at: datetime | None
    completed_by: str | None
    outcome: str | None


@dataclass(frozen=True)
class InstanceView:
    id: str
    definition_key: str
    definition_version: int
    business_key: str | None
    state: str
    status: str | None
    initiator: str
    started_at: datetime
    ended_at: datetime | None
    data: dict
    failure: str | None
    revision: int
    open_tasks: list[TaskView] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    event: str
    task_id: str | None
    task_name: str | None
    data: dict


@dataclass(frozen=True)
class UserView:
    username: str
    full_name: str
    email: str
    locale: str
    active: bool
    groups: list[str]

    @property
    def group_names(self) -> set[str]:
        """The user's groups as a set (what access rules ask)."""
        return set(self.groups)


def task_view(row) -> TaskView:
    """The read model of a ``UserTask`` row."""
    return TaskView(
        id=row.id, instance_id=row.instance_id, business_key=row.instance.business_key,
        element_id=row.element_id, name=row.name, form_key=row.form_key, assignee=row.assignee,
        candidate_groups=list(row.candidate_groups or []), state=row.state, due_at=row.due_at,
        created_at=row.created_at, claimed_by=row.claimed_by, completed_at=row.completed_at,
        completed_by=row.completed_by, outcome=row.outcome,
    )


def instance_view(row, open_tasks=(), documents=()) -> InstanceView:
    """The read model of a ``ProcessInstance`` row (its snapshot is never loaded for this)."""
    return InstanceView(
        id=row.id, definition_key=row.definition.key, definition_version=row.definition.version,
        business_key=row.business_key, state=row.state, status=row.status,
        initiator=row.initiator, started_at=row.started_at, ended_at=row.ended_at,
        data=dict(row.data or {}), failure=row.failure, revision=row.revision,
        open_tasks=[task_view(task) for task in open_tasks], documents=list(documents),
    )


def user_view(row) -> UserView:
    """The read model of a ``User`` row."""
    return UserView(
        username=row.username, full_name=row.full_name, email=row.email, locale=row.locale,
        active=row.active, groups=sorted(row.group_names),
    )

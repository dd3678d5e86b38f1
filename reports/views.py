"""Read models handed to callers: plain data, no ORM object leaves a unit of work."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class EntryView:
    stage: str
    entered_at: datetime
    left_at: datetime | None


@dataclass(frozen=True)
class RunView:
    id: int
    deal_external_id: str
    rule_id: str
    stage: str
    process_key: str
    at: datetime
    instance_id: str | None
    error: str | None
    error_fields: dict | None


@dataclass(frozen=True)
class DealView:
    external_id: str
    title: str
    stage: str
    source: str | None
    manager: str
    created_at: datetime
    amount: Decimal | None
    currency: str
    closed_at: datetime | None
    updated_at: datetime
    history: list[EntryView] = field(default_factory=list)


@dataclass(frozen=True)
class StageChange:
    """What recording a stage entry did: whether it was new, and the automation it ran."""

    deal: DealView
    recorded: bool
    runs: list[RunView] = field(default_factory=list)


def deal_view(row, history=()) -> DealView:
    """The read model of a ``Deal`` row (with its history when given)."""
    return DealView(
        external_id=row.external_id, title=row.title, stage=row.stage, source=row.source,
        manager=row.manager, created_at=row.created_at, amount=row.amount, currency=row.currency,
        closed_at=row.closed_at, updated_at=row.updated_at,
        history=[EntryView(e.stage, e.entered_at, e.left_at) for e in history],
    )


def run_view(row, external_id: str) -> RunView:
    """The read model of an ``AutomationRun`` row."""
    return RunView(row.id, external_id, row.rule_id, row.stage, row.process_key, row.at,
                   row.instance_id, row.error, row.error_fields)

"""Rows with canonical column names -> a deal record or a stage entry, or the reason why not."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from reports.importing.values import RowProblem, optional, parse_amount, parse_datetime
from reports.pipeline import Pipeline
from reports.records import DealRecord, record_problems

DEAL_COLUMNS = ("external_id", "title", "stage", "source", "manager", "created_at", "amount", "currency", "closed_at")
DEAL_REQUIRED = ("external_id", "stage", "manager", "created_at")
ENTRY_COLUMNS = ("external_id", "stage", "entered_at")


class EntryRow(NamedTuple):
    """A stage entry as a file states it."""

    external_id: str
    stage: str
    at: datetime


def stage_code(text: str, pipeline: Pipeline) -> str:
    """The stage named by its code or its Russian or English name."""
    stage = pipeline.lookup(text or "")
    if stage is None:
        raise RowProblem(f"unknown stage {text!r} (the pipeline has: {', '.join(pipeline.codes)})")
    return stage.code


def _required(raw: dict, names) -> None:
    for name in names:
        if not raw.get(name) or raw[name].isspace():
            missing = [name for name in names if not (raw.get(name) or "").strip()]
            raise RowProblem(f"empty {', '.join(missing)}")


def deal_record(raw: dict, pipeline: Pipeline, zone: ZoneInfo) -> DealRecord:
    """The deal a row states; RowProblem says what is wrong with it."""
    _required(raw, DEAL_REQUIRED)
    closed = optional(raw.get("closed_at"))
    record = DealRecord(
        external_id=raw["external_id"].strip(), title=(raw.get("title") or "").strip(),
        stage=stage_code(raw["stage"], pipeline), source=optional(raw.get("source")),
        manager=raw["manager"].strip(), created_at=parse_datetime(raw["created_at"], zone, "created_at"),
        amount=parse_amount(raw.get("amount") or ""), currency=(optional(raw.get("currency")) or "RUB").upper(),
        closed_at=parse_datetime(closed, zone, "closed_at") if closed else None,
    )
    problems = record_problems(record, pipeline)
    if problems:
        raise RowProblem("; ".join(f"{name}: {' '.join(messages)}" for name, messages in problems.items()))
    return record


def entry_row(raw: dict, pipeline: Pipeline, zone: ZoneInfo) -> EntryRow:
    """The stage entry a row states."""
    _required(raw, ENTRY_COLUMNS)
    return EntryRow(raw["external_id"].strip(), stage_code(raw["stage"], pipeline),
                    parse_datetime(raw["entered_at"], zone, "entered_at"))

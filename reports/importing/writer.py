"""Writing a batch of good rows in one transaction: deals upserted by their CRM id, stage entries
added to the deals' histories and what the histories imply rederived in SQL for the deals the
batch touched (``reports.derive``). A row that turns out to be impossible here (a stage entry
for an unknown deal) is reported and left out; the rest of the batch goes in."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from reports import derive
from reports.bulk import insert_rows, update_rows
from reports.chain import DEALS
from reports.importing.rows import EntryRow
from reports.records import DealRecord

FIELDS = ("title", "stage", "source", "manager", "created_at", "amount", "currency", "closed_at")
HISTORY_FIELDS = ("stage", "created_at", "source", "manager")  # what the derived columns depend on
LOOKUP = 1000  # external ids per query (more, and PostgreSQL prefers scanning every deal)


@dataclass
class BatchResult:
    """What one batch did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    added: int = 0
    known: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def _deals_by_external_id(session, external_ids, *columns) -> dict:
    external_ids, found = list(external_ids), {}
    for start in range(0, len(external_ids), LOOKUP):
        query = select(*(columns or [DEALS])).where(
            DEALS.c.external_id.in_(external_ids[start:start + LOOKUP])).with_for_update()
        found.update((row.external_id, row) for row in session.execute(query))
    return found


def write_deals(ctx, batch: list[tuple[int, DealRecord]]) -> BatchResult:
    """Create the new deals, update the changed ones, count the rest."""
    result = BatchResult()
    existing = _deals_by_external_id(ctx.session, (record.external_id for _line, record in batch))
    new, changed, moved = [], [], []
    for _line, record in batch:
        row = existing.get(record.external_id)
        values = {name: getattr(record, name) for name in FIELDS}
        if row is None:
            new.append({**values, "external_id": record.external_id, "updated_at": ctx.now, "left_mask": 0,
                        "passed_mask": ctx.bits.bit(record.stage)})
        elif any(getattr(row, name) != value for name, value in values.items()):
            changed.append({**values, "updated_at": ctx.now, "id": row.id})
            if any(getattr(row, name) != values[name] for name in HISTORY_FIELDS):
                moved.append(row.id)
    insert_rows(ctx.session, DEALS, new)
    update_rows(ctx.session, DEALS, changed)
    derive.rederive(ctx.session, moved)
    result.created, result.updated = len(new), len(changed)
    result.unchanged = len(batch) - len(new) - len(changed)
    return result


def write_entries(ctx, batch: list[tuple[int, EntryRow]]) -> BatchResult:
    """Add stage entries to their deals' histories (entries already recorded are counted)."""
    result = BatchResult()
    deals = _deals_by_external_id(ctx.session, {entry.external_id for _line, entry in batch},
                                  DEALS.c.external_id, DEALS.c.id, DEALS.c.created_at)
    entries = []
    for line, entry in batch:
        row = deals.get(entry.external_id)
        if row is None:
            result.problems.append((line, f"no deal {entry.external_id!r} (import the deals first)"))
        elif entry.at < row.created_at:
            result.problems.append((line, f"entered_at {entry.at.isoformat()} is before the deal was created"))
        else:
            entries.append((row.id, entry.stage, entry.at))
    result.added = derive.add_entries(ctx.session, entries) if entries else 0
    result.known = len(entries) - result.added
    return result

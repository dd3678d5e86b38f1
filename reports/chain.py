"""What a deal's stage history implies, kept beside it so reports stay simple aggregations.

For each deal: when each entry was left (the next entry's time), the stages it passed
(``passed_mask``, the current stage included), the stages it has left (``left_mask``), and per
stage left the total time spent there (``deal_stage_times``). Entries sort by time, then by
insertion order. ``write_history`` merges new entries into deals' histories and rewrites all of
this for those deals in a few statements. Imports derive the same in SQL (``reports.derive``);
``tests/reports/test_derive.py`` holds the two to identical results.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import delete, select

from reports.bulk import insert_rows, update_rows
from reports.models import Deal, StageEntry, StageTime
from reports.stagebits import StageBits

SECOND = timedelta(seconds=1)
DEALS, ENTRIES, TIMES = Deal.__table__, StageEntry.__table__, StageTime.__table__


class DealFacts(NamedTuple):
    """What the derived columns depend on, besides the history."""

    id: int
    stage: str
    created_at: datetime
    source: str | None
    manager: str


@dataclass
class Chain:
    """A deal's history, sorted, with what it implies."""

    entries: list[list] = field(default_factory=list)  # [id or None, stage, entered_at, left_at]
    passed_mask: int = 0
    left_mask: int = 0
    seconds: dict[str, int] = field(default_factory=dict)

    @property
    def latest(self) -> tuple[str, datetime] | None:
        """The stage and time of the latest entry, if any."""
        return (self.entries[-1][1], self.entries[-1][2]) if self.entries else None


def compute_chain(current_stage: str, entries: list[list], bits: StageBits) -> Chain:
    """Sort ``entries`` ([id, stage, entered_at, left_at]) and derive masks and stage times.

    A stay ends when the next entry begins; a stay still open is not counted in the times.
    Durations are whole seconds, rounded down."""
    ordered = sorted(entries, key=_order)
    chain = Chain(ordered, passed_mask=bits.bit(current_stage))
    for index, entry in enumerate(ordered):
        chain.passed_mask |= bits.bit(entry[1])
        entry[3] = ordered[index + 1][2] if index + 1 < len(ordered) else None
        if entry[3] is not None:
            chain.left_mask |= bits.bit(entry[1])
            spent = (entry[3] - entry[2]) // SECOND
            chain.seconds[entry[1]] = chain.seconds.get(entry[1], 0) + spent
    return chain


def _order(entry: list):
    # By time; at the same moment, entries recorded earlier first, new ones in the given order.
    return entry[2], entry[0] is None, entry[0] or 0


def write_history(session, deals: dict[int, DealFacts], new_entries: dict[int, list[tuple[str, datetime]]],
                  bits: StageBits, follow_latest: bool = False) -> dict[int, Chain]:
    """Add ``new_entries`` (deal id -> [(stage, at)]; those already recorded are skipped) and
    rewrite the derived columns of ``deals``. With ``follow_latest`` a deal's stage becomes its
    latest entry's. Returns each deal's chain (entries recorded before have their ids)."""
    existing = _existing_entries(session, list(deals))
    chains, changed_left = {}, []
    for deal_id, facts in deals.items():
        entries = existing.get(deal_id, [])
        before = {(e[1], e[2]): e[3] for e in entries}
        entries += [[None, stage, at, None] for stage, at in dict.fromkeys(new_entries.get(deal_id, ()))
                    if (stage, at) not in before]
        stage = facts.stage
        if follow_latest and entries:
            stage = sorted(entries, key=_order)[-1][1]
        chain = chains[deal_id] = compute_chain(stage, entries, bits)
        changed_left += [{"id": e[0], "left_at": e[3]} for e in chain.entries
                         if e[0] is not None and before.get((e[1], e[2])) != e[3]]
        deals[deal_id] = facts._replace(stage=stage)
    _write(session, deals, chains, changed_left)
    return chains


def _existing_entries(session, deal_ids: list[int]) -> dict[int, list[list]]:
    found = defaultdict(list)
    rows = session.execute(select(ENTRIES.c.id, ENTRIES.c.deal_id, ENTRIES.c.stage, ENTRIES.c.entered_at,
                                  ENTRIES.c.left_at).where(ENTRIES.c.deal_id.in_(deal_ids)))
    for entry_id, deal_id, stage, entered_at, left_at in rows:
        found[deal_id].append([entry_id, stage, entered_at, left_at])
    return found


def _write(session, deals: dict[int, DealFacts], chains: dict[int, Chain], changed_left: list[dict]) -> None:
    insert_rows(session, ENTRIES, [{"deal_id": deal_id, "stage": e[1], "entered_at": e[2], "left_at": e[3]}
                                   for deal_id, chain in chains.items() for e in chain.entries if e[0] is None])
    update_rows(session, ENTRIES, changed_left)
    session.execute(delete(TIMES).where(TIMES.c.deal_id.in_(list(deals))))
    insert_rows(session, TIMES, [{"deal_id": f.id, "stage": stage, "seconds": seconds, "deal_created_at": f.created_at,
                                  "source": f.source, "manager": f.manager}
                                 for f in deals.values() for stage, seconds in chains[f.id].seconds.items()])
    update_rows(session, DEALS, [{"id": f.id, "stage": f.stage, "passed_mask": chains[f.id].passed_mask,
                                  "left_mask": chains[f.id].left_mask} for f in deals.values()])

"""The two ways a history's implications are derived agree: ``reports.chain`` (Python, one deal at
a time: the REST API) and ``reports.derive`` (SQL, set-based: imports). Random histories -- steps
back, skipped stages, lost deals, deals created at a later stage, repeated entries, entries out
of order and at the same moment, odd microseconds and time zones -- go through both, in several
batches, on twin deals; every derived column must come out the same."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reports import derive
from reports.bulk import insert_rows
from reports.chain import DEALS, ENTRIES, TIMES, DealFacts, write_history

STAGES = ["new", "consultation", "proposal_sent", "prepayment_received", "won", "lost"]
ZONES = [timezone.utc, ZoneInfo("Europe/Moscow"), timezone(timedelta(hours=-5, minutes=-30))]
START = datetime(2025, 3, 30, 0, 0, 0, tzinfo=timezone.utc)


def random_history(rng: random.Random) -> tuple[str, datetime, list[tuple[str, datetime]]]:
    """(current stage, created_at, entries in a file's order) of one random deal."""
    created = START + timedelta(seconds=rng.randrange(400 * 86400), microseconds=rng.randrange(1_000_000))
    rank = 0 if rng.random() < 0.7 else rng.randrange(1, 4)  # sometimes created at a later stage
    at, entries = created, []
    for _step in range(rng.randrange(0, 9)):
        stage = STAGES[rank]
        entries.append((stage, at.astimezone(rng.choice(ZONES))))
        if rng.random() < 0.15:
            entries.append(entries[-1])  # the same entry twice
        if rng.random() < 0.1:
            entries.append((rng.choice(STAGES), at))  # another stage at the same moment
        roll = rng.random()
        if roll < 0.15:
            rank = max(0, rank - 1)  # a step back
        elif roll < 0.25:
            rank = min(4, rank + 2)  # a skipped stage
        elif roll < 0.35:
            rank = 5  # lost (and sometimes back on the path afterwards)
        else:
            rank = min(4, rank + 1) if rank != 5 else rng.randrange(0, 5)
        at += timedelta(seconds=rng.choice([0, 1, 59, rng.randrange(86400 * 30)]),
                        microseconds=rng.choice([0, rng.randrange(1_000_000)]))
    if rng.random() < 0.3:
        rng.shuffle(entries)  # out of order in the file
    stage = entries[-1][0] if entries and rng.random() < 0.8 else rng.choice(STAGES)
    return stage, created, entries


def batches(rng: random.Random, entries: list, count: int) -> list[list]:
    """``entries`` cut into ``count`` consecutive batches (some empty), plus a few repeated."""
    cuts = sorted(rng.randrange(len(entries) + 1) for _ in range(count - 1))
    parts = [entries[a:b] for a, b in zip([0, *cuts], [*cuts, len(entries)])]
    return [part + rng.sample(entries, min(len(entries), rng.randrange(3))) for part in parts]


def derived(session, deal_id: int):
    """Everything derived for one deal, comparable between twins."""
    deal = session.execute(select(DEALS.c.stage, DEALS.c.passed_mask, DEALS.c.left_mask)
                           .where(DEALS.c.id == deal_id)).one()
    history = session.execute(select(ENTRIES.c.stage, ENTRIES.c.entered_at, ENTRIES.c.left_at)
                              .where(ENTRIES.c.deal_id == deal_id).order_by(ENTRIES.c.entered_at, ENTRIES.c.id)).all()
    times = session.execute(select(TIMES.c.stage, TIMES.c.seconds, TIMES.c.deal_created_at, TIMES.c.source,
                                   TIMES.c.manager).where(TIMES.c.deal_id == deal_id).order_by(TIMES.c.stage)).all()
    return tuple(deal), [tuple(row) for row in history], [tuple(row) for row in times]


def make_twins(reports, rng, count):
    """``count`` pairs of identical deals (no history yet): [(python id, sql id, facts, entries)]."""
    plans = [random_history(rng) for _ in range(count)]
    with reports.unit_of_work() as ctx:
        rows = []
        for number, (stage, created, _entries) in enumerate(plans):
            source = rng.choice(["site", None])
            for twin in ("P", "S"):
                rows.append({"external_id": f"{twin}{number}", "title": "", "stage": stage, "source": source,
                             "manager": "petrov", "created_at": created, "currency": "RUB",
                             "updated_at": created, "passed_mask": ctx.bits.bit(stage), "left_mask": 0})
        insert_rows(ctx.session, DEALS, rows)
        ids = dict(ctx.session.execute(select(DEALS.c.external_id, DEALS.c.id)).all())
        facts = {row["external_id"]: row for row in rows}
    twins = []
    for number, (_stage, _created, entries) in enumerate(plans):
        p, s = f"P{number}", f"S{number}"
        f = facts[p]
        twins.append((ids[p], ids[s], DealFacts(ids[p], f["stage"], f["created_at"], f["source"], f["manager"]),
                      entries))
    return twins


def feed(reports, rng, twins, rounds: int) -> None:
    """Each twin's entries in ``rounds`` batches: the Python way for one, the SQL way for the other."""
    plans = [(p, s, facts, batches(rng, entries, rounds)) for p, s, facts, entries in twins]
    for batch in range(rounds):
        with reports.unit_of_work() as ctx:
            chains = write_history(ctx.session, {p: facts for p, _s, facts, _b in plans},
                                   {p: parts[batch] for p, _s, _f, parts in plans}, ctx.bits)
            added = derive.add_entries(ctx.session, [(s, stage, at) for _p, s, _f, parts in plans
                                                     for stage, at in parts[batch]])
            assert added == sum(1 for chain in chains.values() for entry in chain.entries if entry[0] is None)


def assert_twins_agree(reports, twins) -> None:
    with reports.unit_of_work(write=False) as ctx:
        for p, s, _facts, entries in twins:
            assert derived(ctx.session, s) == derived(ctx.session, p), entries


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_and_python_derive_the_same(reports, seed):
    rng = random.Random(seed)
    twins = make_twins(reports, rng, 80)
    feed(reports, rng, twins, rounds=3)
    assert_twins_agree(reports, twins)
    # Every entry again, in other batches: nothing changes, nothing is added.
    with reports.unit_of_work(write=False) as ctx:
        before = [derived(ctx.session, s) for _p, s, _f, _e in twins]
    with reports.unit_of_work() as ctx:
        again = derive.add_entries(ctx.session, [(s, stage, at) for _p, s, _f, entries in twins
                                                 for stage, at in entries])
    assert again == 0
    with reports.unit_of_work(write=False) as ctx:
        assert [derived(ctx.session, s) for _p, s, _f, _e in twins] == before


def test_a_changed_stage_source_or_creation_time_is_rederived_the_same(reports):
    rng = random.Random(7)
    twins = make_twins(reports, rng, 60)
    feed(reports, rng, twins, rounds=2)
    changed = []
    with reports.unit_of_work() as ctx:
        for p, s, facts, _entries in twins[::2]:
            new = facts._replace(stage=rng.choice(STAGES), source=rng.choice(["vk", None]),
                                 created_at=facts.created_at - timedelta(days=1))
            for deal_id in (p, s):
                ctx.session.execute(DEALS.update().where(DEALS.c.id == deal_id).values(
                    stage=new.stage, source=new.source, created_at=new.created_at))
            changed.append((p, s, new))
        write_history(ctx.session, {p: new for p, _s, new in changed}, {}, ctx.bits)
        derive.rederive(ctx.session, [s for _p, s, _new in changed])
    assert_twins_agree(reports, twins)


def test_sqlite_before_3_38_counts_seconds_the_same(reports, monkeypatch):
    """Without unixepoch() (SQLite < 3.38) the seconds come from strftime('%s'): the same."""
    monkeypatch.setattr(derive.sqlite3, "sqlite_version_info", (3, 37, 2))
    rng = random.Random(11)
    twins = make_twins(reports, rng, 60)
    feed(reports, rng, twins, rounds=2)
    assert_twins_agree(reports, twins)

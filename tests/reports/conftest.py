"""Fixtures of the reports tests: the module on the test database (SQLite and PostgreSQL), and a
factory that builds a deal and its stage history through the public use cases."""
from __future__ import annotations

import pytest

from reports import DealRecord, Reports, ReportsSettings
from reports.models import metadata
from reports_support import ADMIN, msk


@pytest.fixture(autouse=True)
def no_deals_left_over(request):
    """Start with empty reports tables even after a test that does not empty them (the API fuzzing
    writes deals into the shared SQLite database)."""
    if "database" in request.fixturenames:
        empty_reports(request.getfixturevalue("database"))


def empty_reports(database) -> None:
    """Delete every row of the reports module's tables."""
    with database.unit_of_work() as session:
        for table in reversed(metadata.sorted_tables):
            session.execute(table.delete())


@pytest.fixture
def reports(database, clock) -> Reports:
    return Reports(database.sessions, ReportsSettings(), clock=clock.now)


@pytest.fixture
def make_deal(reports):
    """make_deal("D1", [("new", "2026-01-10 10:00"), ("won", ...)], source=..., manager=...):
    the deal is created in the first stage at the first time, then enters the others in order."""
    def _make(external_id: str, history, source: str | None = "site", manager: str = "petrov", **fields):
        (first, created), *later = history
        record = DealRecord(external_id=external_id, title=fields.pop("title", f"Праздник {external_id}"),
                            stage=first, source=source, manager=manager, created_at=msk(created), **fields)
        reports.put_deal(record, ADMIN)
        for stage, at in later:
            reports.record_stage(external_id, stage, msk(at), ADMIN)
        return external_id
    return _make


@pytest.fixture
def automated(engine, people, clock):
    """The reports module wired to the engine, with the shipped party diagram deployed."""
    from support import ROOT

    engine.deploy_file(ROOT / "bpmn" / "party_preparation.bpmn", "analyst")
    return Reports(engine.session_factory(), ReportsSettings(), starter=engine, clock=clock.now)

"""Shared fixtures: a migrated database per backend, a frozen clock, an engine, demo people.

Every test that touches the database runs twice: on SQLite and on PostgreSQL (the latter when
INVOICEFLOW_TEST_DATABASE_URL is set; under CI it must be, and must answer).
"""
from __future__ import annotations

import os
import pytest
from sqlalchemy import create_engine, text

from engine import Engine
from engine.clock import FrozenClock
from engine.db import Database
from engine.migrate import upgrade
from engine.models import STANDARD_GROUPS, Base
from reports.models import metadata as reports_metadata
from support import INVOICE_BPMN, PDF, PEOPLE  # noqa: F401

PG_URL = os.environ.get("INVOICEFLOW_TEST_DATABASE_URL")
UNDER_CI = bool(os.environ.get("CI"))

@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgresql_url() -> str:
    if not PG_URL:
        if UNDER_CI:
            pytest.fail("CI must set INVOICEFLOW_TEST_DATABASE_URL to the PostgreSQL test database")
        pytest.skip("PostgreSQL not configured: set INVOICEFLOW_TEST_DATABASE_URL to run these")
    try:
        sql = create_engine(PG_URL)
        with sql.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        sql.dispose()
    except Exception as err:  # unreachable server, bad URL
        if UNDER_CI:
            pytest.fail(f"PostgreSQL test database unreachable under CI: {err}")
        pytest.skip(f"PostgreSQL test database unreachable: {err}")
    upgrade(PG_URL)
    return PG_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    """A migrated, empty database; emptied again after the test (no state is shared)."""
    db = Database(request.getfixturevalue(f"{request.param}_url"))
    yield db
    _empty(db)
    db.dispose()


def _empty(db: Database) -> None:
    with db.unit_of_work() as session:
        for table in [*reversed(reports_metadata.sorted_tables), *reversed(Base.metadata.sorted_tables)]:
            if table.name == "groups":
                session.execute(table.delete().where(table.c.name.not_in(STANDARD_GROUPS)))
            else:
                session.execute(table.delete())


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def engine(database, clock, tmp_path) -> Engine:
    return Engine(database, clock, data_dir=tmp_path / "data")


@pytest.fixture
def people(engine) -> dict[str, tuple[str, ...]]:
    for username, groups in PEOPLE.items():
        engine.create_user(username, full_name=username.title(), groups=groups)
    return PEOPLE


@pytest.fixture
def invoice_process(engine, people):
    """The shipped invoice diagram, deployed."""
    return engine.deploy_file(INVOICE_BPMN, actor="analyst")


@pytest.fixture
def upload(engine):
    """Upload a small PDF as someone; returns the attachment id."""
    def _upload(actor: str, content: bytes = PDF) -> str:
        return engine.upload(content, "invoice.pdf", actor)["id"]
    return _upload


@pytest.fixture
def invoice_data(upload):
    """Start-form data for an invoice by ``initiator`` through ``approvers``."""
    def _data(initiator: str = "ivanova", approvers=("petrov", "sidorova"), **overrides) -> dict:
        data = {
            "invoice_number": "СЧ-2026-001",
            "invoice_date": "2026-01-14",
            "client_name": "Мария Соколова",
            "party_theme": "Пираты Карибского моря",
            "amount": "15000.00",
            "approvers": list(approvers),
            "document": upload(initiator),
        }
        data.update(overrides)
        return data
    return _data

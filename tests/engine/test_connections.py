"""Pooled PostgreSQL connections: one that sat idle is checked before use and replaced when the
server dropped it; a busy one is not pinged, and a dead one fails one use and is then replaced."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

import engine.db as db_module
from engine.db import Database


@pytest.fixture
def pg(postgresql_url):
    database = Database(postgresql_url)
    yield database
    database.dispose()


def _backend_pid(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(url: str, pid: int) -> None:
    """Drop one server connection, as a server restart or a network hiccup would."""
    admin = create_engine(url)
    with admin.begin() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    admin.dispose()


def test_a_dropped_idle_connection_is_replaced_before_use(pg, postgresql_url, monkeypatch):
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)
    first = _backend_pid(pg)
    _terminate(postgresql_url, first)
    # The pooled connection is dead; the ping on checkout notices and the pool reconnects.
    second = _backend_pid(pg)
    assert second != first


def test_a_busy_connection_is_not_pinged_and_a_dead_one_fails_once(pg, postgresql_url, monkeypatch):
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 3600.0)
    first = _backend_pid(pg)
    _terminate(postgresql_url, first)
    with pytest.raises(OperationalError):
        _backend_pid(pg)
    # The failure invalidated the pool: the next use gets a fresh connection.
    assert _backend_pid(pg) != first



def test_statements_are_planned_for_the_values_at_hand(pg):
    """A generic plan cached while a table was small would keep scanning it when it is large."""
    with pg.unit_of_work() as session:
        assert session.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"

"""Web page fixtures: the app on the test database, people with passwords, signed-in browsers.

A ``Browser`` (web_support.py) is Flask's test client with a cookie jar: it signs in through
the sign-in form and posts forms with the CSRF token of its own session, as a person's browser
would. Passwords are hashed with a cheap argon2 here (the service's is memory-hard and slow on
purpose; tests/web/test_passwords.py checks its parameters).
"""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from api import create_app
from engine import passwords as engine_passwords
from engine.settings import Settings
from reports import Reports, ReportsSettings
from reports.models import metadata as reports_metadata
from web_support import Browser, password_of, put_deals, start_form

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch):
    monkeypatch.setattr(engine_passwords, "HASHER", CHEAP_HASHER)
    monkeypatch.setattr(engine_passwords, "_DUMMY", [])


@pytest.fixture
def app(engine, tmp_path):
    return create_app(Settings(data_dir=tmp_path / "data", max_upload_bytes=1024 * 1024), engine=engine)


@pytest.fixture
def passwords(engine, people):
    for username in people:
        engine.set_password(username, password_of(username))
    return people


@pytest.fixture
def browser(app, passwords):
    """browser(username=None) -> a Browser, signed in as ``username`` when given."""
    def _browser(username: str | None = None) -> Browser:
        person = Browser(app.test_client())
        if username is not None:
            assert person.sign_in(username).status_code == 302
        return person
    return _browser


@pytest.fixture
def started(browser, invoice_process, engine):
    """An invoice Ivanova started through the start page: (her browser, the instance id)."""
    ivanova = browser("ivanova")
    response = ivanova.post("/invoices/new", start_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    return ivanova, response.headers["Location"].rsplit("/", 1)[1]


@pytest.fixture
def deals(database, clock):
    """The deals of ``web_support.DEALS``, put in through the reports module on empty reports
    tables (other tests may have left deals in the shared SQLite database)."""
    with database.unit_of_work() as session:
        for table in reversed(reports_metadata.sorted_tables):
            session.execute(table.delete())
    put_deals(Reports(database.sessions, ReportsSettings(), clock=clock.now))

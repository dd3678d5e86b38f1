"""Browser fixtures: ``invoiceflow serve`` on a real port, and Debian's Chromium under Playwright.

The server is set up the way ``make run`` does it (migrate, deploy the bundled diagrams,
``invoiceflow demo``, which gives every demo user the password ``<username>-demo``) on SQLite
in a temporary folder, with the e2e tests' helpers (tests/e2e/conftest.py). Chromium is the
distribution's (``make test`` installs it); Playwright's own browser download is never used.
Screenshots go to docs/screenshots/ (``INVOICEFLOW_SCREENSHOTS`` elsewhere), which the README
shows.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from browser_support import DESKTOP, sign_in
# The e2e tests' server helpers, reused (imported by their package path: unambiguous).
from e2e.conftest import INVOICEFLOW, UNDER_CI, _cli, _free_port, _stop, _wait_healthy

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def site_env(tmp_path_factory) -> dict[str, str]:
    """The environment of the served site's ``invoiceflow`` commands (its data folder and database)."""
    data_dir = tmp_path_factory.mktemp("web-e2e")
    return {**os.environ, "INVOICEFLOW_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
            "INVOICEFLOW_DATABASE_URL": f"sqlite:///{data_dir / 'invoiceflow.sqlite3'}"}


@pytest.fixture(scope="session")
def site(site_env) -> str:
    """The base URL of a running ``invoiceflow serve`` with the demo users."""
    env, data_dir = site_env, Path(site_env["INVOICEFLOW_DATA_DIR"])
    for command in (("db", "upgrade"), ("deploy", "--bundled"), ("demo",)):
        _cli(env, *command)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = data_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(INVOICEFLOW), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(process, base_url, log_path)
        yield base_url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, driven by Playwright."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        pytest.fail(message) if UNDER_CI else pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def person(chromium, site):
    """person(username, viewport=DESKTOP, locale="ru-RU") -> a signed-in page of its own browser."""
    contexts = []

    def _person(username: str | None = None, viewport=DESKTOP, locale: str = "ru-RU"):
        context = chromium.new_context(viewport=viewport, locale=locale, base_url=site)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username:
            sign_in(page, username)
        return page

    yield _person
    for context in contexts:
        context.close()

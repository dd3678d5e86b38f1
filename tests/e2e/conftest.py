"""End-to-end fixtures: the real service as a subprocess, set up the way ``make run`` does it.

``server`` runs ``invoiceflow db upgrade``, ``deploy --bundled`` and ``demo`` (keeping the
printed tokens), then ``invoiceflow serve --workers 3`` (gunicorn) on a free port, once per
backend for the whole session:

* ``sqlite``: a file in a temporary data directory;
* ``postgresql``: a database of its own, ``invoiceflow_e2e_<pid>``, created on the server of
  INVOICEFLOW_TEST_DATABASE_URL and dropped afterwards. The ``test`` database itself is left to
  the session-scoped ``postgresql_url`` fixture of tests/conftest.py: recreating its schema
  under a running server (or under another test run) would pull the floor from under either.
  Skipped with a visible reason when the variable is unset or the server does not answer;
  under CI (variable ``CI``) both are failures, as in tests/conftest.py.

The server is always stopped at teardown: SIGTERM to gunicorn's master, then SIGKILL to its
process group if it has not exited within a few seconds.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

INVOICEFLOW = Path(sys.executable).parent / "invoiceflow"
PG_URL = os.environ.get("INVOICEFLOW_TEST_DATABASE_URL")
UNDER_CI = bool(os.environ.get("CI"))
E2E_DATABASE = f"invoiceflow_e2e_{os.getpid()}"
STARTUP_TIMEOUT = 60.0  # seconds for /healthz to answer 200 (three workers import the app)
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
HTTP_TIMEOUT = 30.0  # seconds for any one request


@dataclass
class Server:
    """A running ``invoiceflow serve`` and the demo users' bearer tokens."""

    backend: str
    base_url: str  # http://127.0.0.1:PORT
    tokens: dict[str, str]
    data_dir: Path
    log_path: Path
    database_url: str
    cli_output: dict[str, str] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return f"{self.base_url}/api/v1"

    def call(self, user: str | None, method: str, path: str, **kwargs) -> requests.Response:
        """One request (a fresh connection: safe from any thread); ``path`` under /api/v1."""
        headers = dict(kwargs.pop("headers", None) or {})
        if user is not None:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        with requests.Session() as session:
            session.trust_env = False  # straight to 127.0.0.1, whatever *_proxy says
            return session.request(method, f"{self.api}{path}", headers=headers, **kwargs)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _fail_or_skip(message: str) -> None:
    if UNDER_CI:
        pytest.fail(message)
    pytest.skip(message)


def _libpq(url) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _create_postgresql_database() -> str:
    """Create (afresh) the e2e database next to the test database; return its SQLAlchemy URL."""
    if not PG_URL:
        if UNDER_CI:
            pytest.fail("CI must set INVOICEFLOW_TEST_DATABASE_URL to the PostgreSQL test database")
        pytest.skip("PostgreSQL not configured: set INVOICEFLOW_TEST_DATABASE_URL to run these")
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    name = sql.Identifier(E2E_DATABASE)
    try:
        with psycopg.connect(_libpq(url), autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except Exception as err:  # unreachable server, bad URL, no CREATEDB right
        _fail_or_skip(f"PostgreSQL test server unreachable or refusing CREATE DATABASE: {err}")
    e2e_url = url.set(database=E2E_DATABASE)
    # A fresh database already has an empty public schema; recreate it all the same, so that
    # the server starts from exactly what the migrations build.
    with psycopg.connect(_libpq(e2e_url), autocommit=True, connect_timeout=5) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return e2e_url.render_as_string(hide_password=False)


def _drop_postgresql_database() -> None:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    with psycopg.connect(_libpq(make_url(PG_URL)), autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(E2E_DATABASE)))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(INVOICEFLOW), *args], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"invoiceflow {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def parse_demo_tokens(output: str) -> dict[str, str]:
    """``invoiceflow demo`` prints ``  username  groups  token`` lines."""
    tokens = {}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("  ") and len(parts) == 3 and parts[2].startswith("ifl_"):
            tokens[parts[0]] = parts[2]
    return tokens


def _wait_healthy(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with requests.Session() as session:
                session.trust_env = False
                response = session.get(f"{base_url}/healthz", timeout=2)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text}"
        except requests.RequestException as err:
            last = str(err)
        time.sleep(0.1)
    raise RuntimeError(f"/healthz did not answer 200 within {STARTUP_TIMEOUT:.0f} s ({last}):\n"
                       f"{log_path.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to gunicorn's master (it stops its workers), SIGKILL to the group if need be."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: only the server and its workers
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory) -> Server:
    """``invoiceflow serve --workers 3`` on a fresh database of the backend, demo users ready."""
    backend = request.param
    data_dir = tmp_path_factory.mktemp(f"e2e-{backend}")
    if backend == "postgresql":
        database_url = _create_postgresql_database()
    else:
        database_url = f"sqlite:///{data_dir / 'invoiceflow.sqlite3'}"
    process = None
    try:
        env = {**os.environ, "INVOICEFLOW_DATA_DIR": str(data_dir),
               "INVOICEFLOW_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
        outputs = {"db upgrade": _cli(env, "db", "upgrade"),
                   "deploy": _cli(env, "deploy", "--bundled"),
                   "demo": _cli(env, "demo")}
        tokens = parse_demo_tokens(outputs["demo"])
        assert {"ivanova", "petrov", "sidorova", "director", "buh"} <= set(tokens), outputs["demo"]

        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path = data_dir / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [str(INVOICEFLOW), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "3"],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        _wait_healthy(process, base_url, log_path)
        yield Server(backend, base_url, tokens, data_dir, log_path, database_url, outputs)
    finally:
        if process is not None:
            _stop(process)
        if backend == "postgresql":
            _drop_postgresql_database()

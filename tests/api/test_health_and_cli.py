"""The app factory, /healthz and the command line, on a real migrated database."""
from __future__ import annotations

from click.testing import CliRunner

from api import create_app
from api.cli import bundled_diagrams, main
from engine.db import Database
from engine.settings import Settings


def test_healthz_answers_when_the_database_does(engine, tmp_path):
    app = create_app(Settings(data_dir=tmp_path), engine=engine)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_without_a_database(engine, tmp_path):
    from engine import Engine

    broken = Engine(Database("postgresql+psycopg://nobody@127.0.0.1:1/none"), data_dir=tmp_path)
    app = create_app(Settings(data_dir=tmp_path), engine=broken)
    assert app.test_client().get("/healthz").status_code == 503


def test_bundled_diagrams_ship_with_the_package():
    names = [path.name for path in bundled_diagrams()]
    assert "invoice_approval.bpmn" in names


def test_cli_migrates_deploys_and_creates_demo_users(tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICEFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INVOICEFLOW_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(main, ["deploy", "--bundled"])
    assert first.exit_code == 0 and "deployed: invoice_approval version 1" in first.output
    again = runner.invoke(main, ["deploy", "--bundled"])
    assert "unchanged: invoice_approval version 1" in again.output
    demo = runner.invoke(main, ["demo"])
    assert demo.exit_code == 0
    tokens = [line.split()[-1] for line in demo.output.splitlines() if line.startswith("  ")]
    assert len(tokens) == 7 and all(token.startswith("ifl_") for token in tokens)

    from engine import Engine

    engine = Engine.from_settings(Settings(data_dir=tmp_path))
    me = engine.authenticate(tokens[0])
    assert me.username == "ivanova"
    revoked = runner.invoke(main, ["tokens", "revoke", "ivanova"])
    assert "revoked 1" in revoked.output
    assert engine.authenticate(tokens[0]) is None


def test_cli_reports_an_invalid_diagram(tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICEFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INVOICEFLOW_DATABASE_URL", raising=False)
    bad = tmp_path / "bad.bpmn"
    bad.write_text("<definitions", encoding="utf-8")
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    result = runner.invoke(main, ["deploy", str(bad)])
    assert result.exit_code != 0 and "not well-formed" in result.output

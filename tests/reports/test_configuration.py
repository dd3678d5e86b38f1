"""The reports' configuration: settings from the environment, the pipeline as a TOML file, and
the schema the migration creates matching the models on both databases."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reports import Reports, ReportsSettings
from reports.config import PACKAGE_DIR
from reports.models import metadata
from reports.pipeline import load_pipeline
from reports_support import ADMIN

PIPELINE = """
[[stages]]
code = "lead"
kind = "in_progress"
name_ru = "Лид"
name_en = "Lead"

[[stages]]
code = "paid"
kind = "success"
name_ru = "Оплачено"
name_en = "Paid"

[[stages]]
code = "refused"
kind = "failure"
name_ru = "Отказ"
name_en = "Refused"
"""


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    assert ReportsSettings.from_env() == ReportsSettings()
    assert (ReportsSettings().timezone, ReportsSettings().target_stage) == ("Europe/Moscow", "prepayment_received")
    monkeypatch.setenv("INVOICEFLOW_REPORTS_TIMEZONE", "Asia/Yekaterinburg")
    monkeypatch.setenv("INVOICEFLOW_REPORTS_TARGET_STAGE", "won")
    monkeypatch.setenv("INVOICEFLOW_REPORTS_PIPELINE", str(tmp_path / "pipeline.toml"))
    settings = ReportsSettings.from_env()
    assert (settings.timezone, settings.target_stage, settings.pipeline_path) == (
        "Asia/Yekaterinburg", "won", tmp_path / "pipeline.toml")
    monkeypatch.setenv("INVOICEFLOW_REPORTS_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="Mars/Olympus"):
        ReportsSettings.from_env()


def test_the_shipped_pipeline():
    pipeline = load_pipeline(PACKAGE_DIR / "pipeline.toml")
    assert pipeline.codes == ("new", "consultation", "proposal_sent", "prepayment_received", "won", "lost")
    assert [stage.code for stage in pipeline.path] == list(pipeline.codes[:5])
    assert pipeline.lookup("  предоплата ПОЛУЧЕНА ").code == "prepayment_received"
    assert pipeline.lookup("Lost").code == "lost" and pipeline.lookup("paid") is None


@pytest.mark.parametrize("text, message", [
    ("[[stages]]\ncode = 'a'\nkind = 'failure'\nname_ru = 'А'\nname_en = 'A'\n", "at least one"),
    ("[[stages]]\ncode = 'A b'\nkind = 'success'\nname_ru = 'А'\nname_en = 'A'\n", "lowercase"),
    ("[[stages]]\ncode = 'a'\nkind = 'won'\nname_ru = 'А'\nname_en = 'A'\n", "kind must be"),
    ("[[stages]]\ncode = 'a'\nkind = 'success'\nname_ru = 'А'\n", "missing ['name_en']"),
    (PIPELINE + PIPELINE, "repeat"),
    ("[[stages]\n", "pipeline.toml"),
])
def test_a_broken_pipeline_file_is_refused(tmp_path, text, message):
    path = tmp_path / "pipeline.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_pipeline(path)


def test_another_pipeline_and_target(database, clock, tmp_path, make_deal):
    path = tmp_path / "pipeline.toml"
    path.write_text(PIPELINE, encoding="utf-8")
    with pytest.raises(ValueError, match="success path"):
        Reports(database.sessions, ReportsSettings(pipeline_path=path), clock=clock.now)
    reports = Reports(database.sessions, ReportsSettings(pipeline_path=path, target_stage="paid"), clock=clock.now)
    from reports import DealRecord
    from reports_support import msk

    reports.put_deal(DealRecord("L1", "Лид", "lead", "site", "petrov", msk("2026-01-10 10:00")), ADMIN)
    reports.put_deal(DealRecord("L2", "Лид", "paid", "site", "petrov", msk("2026-01-10 10:00")), ADMIN)
    reports.put_deal(DealRecord("L3", "Лид", "refused", "site", "petrov", msk("2026-01-10 10:00")), ADMIN)
    total = reports.conversion(ADMIN).total
    assert (total.created, total.converted, total.percent) == (3, 1, 33.33)
    assert [(row.stage.code, row.reached) for row in reports.funnel(ADMIN).stages] == [
        ("lead", 2), ("paid", 1), ("refused", 1)]


def test_the_migration_creates_what_the_models_describe(database):
    def ours(name, kind, _parent):  # the engine's tables are not this module's business
        return kind != "table" or name in metadata.tables

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": ours, "compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []

"""Shared set-up for the benchmarks: a throwaway database with people and the invoice diagram."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from engine import Engine  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.migrate import upgrade  # noqa: E402

INVOICE_BPMN = ROOT / "bpmn" / "invoice_approval.bpmn"
PDF = b"%PDF-1.4\n%%EOF\n"
PEOPLE = {"ivanova": ("employees",), "petrov": ("managers",), "director": ("director",),
          "buh": ("accountants",)}


def backends() -> list[tuple[str, str]]:
    """SQLite always; PostgreSQL when INVOICEFLOW_BENCH_DATABASE_URL (or the test URL) is set."""
    folder = Path(tempfile.mkdtemp(prefix="invoiceflow-bench-"))
    result = [("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}")]
    pg = os.environ.get("INVOICEFLOW_BENCH_DATABASE_URL") or os.environ.get("INVOICEFLOW_TEST_DATABASE_URL")
    if pg:
        result.append(("postgresql", pg))
    return result


def fresh_engine(url: str) -> Engine:
    """A migrated empty database with the demo people and the invoice diagram deployed."""
    if url.startswith("postgresql"):
        sql = create_engine(url)
        with sql.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        sql.dispose()
    upgrade(url)
    engine = Engine(Database(url), data_dir=Path(tempfile.mkdtemp(prefix="invoiceflow-data-")))
    for username, groups in PEOPLE.items():
        engine.create_user(username, groups=groups)
    engine.deploy_file(INVOICE_BPMN, None)  # the operator, as `invoiceflow deploy` does
    return engine


def start_invoice(engine: Engine) -> str:
    """Start one invoice approved by petrov; returns the instance id."""
    document = engine.upload(PDF, "invoice.pdf", "ivanova")["id"]
    data = {"invoice_number": "B-1", "invoice_date": "2026-01-14", "client_name": "Клиент",
            "party_theme": "Тема", "amount": "100.00", "approvers": ["petrov"],
            "document": document}
    return engine.start("invoice_approval", data, "ivanova").id


def open_task_id(engine: Engine, actor: str, instance_id: str) -> str:
    tasks, _ = engine.tasks(actor, scope="all")
    return next(task.id for task in tasks if task.instance_id == instance_id)


def timed(action, repeat: int) -> float:
    """Median wall time of ``action`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)

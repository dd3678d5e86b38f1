"""Timers under load: 100,000 due timers over 10,000 instances fired by 1, 2 and 4 workers.

Prints timers fired per second and the latency from due time to fired, for each worker count,
on PostgreSQL (INVOICEFLOW_BENCH_DATABASE_URL or the test URL; its schema is recreated) and,
for reference, one worker on SQLite. Workers are separate processes, as in production.

Before the workers start, the timers table is VACUUM ANALYZEd, as autovacuum would have done
long before 100,000 timers came due in production: right after a bulk load PostgreSQL has no
statistics, believes "waiting" rows are rare and plans the worker's per-instance queries on
the (state, due_at) index, 10 ms each instead of 0.05 ms.

Run: .venv/bin/python bench/timers.py [--instances 10000] [--workers 1,2,4] [--postgres-only]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from common import backends, fresh_engine  # noqa: F401  (sets sys.path)

from sqlalchemy import create_engine, func, insert, select, text, update

from engine import Engine
from engine.clock import FrozenClock
from engine.db import Database
from engine.models import ProcessInstance, Timer

FANOUT = Path(__file__).with_name("timer_fanout.bpmn")


def populate(url: str, instances: int) -> int:
    """One real instance (ten waiting timers), cloned ``instances`` times row by row."""
    engine = fresh_engine(url)
    engine.clock = FrozenClock(datetime.now(timezone.utc) - timedelta(days=1))
    engine.deploy_file(FANOUT, None)
    template = engine.start("timer_fanout", {}, "ivanova").id
    with engine.database.unit_of_work() as session:
        row = session.get(ProcessInstance, template)
        timers = session.scalars(select(Timer).where(Timer.instance_id == template)).all()
        columns = {c.key: getattr(row, c.key) for c in ProcessInstance.__table__.columns}
        timer_columns = [{c.key: getattr(t, c.key) for c in Timer.__table__.columns if c.key != "id"}
                         for t in timers]
        for start in range(0, instances - 1, 1000):
            ids = [str(uuid.uuid4()) for _ in range(min(1000, instances - 1 - start))]
            session.execute(insert(ProcessInstance), [{**columns, "id": i} for i in ids])
            session.execute(insert(Timer), [{**t, "instance_id": i} for i in ids for t in timer_columns])
    engine.database.dispose()
    return instances * len(timer_columns)


def make_due_now(url: str) -> datetime:
    database = Database(url)
    now = datetime.now(timezone.utc)
    with database.unit_of_work() as session:
        session.execute(update(Timer).where(Timer.state == "waiting").values(due_at=now))
    database.dispose()
    return now


def analyze(url: str) -> None:
    """Fresh statistics and no dead rows from the set-up, as in a database autovacuum tends."""
    if not url.startswith("postgresql"):
        return
    sql = create_engine(url, isolation_level="AUTOCOMMIT")
    with sql.connect() as connection:
        connection.execute(text("VACUUM ANALYZE timers"))
        connection.execute(text("VACUUM ANALYZE process_instances"))
    sql.dispose()


def work(url: str) -> None:
    engine = Engine(Database(url))
    while engine.fire_due_timers(limit=50):
        pass
    engine.database.dispose()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(url: str, workers: int, instances: int) -> tuple[float, float, float, int, float]:
    total = populate(url, instances)
    due = make_due_now(url)
    analyze(url)
    cpu = children_cpu()
    began = time.perf_counter()
    processes = [multiprocessing.Process(target=work, args=(url,)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - began
    cpu = children_cpu() - cpu  # the workers' own CPU time (not PostgreSQL's), load-proof-ish
    database = Database(url)
    with database.read_only() as session:
        fired = session.scalars(select(Timer.fired_at).where(Timer.state == "fired")).all()
        waiting = session.scalar(select(func.count()).select_from(Timer).where(Timer.state == "waiting"))
    database.dispose()
    assert waiting == 0 and len(fired) == total, (waiting, len(fired), total)
    latencies = sorted((moment - due).total_seconds() for moment in fired)
    return (total / elapsed, statistics.median(latencies), latencies[int(len(latencies) * 0.95)], total,
            cpu / total * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2,4", help="worker counts on PostgreSQL, e.g. 1,2,4")
    parser.add_argument("--postgres-only", action="store_true", help="skip the SQLite reference")
    args = parser.parse_args()
    counts = [int(count) for count in args.workers.split(",")]
    for name, url in backends():
        if args.postgres_only and name == "sqlite":
            continue
        for workers in ([1] if name == "sqlite" else counts):
            load = os.getloadavg()[0]
            rate, median, p95, total, cpu = run(url, workers, args.instances)
            print(f"{name:<10} {workers} worker(s): {total} timers, {rate:8.0f} timers/s, "
                  f"latency due->fired median {median:6.2f} s, p95 {p95:6.2f} s, "
                  f"worker CPU {cpu:.2f} ms/timer "
                  f"(load average before: {load:.2f})", flush=True)


if __name__ == "__main__":
    sys.exit(main())

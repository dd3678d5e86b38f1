"""Several workers over many due timers: each fires exactly once; a killed worker loses nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

import engine.scheduling as scheduling
import engine.timers as timers
from engine.models import AuditEvent, ProcessInstance, Timer, UserTask
from support import FIXTURES

INSTANCES = 40


def start_many(engine, clock, count=INSTANCES):
    engine.deploy_file(FIXTURES / "timer_intermediate.bpmn", "analyst")
    ids = [engine.start("timer_intermediate", {}, "ivanova").id for _ in range(count)]
    clock.advance(hours=2, seconds=1)
    return ids


def fired_per_instance(engine, ids):
    with engine.database.read_only() as session:
        audits = dict(session.execute(
            select(AuditEvent.instance_id, func.count()).where(AuditEvent.event == "timers_fired")
            .group_by(AuditEvent.instance_id)).all())
        tasks = dict(session.execute(
            select(UserTask.instance_id, func.count()).where(UserTask.element_id == "Task_after")
            .group_by(UserTask.instance_id)).all())
        waiting = session.scalar(select(func.count()).select_from(Timer).where(Timer.state == "waiting"))
    return [audits.get(i, 0) for i in ids], [tasks.get(i, 0) for i in ids], waiting


def revisions_of(engine, ids):
    with engine.database.read_only() as session:
        return dict(session.execute(select(ProcessInstance.id, ProcessInstance.revision)
                                    .where(ProcessInstance.id.in_(ids))).all())


@pytest.mark.parametrize("workers,limit,batch", [(2, 3, 10), (4, 3, 10), (2, 20, 4), (4, 20, 4)])
def test_racing_workers_fire_each_timer_once(engine, people, clock, workers, limit, batch):
    ids = start_many(engine, clock)
    barrier = threading.Barrier(workers)
    errors = []

    def work():
        barrier.wait()
        try:
            while engine.fire_due_timers(limit=limit, batch=batch):
                pass
        except Exception as err:  # collected: the assertion below shows it
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    # A worker that met only locked rows may stop early; one more pass picks up the rest.
    while engine.fire_due_timers(limit=50):
        pass
    assert errors == []
    audits, tasks, waiting = fired_per_instance(engine, ids)
    assert audits == [1] * len(ids) and tasks == [1] * len(ids) and waiting == 0


def test_worker_killed_mid_flight_loses_and_doubles_nothing(engine, people, clock, database, tmp_path):
    ids = start_many(engine, clock, count=150)
    env = {**os.environ, "INVOICEFLOW_DATABASE_URL": database.url,
           "INVOICEFLOW_DATA_DIR": str(tmp_path)}
    command = [str(Path(sys.executable).parent / "invoiceflow"), "worker", "--batch", "5", "--idle", "0.2"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(fired_per_instance(engine, ids)[0]) < 10:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # no goodbye: whatever was in flight is rolled back
    first.wait(10)
    partly = sum(fired_per_instance(engine, ids)[0])
    assert 0 < partly < len(ids), "kill the worker while it still has work"
    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and fired_per_instance(engine, ids)[2] > 0:
            time.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)  # graceful stop
        assert second.wait(30) == 0
    audits, tasks, waiting = fired_per_instance(engine, ids)
    assert audits == [1] * len(ids) and tasks == [1] * len(ids) and waiting == 0


def test_one_failing_instance_costs_the_batch_nothing(engine, people, clock, monkeypatch):
    ids = start_many(engine, clock, count=6)
    revisions = revisions_of(engine, ids)
    real_record_step, calls = scheduling.record_step, []

    def record_step_failing_third(*args, **kwargs):
        real_record_step(*args, **kwargs)  # its changes are pending in the session, then:
        calls.append(args[3].id)
        if len(calls) == 3:
            raise RuntimeError("boom")
    monkeypatch.setattr(scheduling, "record_step", record_step_failing_third)
    assert engine.fire_due_timers(limit=10, batch=10) == 5  # one transaction, five savepoints kept
    failed = calls[2]
    audits, tasks, waiting = fired_per_instance(engine, ids)
    assert audits == [0 if i == failed else 1 for i in ids] and audits == tasks and waiting == 1
    after = revisions_of(engine, ids)  # rolled back to its savepoint: untouched
    assert [after[i] - revisions[i] for i in ids] == [0 if i == failed else 1 for i in ids]
    monkeypatch.setattr(scheduling, "record_step", real_record_step)
    assert engine.fire_due_timers(limit=10, batch=10) == 1  # still due, fired on the next round
    audits, tasks, waiting = fired_per_instance(engine, ids)
    assert audits == [1] * len(ids) and tasks == [1] * len(ids) and waiting == 0


def test_a_claimed_instance_already_fired_is_not_fired_again(engine, people, clock, monkeypatch):
    ids = start_many(engine, clock, count=4)
    assert engine.fire_due_timers(limit=10) == 4
    # As if the candidates were read just before another worker committed these very instances.
    monkeypatch.setattr(timers, "due_instance_ids", lambda session, now, limit: list(ids))
    assert engine.fire_due_timers(limit=10, batch=3) == 0
    audits, tasks, waiting = fired_per_instance(engine, ids)
    assert audits == [1] * len(ids) and tasks == [1] * len(ids) and waiting == 0


def test_an_instance_another_worker_holds_is_skipped_not_awaited(engine, people, clock, database):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: nothing to skip")
    ids = start_many(engine, clock, count=5)
    held = ids[2]
    with database.engine.connect() as other:  # another worker's batch, mid-flight
        other.execute(select(ProcessInstance.id).where(ProcessInstance.id == held).with_for_update())
        assert engine.fire_due_timers(limit=10, batch=2) == 4
        assert fired_per_instance(engine, ids)[0] == [0 if i == held else 1 for i in ids]
        other.rollback()
    assert engine.fire_due_timers(limit=10, batch=2) == 1
    audits, tasks, waiting = fired_per_instance(engine, ids)
    assert audits == [1] * len(ids) and tasks == [1] * len(ids) and waiting == 0

"""Timers of every kind, fired by the worker on a clock the test moves (no test sleeps)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from engine.models import OutboxEvent, ProcessInstance, Timer
from engine.models.timers import DROPPED
from engine.worker import Worker
from helpers import open_task
from support import FIXTURES


@pytest.fixture
def worker(engine):
    return Worker(engine, batch=50)


def deploy(engine, name):
    return engine.deploy_file(FIXTURES / name, "analyst")


def count(engine, model, *where):
    with engine.database.read_only() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_interrupting_boundary_timer_escalates(engine, people, clock, worker):
    deploy(engine, "timer_boundary_interrupting.bpmn")
    instance = engine.start("timer_interrupting", {}, "ivanova")
    assert [t.element_id for t in instance.open_tasks] == ["Task_wait"]
    clock.advance(hours=3, minutes=59)
    assert worker.run_once() == 0
    clock.advance(minutes=2)
    assert worker.run_once() == 1
    state = engine.instance(instance.id, "admin")
    assert [t.element_id for t in state.open_tasks] == ["Task_escalated"]
    assert worker.run_once() == 0  # fired exactly once
    assert count(engine, Timer, Timer.instance_id == instance.id, Timer.state == "fired") == 1


def test_intermediate_duration_timer_waits_then_continues(engine, people, clock, worker):
    deploy(engine, "timer_intermediate.bpmn")
    instance = engine.start("timer_intermediate", {}, "ivanova")
    assert instance.open_tasks == []
    clock.advance(hours=2, seconds=1)
    assert worker.run_once() == 1
    assert [t.element_id for t in engine.instance(instance.id, "ivanova").open_tasks] == ["Task_after"]


def test_intermediate_date_timer_fires_at_its_date(engine, people, clock, worker):
    deploy(engine, "timer_date.bpmn")
    instance = engine.start("timer_date", {}, "ivanova")
    clock.advance(days=16, hours=23)  # 2026-02-01T08:00Z
    assert worker.run_once() == 0
    clock.advance(hours=1, seconds=1)
    assert worker.run_once() == 1
    assert engine.instance(instance.id, "ivanova").open_tasks[0].element_id == "Task_after"


def test_timer_start_event_starts_one_instance_per_due_time(engine, people, clock, worker):
    deploy(engine, "timer_start.bpmn")  # R/2026-01-15T06:00:00Z/P1D, deployed at 2026-01-15 09:00
    assert worker.run_once() == 0
    clock.advance(hours=21, seconds=1)  # 2026-01-16 06:00:01
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    clock.advance(days=1)
    assert worker.run_once() == 1
    assert count(engine, ProcessInstance) == 2
    with engine.database.read_only() as session:
        due = session.scalar(select(Timer.due_at).where(Timer.kind == "start", Timer.state == "waiting"))
    assert due == datetime(2026, 1, 18, 6, 0, tzinfo=timezone.utc)


def test_redeploying_replaces_the_start_timer(engine, people, clock, worker):
    deploy(engine, "timer_start.bpmn")
    xml = (FIXTURES / "timer_start.bpmn").read_text(encoding="utf-8").replace(
        "Ежедневная проверка", "Ежедневная проверка (v2)")
    engine.deploy(xml, "analyst")
    assert count(engine, Timer, Timer.kind == "start", Timer.state == "waiting") == 1


def test_cycle_boundary_timer_reminds_three_times_then_stops(engine, people, clock, worker):
    deploy(engine, "timer_cycle.bpmn")
    instance = engine.start("timer_cycle", {}, "ivanova")
    reminders = lambda: count(engine, OutboxEvent, OutboxEvent.event_type == "task.reminder")  # noqa: E731
    for expected in (1, 2, 3):
        clock.advance(hours=1, seconds=1)
        assert worker.run_once() == 1
        assert reminders() == expected
    clock.advance(hours=5)
    assert worker.run_once() == 0
    assert reminders() == 3
    task = open_task(engine, "kuznetsov", instance.id)
    engine.complete(task.id, {"handed_over": ["waybill"]}, "kuznetsov")
    assert engine.instance(instance.id, "ivanova").state == "completed"


@pytest.mark.usefixtures("invoice_process")
def test_invoice_reminders_when_overdue_then_daily_and_none_after_completion(
        engine, clock, worker, invoice_data):
    instance = engine.start("invoice_approval", invoice_data(approvers=["petrov"]), "ivanova")
    task = open_task(engine, "petrov", instance.id)
    assert task.due_at == clock.now() + timedelta(days=1)  # camunda:dueDate P1D
    reminders = lambda: count(engine, OutboxEvent, OutboxEvent.event_type == "task.reminder")  # noqa: E731
    clock.advance(hours=23)
    assert worker.run_once() == 0 and reminders() == 0
    clock.advance(hours=1, minutes=1)  # overdue now (due P1D)
    assert worker.run_once() == 1 and reminders() == 1
    assert worker.run_once() == 0 and reminders() == 1  # once, not twice
    clock.advance(days=1)
    assert worker.run_once() == 1 and reminders() == 2  # and again a day later
    engine.complete(task.id, {"decision": "approve"}, "petrov")
    clock.advance(days=3)
    worker.run_once()  # the director's task is overdue by now: only it is reminded
    with engine.database.read_only() as session:
        names = [e.payload["task_name"] for e in session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == "task.reminder").order_by(OutboxEvent.id))]
    assert names[:2] == [task.name, task.name]
    assert all(name != task.name for name in names[2:])


TIMER_TO_END = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
  <bpmn:process id="timer_to_end" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Timer_1" />
    <bpmn:intermediateCatchEvent id="Timer_1"><bpmn:incoming>F1</bpmn:incoming>
      <bpmn:outgoing>F2</bpmn:outgoing><bpmn:timerEventDefinition>
      <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Timer_1" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def test_timer_that_ends_the_instance_is_recorded_as_fired(engine, people, clock, worker):
    engine.deploy(TIMER_TO_END, "analyst")
    instance = engine.start("timer_to_end", {}, "ivanova")
    clock.advance(hours=1, seconds=1)
    assert worker.run_once() == 1
    assert engine.instance(instance.id, "ivanova").state == "completed"
    assert count(engine, Timer, Timer.instance_id == instance.id, Timer.state == "fired") == 1
    assert count(engine, Timer, Timer.instance_id == instance.id, Timer.state == "cancelled") == 0


def _rows_follow_the_workflow(engine, instance_id):
    """The waiting timer rows of an instance are exactly the timers its snapshot waits for."""
    with engine.database.read_only() as session:
        instance = session.get(ProcessInstance, instance_id)
        rows = {(row.task_id, row.due_at) for row in session.scalars(select(Timer).where(
            Timer.instance_id == instance_id, Timer.state == "waiting"))}
        workflow = engine.runtime.restore(engine.diagrams.get(instance.definition), instance.snapshot)
    waiting = {(timer.task_id, timer.due_at) for timer in engine.runtime.waiting_timers(workflow).values()}
    assert rows == waiting
    return rows


def test_timer_rows_follow_every_step_of_an_invoice(engine, clock, worker, invoice_process, invoice_data):
    """Rows are written from the difference the step made, never re-read: after each step, a
    reminder, a repeated reminder, a revision round and approvals, they still mirror the workflow."""
    from helpers import act, approve

    instance = engine.start("invoice_approval", invoice_data(approvers=["petrov"]), "ivanova")
    [first] = _rows_follow_the_workflow(engine, instance.id)
    clock.advance(days=1, minutes=1)  # overdue: the reminder fires, its cycle moves on
    assert worker.run_once() == 1
    [second] = _rows_follow_the_workflow(engine, instance.id)
    assert second[0] == first[0] and second[1] > first[1]
    clock.advance(days=1)
    assert worker.run_once() == 1
    [third] = _rows_follow_the_workflow(engine, instance.id)
    assert third[1] > second[1]
    act(engine, "petrov", instance.id, "approve_invoice", decision="revise", comment="Нужна печать")
    [revision] = _rows_follow_the_workflow(engine, instance.id)
    assert revision[0] != first[0]
    # The reminder's cycle was not due again when the task was done: dropped with its task.
    assert count(engine, Timer, Timer.instance_id == instance.id, Timer.state == DROPPED) == 1
    act(engine, "ivanova", instance.id, "revise_invoice", document=invoice_data()["document"])
    _rows_follow_the_workflow(engine, instance.id)
    approve(engine, "petrov", instance.id)
    _rows_follow_the_workflow(engine, instance.id)
    approve(engine, "director", instance.id)
    _rows_follow_the_workflow(engine, instance.id)

"""engine/spiff/waiting.py walks the task tree exactly as SpiffWorkflow's TaskIterator does."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskIterator, TaskState
from SpiffWorkflow.workflow import Workflow

from engine.spiff import waiting
from engine.spiff.diagram import parse_diagram
from engine.spiff.runtime import Runtime
from engine.spiff.timekeeping import engine_time
from support import FIXTURES, INVOICE_BPMN

FANOUT = Path(__file__).resolve().parents[2] / "bench" / "timer_fanout.bpmn"
T0 = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
DIAGRAMS = [FANOUT, INVOICE_BPMN, *sorted(FIXTURES.glob("timer_*.bpmn"))]
INVOICE = {"invoice_number": "B-1", "invoice_date": "2026-01-14", "client_name": "Клиент",
           "party_theme": "Тема", "amount": "100.00", "approvers": ["petrov", "director"],
           "document": "d-1"}


def every_tree(path):
    """Workflows of the diagram at several moments: started, then after each day's timers."""
    runtime, diagram = Runtime(), parse_diagram(path.read_bytes())
    with engine_time(T0):
        workflow, _ = runtime.start(diagram, INVOICE if path == INVOICE_BPMN else {})
    yield workflow
    for day in range(1, 4):
        with engine_time(T0 + timedelta(days=day)):
            workflow = runtime.restore(diagram, runtime.snapshot(workflow))
            runtime.fire_timers(workflow)
        yield workflow


def spiff_walk(root, max_depth=1000):
    return list(TaskIterator(root, state=TaskState.WAITING, max_depth=max_depth))


def test_the_patch_is_in_place():
    assert Workflow.update_waiting_tasks is waiting.update_waiting_tasks


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda path: path.stem)
def test_same_tasks_in_the_same_order_at_every_depth_limit(path):
    for workflow in every_tree(path):
        all_tasks = list(TaskIterator(workflow.task_tree))
        assert len(all_tasks) > 1
        for max_depth in [1, 2, 3, 4, 6, 1000]:
            assert list(waiting.waiting_tasks(workflow.task_tree, max_depth)) == \
                spiff_walk(workflow.task_tree, max_depth)
        # Waiting tasks deeper in the tree, as subprocess-free diagrams have them too.
        for task in all_tasks:
            assert list(waiting.waiting_tasks(task)) == spiff_walk(task)


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda path: path.stem)
def test_firing_gives_the_same_workflow_with_either_walk(path, monkeypatch):
    def run():
        return [[(task.task_spec.name, task.state, sorted(task.data)) for task in TaskIterator(w.task_tree)]
                + [w.completed] for w in every_tree(path)]

    patched = run()
    monkeypatch.setattr(Workflow, "update_waiting_tasks", waiting._original_update_waiting_tasks)
    assert run() == patched

"""Unbounded loops must not degrade: the tree, the snapshot and the ready task stay the same."""
from __future__ import annotations

import json

from SpiffWorkflow.util.task import TaskState

from support import INVOICE_BPMN
from engine.spiff.diagram import parse_diagram
from engine.spiff.runtime import Runtime

START = {
    "invoice_number": "1", "invoice_date": "2026-01-14", "client_name": "К", "party_theme": "Т",
    "amount": "10.00", "currency": "RUB", "approvers": ["petrov"], "document": "doc-0",
    "responsible": "ivanova", "initiator": "ivanova",
}


def ready(workflow):
    tasks = Runtime.ready_user_tasks(workflow)
    assert len(tasks) == 1, [t.task_spec.bpmn_id for t in tasks]
    return tasks[0]


def revision_round(runtime, diagram, snapshot, round_no):
    """Restore, send back for revision, restore, hand in a new document; return the snapshot."""
    workflow = runtime.restore(diagram, snapshot)
    runtime.complete(workflow, str(ready(workflow).id), {"decision": "revise", "comment": "ещё"})
    workflow = runtime.restore(diagram, runtime.snapshot(workflow))
    runtime.complete(workflow, str(ready(workflow).id), {"document": f"doc-{round_no}"})
    return runtime.snapshot(workflow)


def max_depth(workflow):
    return max(task.depth for task in workflow.tasks.values())


def test_thousand_revision_rounds_keep_the_instance_working_and_small():
    runtime = Runtime()
    diagram = parse_diagram(INVOICE_BPMN.read_bytes())
    workflow, _ = runtime.start(diagram, dict(START))
    snapshot = runtime.snapshot(workflow)
    sizes = {}
    for round_no in range(1, 1001):
        snapshot = revision_round(runtime, diagram, snapshot, round_no)
        if round_no in (1, 100, 1000):
            sizes[round_no] = len(snapshot)
    workflow = runtime.restore(diagram, snapshot)
    task = ready(workflow)  # still visible after 1,000 rounds (the naive tree loses it ~330)
    assert task.task_spec.bpmn_id == diagram.elements[task.task_spec.bpmn_id].id
    assert max_depth(workflow) < 40
    assert runtime.current_data(workflow)["revision_round"] == 1000
    assert sizes[1000] <= 1.5 * sizes[1], sizes
    runtime.complete(workflow, str(task.id), {"decision": "approve"})
    assert ready(workflow).task_spec.bpmn_id != task.task_spec.bpmn_id


def test_without_compaction_the_tree_would_grow(monkeypatch):
    """The guard above is real: switched off, the same loop deepens the task tree."""
    import engine.spiff.runtime as runtime_module

    monkeypatch.setattr(runtime_module, "compact_workflow", lambda workflow: 0)
    runtime = Runtime()
    diagram = parse_diagram(INVOICE_BPMN.read_bytes())
    workflow, _ = runtime.start(diagram, dict(START))
    depth_before = max_depth(workflow)
    snapshot = runtime.snapshot(workflow)
    for round_no in range(1, 21):
        snapshot = revision_round(runtime, diagram, snapshot, round_no)
    assert max_depth(runtime.restore(diagram, snapshot)) > depth_before + 40


def test_snapshot_round_trip_is_lossless_at_every_step():
    runtime = Runtime()
    diagram = parse_diagram(INVOICE_BPMN.read_bytes())
    workflow, _ = runtime.start(diagram, dict(START, approvers=["petrov", "sidorova"]))
    answers = [
        {"decision": "approve"}, {"decision": "revise", "comment": "c"}, {"document": "doc-2"},
        {"decision": "approve"}, {"decision": "approve"}, {"decision": "confirm"},
        {"handed_over": ["waybill"]}, {"received": ["waybill"]},
        {"handed_over": ["invoice_original", "acceptance_act"]},
        {"received": ["invoice_original", "acceptance_act"]},
    ]
    for answer in answers:
        snapshot = runtime.snapshot(workflow)
        restored = runtime.restore(diagram, snapshot)
        assert json.loads(runtime.snapshot(restored)) == json.loads(snapshot)
        original_ready = [(str(t.id), t.data) for t in Runtime.ready_user_tasks(workflow)]
        assert [(str(t.id), t.data) for t in Runtime.ready_user_tasks(restored)] == original_ready
        # Continue on the restored copy: it must behave exactly like the original would.
        workflow = restored
        runtime.complete(workflow, str(ready(workflow).id), answer)
    assert workflow.completed
    assert not workflow.get_tasks(state=TaskState.READY)

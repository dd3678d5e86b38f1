"""What slips past deploy-time checks fails at run time: the instance is marked failed with the
reason in its history, and the process running it goes on serving."""
from __future__ import annotations

from support import FIXTURES


def test_runaway_script_marks_the_instance_failed(engine, people):
    engine.deploy_file(FIXTURES / "runtime_bomb.bpmn", "analyst")
    instance = engine.start("runtime_bomb", {}, "ivanova")
    assert instance.state == "failed"
    assert instance.open_tasks == []
    history = engine.history(instance.id, "ivanova")
    failure = [entry for entry in history if entry.event == "instance_failed"]
    assert len(failure) == 1 and failure[0].data["reason"]
    assert failure[0].data["element"]
    # The engine still works for everyone else.
    assert engine.start("runtime_bomb", {}, "kuznetsov").state == "failed"


def test_gateway_without_a_matching_flow_fails_the_instance(engine, people):
    engine.deploy_file(FIXTURES / "loop_gateway_no_default.bpmn", "analyst")
    instance = engine.start("no_outgoing_match", {}, "ivanova")
    assert instance.state == "failed"
    assert instance.failure

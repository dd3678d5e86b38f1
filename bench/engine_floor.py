"""The floor no wrapper can beat: bare SpiffWorkflow load -> complete -> save on the invoice
diagram, beside the engine's own ``complete_task`` with its database, as a ratio.

Both complete the same task kind (the manager's decision "revise", then the initiator's revised
document) round after round. The bare loop uses SpiffWorkflow's own serializer (spec included,
as an application that stores `serialize_json` would) and its default script engine with the
`${...}` wrapper stripped; the engine adds form validation, the sandbox, authorization, task
rows, audit, optimistic locking and one SQL transaction.

Run: .venv/bin/python bench/engine_floor.py   (PostgreSQL too with INVOICEFLOW_TEST_DATABASE_URL)
"""
from __future__ import annotations

import statistics

from common import PDF, backends, fresh_engine, open_task_id, start_invoice, timed  # noqa: F401

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.util.task import TaskState

from common import INVOICE_BPMN
from engine.script_engine import is_timer_literal

ROUNDS = 200


class StrippingEngine(PythonScriptEngine):
    """SpiffWorkflow's own eval-based engine, taught only to strip Camunda's ``${...}`` and to
    take unquoted ISO timer literals (``R/P1D``) as themselves, as Camunda does."""

    def evaluate(self, task, expression, external_context=None):
        expression = expression.strip()
        if is_timer_literal(expression):
            return expression
        if expression.startswith("${") and expression.endswith("}"):
            expression = expression[2:-1]
        return super().evaluate(task, expression, external_context)


def bare_round_trip_ms() -> float:
    parser = CamundaParser()
    parser.add_bpmn_file(str(INVOICE_BPMN))
    spec = parser.get_spec("invoice_approval")
    subprocesses = parser.get_subprocess_specs("invoice_approval")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    script_engine = StrippingEngine()
    workflow = BpmnWorkflow(spec, subprocesses, script_engine=script_engine)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update({"approvers": ["petrov"], "document": "d", "initiator": "ivanova",
                          "amount": "100.00"})
    workflow.do_engine_steps()
    snapshot = serializer.serialize_json(workflow)

    def one_completion():
        # Always the manager's "revise" on the same round-one state: the floor never pays for
        # the tree growth a naive loop would add.
        wf = serializer.deserialize_json(snapshot)
        wf.script_engine = script_engine
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update({"decision": "revise", "comment": "c"})
        task.run()
        wf.do_engine_steps()
        serializer.serialize_json(wf)

    return timed(one_completion, ROUNDS)


def engine_complete_ms(url: str) -> float:
    """Median time of ``Engine.complete`` alone (finding the task and uploading are outside)."""
    engine = fresh_engine(url)
    instance_id = start_invoice(engine)
    # As the web layer does: the user it has just authenticated is handed to the engine.
    people = {name: engine.authenticate(engine.issue_token(name)) for name in ("petrov", "ivanova")}
    samples = []
    for n in range(ROUNDS):
        if n % 2 == 0:
            actor, answer = people["petrov"], {"decision": "revise", "comment": "c"}
        else:
            actor = people["ivanova"]
            answer = {"document": engine.upload(PDF, "v.pdf", "ivanova")["id"]}
        task_id = open_task_id(engine, actor.username, instance_id)
        samples.append(timed(lambda: engine.complete(task_id, answer, actor), 1))
    engine.database.dispose()
    return statistics.median(samples)


def main() -> None:
    floor = bare_round_trip_ms()
    print(f"bare SpiffWorkflow load+complete+save: {floor:.2f} ms (median of {ROUNDS})")
    for name, url in backends():
        cost = engine_complete_ms(url)
        print(f"engine complete_task on {name:<10}: {cost:.2f} ms  ratio {cost / floor:.2f}x")


if __name__ == "__main__":
    main()

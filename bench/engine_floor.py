"""The floor no wrapper can beat: bare SpiffWorkflow load -> complete -> save on the invoice
diagram, beside the engine's own ``complete_task`` with its database, as a ratio.

Both complete the same task kind (the manager's decision "revise", then the initiator's revised
document) round after round. The bare loop uses SpiffWorkflow's own serializer (spec included,
as an application that stores `serialize_json` would) and its default script engine with the
`${...}` wrapper stripped; the engine adds form validation, the sandbox, authorization, task
rows, timers, the notification outbox, audit, optimistic locking and one SQL transaction.

The target is measured against the bare round trip without a database. Beside it, the same
bare round trip that also reads and writes its snapshot in the engine's database through the
bare driver, committed (what durability alone costs on that database, before any engine).

Run: .venv/bin/python bench/engine_floor.py   (PostgreSQL too with INVOICEFLOW_BENCH_DATABASE_URL)
"""
from __future__ import annotations

import statistics
from contextlib import contextmanager

from common import PDF, backends, fresh_engine, open_task_id, start_invoice, timed

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

from common import INVOICE_BPMN
from engine.script_engine import is_timer_literal
from engine.spiff import waiting

ROUNDS = 200
WARM_UP = 10


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


def bare_round_trip(store=None):
    """The bare load -> complete -> save, ready to run again and again. With ``store`` (a
    snapshot store on a database), the snapshot is read from and written back to a table, one
    committed transaction per round trip: the least any engine that keeps its state must do."""
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
    first = serializer.serialize_json(workflow)
    if store is not None:
        store.save(first, first=True)

    def one_completion():
        with shipped_spiffworkflow():
            return round_trip()

    def round_trip():
        # Always the manager's "revise" on the same round-one state: the floor never pays for
        # the tree growth a naive loop would add.
        wf = serializer.deserialize_json(first if store is None else store.load())
        wf.script_engine = script_engine
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update({"decision": "revise", "comment": "c"})
        task.run()
        wf.do_engine_steps()
        snapshot = serializer.serialize_json(wf)
        if store is not None:
            store.save(snapshot)

    return one_completion


@contextmanager
def shipped_spiffworkflow():
    """SpiffWorkflow as shipped: the engine replaces its ``update_waiting_tasks`` with a cheaper
    walk of the same tasks (engine/spiff/waiting.py); the floor is measured without it."""
    ours = Workflow.update_waiting_tasks
    Workflow.update_waiting_tasks = waiting._original_update_waiting_tasks
    try:
        yield
    finally:
        Workflow.update_waiting_tasks = ours


class SnapshotStore:
    """Snapshot rows on the bare driver (sqlite3 or psycopg, no SQLAlchemy) in the engine's
    database, with the engine's durability settings: one transaction per round trip that reads
    round one's snapshot (row 1, so every round does the same work) and writes the new one
    (row 2), then commits."""

    def __init__(self, url: str):
        if url.startswith("sqlite"):
            import sqlite3
            self.connection = sqlite3.connect(url.split("///", 1)[-1] + ".floor", isolation_level=None)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.begin, self.marker = "BEGIN IMMEDIATE", "?"
        else:
            import psycopg
            self.connection = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                                              autocommit=True)
            self.begin, self.marker = "BEGIN", "%s"
        self.connection.execute("DROP TABLE IF EXISTS floor_snapshot")
        self.connection.execute("CREATE TABLE floor_snapshot (id INTEGER PRIMARY KEY, snapshot TEXT)")
        self.connection.execute("INSERT INTO floor_snapshot VALUES (1, ''), (2, '')")

    def load(self) -> str:
        self.connection.execute(self.begin)
        return self.connection.execute("SELECT snapshot FROM floor_snapshot WHERE id = 1").fetchone()[0]

    def save(self, snapshot: str, first: bool = False) -> None:
        if first:
            self.connection.execute(self.begin)
        self.connection.execute(f"UPDATE floor_snapshot SET snapshot = {self.marker} WHERE id = {1 if first else 2}",
                                (snapshot,))
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


def engine_completion(url: str):
    """``Engine.complete`` alone (finding the task and uploading are outside the timing),
    alternating the manager's "revise" and the initiator's revised document."""
    engine = fresh_engine(url)
    instance_id = start_invoice(engine)
    # As the web layer does: the user it has just authenticated is handed to the engine.
    people = {name: engine.authenticate(engine.issue_token(name)) for name in ("petrov", "ivanova")}
    rounds = iter(range(10**9))

    def one_completion():
        if next(rounds) % 2 == 0:
            actor, answer = people["petrov"], {"decision": "revise", "comment": "c"}
        else:
            actor = people["ivanova"]
            answer = {"document": engine.upload(PDF, "v.pdf", "ivanova")["id"]}
        task_id = open_task_id(engine, actor.username, instance_id)
        return timed(lambda: engine.complete(task_id, answer, actor), 1)

    return engine, one_completion


def main() -> None:
    # The samples are interleaved (one bare round trip, then one on each database, bare and
    # through the engine, again and again), so a change in the machine's load during the run
    # weighs on all alike.
    runs = [("bare SpiffWorkflow load+complete+save", None, bare_round_trip())]
    stores = []
    for name, url in backends():
        engine, complete = engine_completion(url)
        store = SnapshotStore(url)
        stores.append((engine, store))
        runs.append((f"  + its snapshot read and written on {name} (bare driver)", None, bare_round_trip(store)))
        runs.append((f"engine complete_task on {name}", engine, complete))
    for _ in range(WARM_UP):
        for _label, _engine, run in runs:
            run()
    samples = {label: [] for label, _engine, _run in runs}
    for _ in range(ROUNDS):
        for label, engine, run in runs:
            samples[label].append(run() if engine is not None else timed(run, 1))
    floor = statistics.median(samples[runs[0][0]])
    print(f"medians of {ROUNDS} interleaved rounds; ratio to the bare round trip without a database")
    for label, _engine, _run in runs:
        cost = statistics.median(samples[label])
        print(f"{label:<58} {cost:7.2f} ms  {cost / floor:5.2f}x")
    for engine, store in stores:
        engine.database.dispose()
        store.close()


if __name__ == "__main__":
    main()

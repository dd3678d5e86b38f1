"""Run a diagram with SpiffWorkflow: start, advance, complete, cancel, snapshot and restore.

Snapshots do not carry the process spec: it is the same for every instance of a definition
version and is rebuilt once from the stored BPMN (and cached), so a snapshot holds only the
instance's own state and stays small.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_SERIALIZER_VERSION
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.script_engine import SandboxedScriptEngine
from engine.spiff.compaction import compact_workflow
from engine.spiff.diagram import Diagram
from engine.spiff.timers import fire_start_timers_once

# Our snapshot = SpiffWorkflow's workflow dict without the specs; bump the suffix on any change.
SERIALIZER_VERSION = f"{SPIFF_SERIALIZER_VERSION}-nospec-1"

# Sent to a running instance on cancellation; a diagram may catch it to end on its own terms.
CANCEL_SIGNAL = "cancel_invoice"


class ProcessFailed(Exception):
    """The diagram's own logic failed at run time (bad expression, no matching flow ...)."""

    def __init__(self, message: str, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id


@dataclass
class Step:
    """What one change did: the elements entered (in order), and the user tasks that were
    ready before it and are ready after it (ids), so rows can follow without a query."""

    entered: list[str] = field(default_factory=list)
    ready_before: set[str] = field(default_factory=set)
    ready_after: set[str] = field(default_factory=set)


class Runtime:
    """Owns SpiffWorkflow's serializer and the sandboxed script engine."""

    def __init__(self):
        self.script_engine = SandboxedScriptEngine()
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
        registry = self.serializer.registry
        # The registry wraps each converter's to_dict in a partial; its bound method names the converter.
        self._converter = registry.convert_to_dict[registry.typenames[BpmnWorkflow]].args[1].__self__

    def start(self, diagram: Diagram, data: dict, by_timer: bool = False) -> tuple[BpmnWorkflow, Step]:
        """A new workflow with the start data, advanced to its first wait state. ``by_timer``:
        the worker starts it because its timer start event is due, so that event fires now,
        once (each due time of a start timer makes a new instance, as in Camunda)."""
        workflow = BpmnWorkflow(diagram.spec, diagram.subprocess_specs, script_engine=self.script_engine)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        step = self.advance(workflow, ready_before=set())
        if by_timer:
            fire_start_timers_once(workflow)
            entered = step.entered
            step = self.fire_timers(workflow)
            step.entered = entered + step.entered
        return workflow, step

    def complete(self, workflow: BpmnWorkflow, task_id: str, data: dict) -> Step:
        """Complete a ready user task with its (validated) form data, then advance."""
        ready_before = self.ready_ids(workflow)
        task = workflow.get_task_from_id(UUID(task_id))
        task.data.update(data)
        self._guarded(task.run, task.task_spec.bpmn_id)
        return self.advance(workflow, ready_before)

    def cancel(self, workflow: BpmnWorkflow) -> Step:
        """Send the cancel signal (a diagram may model its own ending), then stop what remains."""
        ready_before = self.ready_ids(workflow)
        event = BpmnEvent(SignalEventDefinition(CANCEL_SIGNAL))
        self._guarded(lambda: workflow.catch(event), None)
        step = self.advance(workflow, ready_before)
        if not workflow.completed:
            workflow.cancel()
            step.ready_after = set()
        return step

    def fire_timers(self, workflow: BpmnWorkflow) -> Step:
        """Let every timer that is due by now fire, then advance."""
        ready_before = self.ready_ids(workflow)
        self._guarded(workflow.refresh_timers, None)
        return self.advance(workflow, ready_before)

    def advance(self, workflow: BpmnWorkflow, ready_before: set[str] | None = None) -> Step:
        """Run engine tasks (gateways, scripts, events) until only people or timers can act."""
        if ready_before is None:
            ready_before = self.ready_ids(workflow)
        step = Step(ready_before=set(ready_before))

        def entered(task):
            step.entered.append(task.task_spec.bpmn_id)

        self._guarded(lambda: workflow.do_engine_steps(did_complete_task=entered), None)
        for task in self.ready_user_tasks(workflow):
            step.ready_after.add(str(task.id))
            if str(task.id) not in ready_before:
                step.entered.append(task.task_spec.bpmn_id)
        compact_workflow(workflow)
        return step

    @classmethod
    def ready_ids(cls, workflow: BpmnWorkflow) -> set[str]:
        """Ids of the user tasks that are ready now."""
        return {str(task.id) for task in cls.ready_user_tasks(workflow)}

    def _guarded(self, action, element_id):
        try:
            return action()
        except SpiffWorkflowException as err:
            task = getattr(err, "task", None)
            where = getattr(getattr(task, "task_spec", None), "bpmn_id", None) or element_id
            raise ProcessFailed(_describe(err), where) from err

    @staticmethod
    def ready_user_tasks(workflow: BpmnWorkflow) -> list:
        """The user tasks waiting for a person, in this and every subprocess."""
        return workflow.get_tasks(state=TaskState.READY, manual=True)

    @staticmethod
    def current_data(workflow: BpmnWorkflow) -> dict:
        """The process data as of now: what the newest ready task sees, or the final data."""
        ready = Runtime.ready_user_tasks(workflow)
        if ready:
            return dict(max(ready, key=lambda task: task.last_state_change).data)
        if workflow.last_task is not None:
            return {**workflow.data, **workflow.last_task.data}
        return dict(workflow.data)

    def snapshot(self, workflow: BpmnWorkflow) -> str:
        """Serialize the instance state (no specs) to JSON."""
        registry = self.serializer.registry
        registry._encoder_mode = True
        try:
            converter = self._converter
            dct = super(type(converter), converter).to_dict(workflow)
            dct["subprocesses"] = converter.mapping_to_dict(workflow.subprocesses)
            dct["bpmn_events"] = registry.convert(workflow.bpmn_events)
            return json.dumps(dct, cls=self.serializer._encoder_cls, separators=(",", ":"))
        finally:
            registry._encoder_mode = False

    def restore(self, diagram: Diagram, snapshot: str) -> BpmnWorkflow:
        """Rebuild a workflow from a snapshot and the (cached) spec of its definition version."""
        dct = json.loads(snapshot, cls=self.serializer.json_decoder_cls)
        converter = self._converter
        workflow = BpmnWorkflow(diagram.spec, diagram.subprocess_specs, deserializing=True)
        workflow.tasks = converter.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        converter.set_default_attributes(workflow, dct)
        converter.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.serializer.registry.restore(dct.get("bpmn_events", []))
        workflow.script_engine = self.script_engine
        return workflow


def _describe(err: SpiffWorkflowException) -> str:
    message = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    notes = [note for note in getattr(err, "notes", []) or [] if note]
    return " ".join([message, *notes]).strip()

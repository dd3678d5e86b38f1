"""Read the waiting timer events of a workflow and when each is due (SpiffWorkflow internals)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition, TimerEventDefinition,
)


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    element_id: str
    kind: str
    due_at: datetime


def waiting_timers(workflow) -> list[WaitingTimer]:
    """Every timer event the workflow waits for, with its next due moment."""
    timers = []
    for task in list(workflow.event_manager.tasks.values()):
        definition = task.task_spec.event_definition
        if isinstance(definition, MultipleEventDefinition):
            definitions = [d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)]
        else:
            definitions = [definition] if isinstance(definition, TimerEventDefinition) else []
        for timer in definitions:
            due = _next_due(task, timer)
            if due is not None:
                timers.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id, _kind(task), due))
    return timers


def _next_due(task, timer) -> datetime | None:
    value = task._get_internal_data("event_value")
    if value is None or task._get_internal_data("event_fired", False):
        return None
    if isinstance(timer, CycleTimerEventDefinition):
        if value.get("cycles") == 0:
            return None
        return TimerEventDefinition.get_datetime(value["next"])
    moment = TimerEventDefinition.parse_time_or_duration(str(value))
    return moment if isinstance(moment, datetime) else None


def _kind(task) -> str:
    name = type(task.task_spec).__name__
    if "Boundary" in name:
        return "boundary"
    if "Start" in name:
        return "start"
    return "intermediate"


_LONG_AGO = "1970-01-01T00:00:00+00:00"


def fire_start_timers_once(workflow) -> None:
    """Make the waiting timer start events fire on the next refresh, exactly once."""
    for task in list(workflow.event_manager.tasks.values()):
        if _kind(task) != "start":
            continue
        definition = task.task_spec.event_definition
        if isinstance(definition, CycleTimerEventDefinition):
            task._set_internal_data(event_value={"cycles": 1, "next": _LONG_AGO, "duration": 0})
        elif isinstance(definition, TimerEventDefinition):
            task._set_internal_data(event_value=_LONG_AGO)

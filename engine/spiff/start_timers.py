"""When a timer start event is next due, computed from its definition as Camunda Modeler writes it."""
from __future__ import annotations

from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.spiff.timekeeping import engine_time


def first_due(kind: str, expression: str, now: datetime) -> tuple[datetime | None, int, timedelta | None]:
    """(first due moment, cycles (-1 = unbounded, 1 for one-off timers), interval) of a start
    timer deployed at ``now``; a one-off date in the past gives (None, 0, None)."""
    with engine_time(now):
        if kind == "timeDate":
            moment = TimerEventDefinition.get_datetime(expression)
            return (moment, 1, None) if moment > now else (None, 0, None)
        if kind == "timeDuration":
            parsed = TimerEventDefinition.parse_iso_duration(expression)
            return now + TimerEventDefinition.get_timedelta_from_start(parsed, now), 1, None
        cycles, start, interval = TimerEventDefinition.parse_iso_recurring_interval(expression)
    while start < now and interval.total_seconds() > 0 and cycles != 0:
        start += interval
        cycles = cycles - 1 if cycles > 0 else cycles
    return (start, cycles, interval) if cycles != 0 else (None, 0, None)

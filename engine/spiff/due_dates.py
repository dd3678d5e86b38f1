"""Due dates as Camunda Modeler writes them: an ISO 8601 duration or date, or an expression."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition


def is_expression(text: str) -> bool:
    """Whether an attribute holds a ``${...}`` expression rather than a literal."""
    text = text.strip()
    return text.startswith("${") and text.endswith("}")


def parse_due_date(text: str):
    """Parse an ISO duration (``P2D``, ``PT24H``) to its parts (a dict: months and years have no
    fixed length, so they are resolved against a start later) or an ISO date/datetime to an aware
    datetime; raise ValueError with a readable reason otherwise."""
    text = text.strip()
    if text.startswith("P"):
        try:
            return TimerEventDefinition.parse_iso_duration(text)
        except Exception as err:  # SpiffWorkflow raises bare exceptions for bad durations
            raise ValueError(f"not an ISO 8601 duration ({err})") from err
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise ValueError("neither an ISO 8601 duration nor a date") from err
    if len(text) == 10:  # a bare date: due at the end of that day
        moment = datetime.combine(date.fromisoformat(text), time(23, 59, 59))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def due_at(value, now: datetime) -> datetime:
    """The due moment for a parsed due date (a duration counts from ``now``)."""
    if isinstance(value, dict):
        return now + TimerEventDefinition.get_timedelta_from_start(value, now)
    return value


def resolve_due_date(text: str, evaluate, now: datetime) -> datetime:
    """Resolve an attribute (literal or expression) to a due moment; ValueError when it can't."""
    if is_expression(text):
        value = evaluate(text)
        if isinstance(value, (datetime, date)):
            value = value.isoformat()
        text = str(value)
    return due_at(parse_due_date(text), now)

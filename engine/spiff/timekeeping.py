"""SpiffWorkflow's timers ask ``datetime.now()`` directly; this makes them ask our clock.

The timer module's ``datetime`` is replaced by a stand-in that behaves exactly like
``datetime`` except that ``now()`` returns the moment set for the current use case (a context
variable, so threads and workers each keep their own). Outside a use case it is the real time.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

_engine_now: ContextVar[datetime | None] = ContextVar("invoiceflow_engine_now", default=None)


class _DatetimeStandIn(type):
    """Forwards every attribute to ``datetime`` and answers isinstance checks for it."""

    def __getattr__(cls, name):
        return getattr(datetime, name)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, datetime)


class ClockedDatetime(metaclass=_DatetimeStandIn):
    """``datetime`` whose ``now()`` is the engine's clock."""

    @staticmethod
    def now(tz=None) -> datetime:
        """The engine's current moment (real time outside a use case)."""
        moment = _engine_now.get()
        if moment is None:
            return datetime.now(tz)
        return moment.astimezone(tz) if tz is not None else moment


@contextmanager
def engine_time(moment: datetime) -> Iterator[None]:
    """Within this block SpiffWorkflow's timers see ``moment`` as now."""
    token = _engine_now.set(moment)
    try:
        yield
    finally:
        _engine_now.reset(token)


spiff_timer.datetime = ClockedDatetime

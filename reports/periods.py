"""Report periods: whole days in the agency's time zone, as UTC instants [start, end)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from reports.errors import InvalidInput


@dataclass(frozen=True)
class Period:
    """Deals created from the start of ``date_from`` to the end of ``date_to`` (either open)."""

    date_from: date | None
    date_to: date | None
    zone: ZoneInfo

    def __post_init__(self):
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidInput("The period ends before it starts.", {"date_to": ["Before date_from."]})

    @property
    def start(self) -> datetime | None:
        """The first instant of the period (midnight of ``date_from`` there), in UTC."""
        return _midnight(self.date_from, self.zone) if self.date_from else None

    @property
    def end(self) -> datetime | None:
        """The first instant after the period (midnight after ``date_to``), in UTC."""
        return _midnight(self.date_to + timedelta(days=1), self.zone) if self.date_to else None


def month_of(instant: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last day of the month ``instant`` falls in, in ``zone``."""
    first = instant.astimezone(zone).date().replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)

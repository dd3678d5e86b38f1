"""What the reports pages ask the module before the reports: whose deals the viewer sees, and
this month in the agency's time zone (the pages' default period)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from reports import Reports, ReportsSettings, access
from reports.errors import NotAllowed
from reports.periods import month_of
from reports_support import ADMIN, ANALYST, DIRECTOR, EMPLOYEE, INTEGRATOR, MOSCOW, PETROV


def test_whose_deals_each_viewer_sees():
    assert [Reports.scope(viewer) for viewer in (DIRECTOR, ANALYST, ADMIN, PETROV)] == [None, None, None, "petrov"]
    for viewer in (EMPLOYEE, INTEGRATOR):
        with pytest.raises(NotAllowed):
            Reports.scope(viewer)
    assert [access.sees_reports(v) for v in (DIRECTOR, ANALYST, ADMIN, PETROV, EMPLOYEE, INTEGRATOR)] == \
        [True, True, True, True, False, False]


def test_the_month_is_the_agencys():
    # 31 January 21:30 UTC is already 1 February in Moscow, still 31 January in UTC.
    late = datetime(2026, 1, 31, 21, 30, tzinfo=timezone.utc)
    assert month_of(late, MOSCOW) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_of(late, ZoneInfo("UTC")) == (date(2026, 1, 1), date(2026, 1, 31))
    assert month_of(datetime(2028, 2, 10, tzinfo=timezone.utc), MOSCOW) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_of(datetime(2026, 12, 31, 12, tzinfo=timezone.utc), MOSCOW) == (date(2026, 12, 1), date(2026, 12, 31))


def test_the_reports_current_month_follows_their_clock():
    clock = lambda: datetime(2026, 1, 31, 21, 30, tzinfo=timezone.utc)  # noqa: E731
    reports = Reports(sessions=None, settings=ReportsSettings(), clock=clock)
    assert reports.current_month() == (date(2026, 2, 1), date(2026, 2, 28))

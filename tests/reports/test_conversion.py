"""Conversion reports on the hand-made January (tests/reports/reports_support.py), answers worked out by
hand: in January (Moscow) were created D1, D2, D3, D4, D5, D6, D8, D9; of them D1 (won), D3
(created at the target) and D4 (lost after paying) reached prepayment_received."""
from __future__ import annotations

from datetime import date

import pytest

from reports import Reports, ReportsSettings
from reports.errors import InvalidInput, NotAllowed
from reports_support import ADMIN, ANALYST, DIRECTOR, EMPLOYEE, PETROV, SIDOROVA, VOLKOV, load_january

JAN = dict(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))


@pytest.fixture
def january(reports, make_deal):
    load_january(make_deal)
    return reports


def rows(report):
    return [(row.key, row.created, row.converted, row.percent) for row in report.rows]


def total(report):
    return report.total.created, report.total.converted, report.total.percent


def test_overall_conversion(january):
    report = january.conversion(DIRECTOR, **JAN)
    assert total(report) == (8, 3, 37.5)
    assert report.rows == [] and report.target.code == "prepayment_received"


def test_by_channel(january):
    # site: D1 D2 D6 (D1 converts); instagram: D8 D9; vk: D3 D4 (both); phone: D5.
    report = january.conversion(DIRECTOR, **JAN, by="channel")
    assert rows(report) == [("site", 3, 1, 33.33), ("instagram", 2, 0, 0.0), ("vk", 2, 2, 100.0),
                            ("phone", 1, 0, 0.0)]
    assert total(report) == (8, 3, 37.5)


def test_by_manager(january):
    # petrov: D1 D2 D5 D8 (D1); sidorova: D3 D4 D6 D9 (D3 D4).
    report = january.conversion(ANALYST, **JAN, by="manager")
    assert rows(report) == [("petrov", 4, 1, 25.0), ("sidorova", 4, 2, 50.0)]


def test_filters_by_source_and_manager(january):
    assert total(january.conversion(ADMIN, **JAN, source="site")) == (3, 1, 33.33)
    assert total(january.conversion(ADMIN, **JAN, manager="sidorova", by="channel")) == (4, 2, 50.0)
    assert total(january.conversion(ADMIN, **JAN, source="vk", manager="petrov")) == (0, 0, None)


def test_other_targets_follow_the_crm_convention(january):
    # won: D1 only. consultation: D1, D2 (passed it), D3 (created later on the path) and D9
    # (entered it in February: the period is by creation); D4 and D6 were lost without it.
    assert total(january.conversion(ADMIN, **JAN, target="won")) == (8, 1, 12.5)
    assert total(january.conversion(ADMIN, **JAN, target="consultation")) == (8, 4, 50.0)
    with pytest.raises(InvalidInput):
        january.conversion(ADMIN, **JAN, target="lost")


def test_an_empty_period_and_a_manager_without_deals(january):
    assert total(january.conversion(ADMIN, date_from=date(2025, 6, 1), date_to=date(2025, 6, 30))) == (0, 0, None)
    assert rows(january.conversion(ADMIN, date_from=date(2025, 6, 1), date_to=date(2025, 6, 30), by="manager")) == []
    assert total(january.conversion(VOLKOV, **JAN)) == (0, 0, None)


def test_open_periods(january):
    # Everything: D1-D10; converted D1, D3, D4, D7, D10.
    assert total(january.conversion(ADMIN)) == (10, 5, 50.0)
    # From February 1st (Moscow) on: D10 only.
    assert total(january.conversion(ADMIN, date_from=date(2026, 2, 1))) == (1, 1, 100.0)
    # Up to December 31st: D7 only.
    assert total(january.conversion(ADMIN, date_to=date(2025, 12, 31))) == (1, 1, 100.0)


def test_the_time_zone_is_configurable(database, clock, make_deal):
    load_january(make_deal)
    utc = Reports(database.sessions, ReportsSettings(timezone="UTC"), clock=clock.now)
    # January in UTC: D8 (Dec 31, 21:00 UTC) falls out, D10 (Jan 31, 21:00 UTC) comes in.
    assert total(utc.conversion(ADMIN, **JAN)) == (8, 4, 50.0)


def test_managers_see_their_own_deals_only(january):
    assert total(january.conversion(PETROV, **JAN)) == (4, 1, 25.0)
    assert rows(january.conversion(SIDOROVA, **JAN, by="manager")) == [("sidorova", 4, 2, 50.0)]
    assert total(january.conversion(SIDOROVA, **JAN, manager="sidorova")) == (4, 2, 50.0)
    with pytest.raises(NotAllowed):
        january.conversion(PETROV, **JAN, manager="sidorova")
    with pytest.raises(NotAllowed):
        january.conversion(EMPLOYEE, **JAN)


def test_a_reversed_period_is_refused(january):
    with pytest.raises(InvalidInput):
        january.conversion(ADMIN, date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))

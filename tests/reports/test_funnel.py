"""The funnel on the hand-made January (tests/reports/reports_support.py), worked out by hand.

January's deals: D1 D2 D3 D4 D5 D6 D8 D9.
In a stage now: new D5 D8; consultation D9; prepayment_received D3; won D1; lost D2 D4 D6.
Reached: new all 8; consultation D1 D2 D3 D9 (D4, D6 were lost without passing it);
proposal_sent D1 D3 D4 D6; prepayment_received D1 D3 D4; won D1; lost D2 D4 D6.
Time spent, per deal that left the stage:
  new: D1 1 d, D2 6 h, D4 1 d, D6 2 h, D9 10 h 0 min 1 s -> median of five = 36001 s;
  consultation: D1 2 d, D2 3 d -> mean of the two = 2.5 d = 216000 s;
  proposal_sent: D1 1 d, D4 2 d, D6 1 d -> 1 d; prepayment_received: D1 6 d, D4 6 d -> 6 d.
"""
from __future__ import annotations

from datetime import date

import pytest

from reports.errors import NotAllowed
from reports_support import ADMIN, DIRECTOR, EMPLOYEE, PETROV, load_january, msk

JAN = dict(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
DAY = 86400
COLUMNS = ("in_stage", "reached", "from_previous", "from_first", "left", "median_seconds", "bottleneck")


def table(report):
    return {row.stage.code: tuple(getattr(row, name) for name in COLUMNS) for row in report.stages}


@pytest.fixture
def january(reports, make_deal):
    load_january(make_deal)
    return reports


def test_funnel_of_january(january):
    report = january.funnel(DIRECTOR, **JAN)
    assert report.created == 8
    assert [row.stage.code for row in report.stages] == [
        "new", "consultation", "proposal_sent", "prepayment_received", "won", "lost"]
    assert table(report) == {
        "new": (2, 8, None, 100.0, 5, 36001, False),
        "consultation": (1, 4, 50.0, 50.0, 2, 216000, False),
        "proposal_sent": (0, 4, 100.0, 50.0, 3, DAY, False),
        # 3 of 4 go on from the proposal, 1 of 3 from the prepayment: the largest drop.
        "prepayment_received": (1, 3, 75.0, 37.5, 2, 6 * DAY, True),
        "won": (1, 1, 33.33, 12.5, 0, None, False),
        "lost": (3, 3, None, None, 0, None, False),
    }
    assert report.bottleneck.code == "prepayment_received"


def test_funnel_of_one_manager(january):
    # petrov's January: D1 (won), D2 (lost after consultation), D5 and D8 (new).
    # new: D1 left after 1 d, D2 after 6 h -> median (21600 + 86400) / 2 = 54000;
    # consultation: D1 2 d, D2 3 d -> 2.5 d.
    # Rates to the next stage: new 2/4, consultation 1/2, proposal 1/1, prepayment 1/1 -> new.
    report = january.funnel(PETROV, **JAN)
    assert table(report) == {
        "new": (2, 4, None, 100.0, 2, 54000, True),
        "consultation": (0, 2, 50.0, 50.0, 2, 216000, False),
        "proposal_sent": (0, 1, 50.0, 25.0, 1, DAY, False),
        "prepayment_received": (0, 1, 100.0, 25.0, 1, 6 * DAY, False),
        "won": (1, 1, 100.0, 25.0, 0, None, False),
        "lost": (1, 1, None, None, 0, None, False),
    }


def test_funnel_of_one_source(january):
    # vk: D3 (created at prepayment_received), D4 (new -> proposal -> prepayment -> lost).
    # Nobody reached won from the prepayment (0 of 2): that is the bottleneck.
    report = january.funnel(ADMIN, **JAN, source="vk")
    got = table(report)
    assert got["new"] == (0, 2, None, 100.0, 1, DAY, False)
    assert got["consultation"] == (0, 1, 50.0, 50.0, 0, None, False)
    assert got["proposal_sent"] == (0, 2, 200.0, 100.0, 1, 2 * DAY, False)
    assert got["prepayment_received"] == (1, 2, 100.0, 100.0, 1, 6 * DAY, True)
    assert got["won"] == (0, 0, 0.0, 0.0, 0, None, False)


def test_an_empty_period(january):
    report = january.funnel(ADMIN, date_from=date(2025, 6, 1), date_to=date(2025, 6, 30))
    assert report.created == 0 and report.bottleneck is None
    assert all(row[:2] == (0, 0) and row[2:] == (None, None, 0, None, False) for row in table(report).values())


def test_time_in_a_stage_adds_up_every_stay(reports, make_deal):
    # Back and forth: new 2 h, consultation 1 h, new again 3 h, consultation 5 h, proposal now.
    make_deal("R1", [("new", "2026-03-01 10:00"), ("consultation", "2026-03-01 12:00"),
                     ("new", "2026-03-01 13:00"), ("consultation", "2026-03-01 16:00"),
                     ("proposal_sent", "2026-03-01 21:00")])
    got = table(reports.funnel(ADMIN))
    assert got["new"][4:6] == (1, 5 * 3600)
    assert got["consultation"][4:6] == (1, 6 * 3600)
    assert got["proposal_sent"][:2] == (1, 1)


def test_entries_recorded_out_of_order(reports, make_deal):
    # The CRM sends the proposal first, then the consultation that came before it.
    make_deal("R2", [("new", "2026-03-01 10:00"), ("proposal_sent", "2026-03-03 10:00")])
    reports.record_stage("R2", "consultation", msk("2026-03-02 10:00"), ADMIN)
    deal = reports.deal("R2", ADMIN)
    assert deal.stage == "proposal_sent"
    assert [(e.stage, e.left_at) for e in deal.history] == [
        ("new", msk("2026-03-02 10:00")), ("consultation", msk("2026-03-03 10:00")), ("proposal_sent", None)]
    got = table(reports.funnel(ADMIN))
    assert got["new"][4:6] == (1, DAY) and got["consultation"][4:6] == (1, DAY)


def test_only_the_overseeing_groups_and_managers_see_the_funnel(january):
    with pytest.raises(NotAllowed):
        january.funnel(EMPLOYEE, **JAN)


def test_the_readme_example(reports, make_deal):
    """The worked example of README.md's "Deals and conversion reports", as written there."""
    make_deal("A", [("new", "2026-01-05 10:00"), ("consultation", "2026-01-06 10:00"),
                    ("proposal_sent", "2026-01-08 10:00"), ("prepayment_received", "2026-01-09 10:00"),
                    ("won", "2026-01-14 10:00")])
    make_deal("B", [("new", "2026-01-05 10:00"), ("consultation", "2026-01-07 10:00"), ("lost", "2026-01-08 10:00")])
    make_deal("C", [("prepayment_received", "2026-01-06 10:00")])
    make_deal("D", [("new", "2026-01-07 10:00"), ("proposal_sent", "2026-01-10 10:00"), ("lost", "2026-01-14 10:00")])
    make_deal("E", [("new", "2026-01-09 10:00")])
    assert table(reports.funnel(ADMIN, **JAN)) == {
        "new": (1, 5, None, 100.0, 3, 2 * DAY, False),
        "consultation": (0, 3, 60.0, 60.0, 2, 1.5 * DAY, False),
        "proposal_sent": (0, 3, 100.0, 60.0, 2, 2.5 * DAY, False),
        "prepayment_received": (1, 2, 66.67, 40.0, 1, 5 * DAY, True),
        "won": (1, 1, 50.0, 20.0, 0, None, False),
        "lost": (2, 2, None, None, 0, None, False),
    }
    total = reports.conversion(ADMIN, **JAN).total
    assert (total.created, total.converted, total.percent) == (5, 2, 40.0)

"""The reports over REST: JSON and CSV, per role; the automation rules (admins)."""
from __future__ import annotations

import csv
import io

import pytest

from reports.models import metadata

DEALS = [
    # id, source, manager, created (Moscow), later stages
    ("A1", "site", "petrov", "2026-03-02T10:00:00+03:00", [("consultation", "2026-03-03T10:00:00+03:00"),
                                                            ("prepayment_received", "2026-03-05T10:00:00+03:00")]),
    ("A2", "site", "sidorova", "2026-03-03T10:00:00+03:00", [("lost", "2026-03-04T10:00:00+03:00")]),
    ("A3", "Вконтакте", "sidorova", "2026-03-31T23:30:00+03:00", [("consultation", "2026-04-01T11:30:00+03:00")]),
    ("A4", "site", "petrov", "2026-04-01T00:00:00+03:00", [("prepayment_received", "2026-04-02T00:00:00+03:00")]),
]
MARCH = "date_from=2026-03-01&date_to=2026-03-31"


@pytest.fixture(autouse=True)
def no_deals_left_over(engine):
    """Start without deals or saved rules left over by a test that does not empty them."""
    with engine.database.unit_of_work() as session:
        for table in reversed(metadata.sorted_tables):
            session.execute(table.delete())


@pytest.fixture
def deals(call):
    for external_id, source, manager, created, later in DEALS:
        body = {"title": external_id, "stage": "new", "source": source, "manager": manager, "created_at": created}
        assert call("admin", "PUT", f"/api/v1/deals/{external_id}", json=body).status_code == 201
        for stage, at in later:
            assert call("admin", "POST", f"/api/v1/deals/{external_id}/stage", json={"stage": stage, "at": at}).status_code == 201


def test_conversion_by_channel_as_json(call, deals):
    # March (Moscow): A1, A2, A3 (A4 is April 1st); A1 reached the prepayment.
    report = call("director", "GET", f"/api/v1/reports/conversion?{MARCH}&by=channel")
    assert report.status_code == 200, report.json
    assert report.json["total"] == {"key": None, "created": 3, "converted": 1, "conversion_pct": 33.33}
    assert report.json["rows"] == [
        {"key": "site", "created": 2, "converted": 1, "conversion_pct": 50.0},
        {"key": "Вконтакте", "created": 1, "converted": 0, "conversion_pct": 0.0},
    ]
    assert report.json["target"] == {"code": "prepayment_received", "name": "Предоплата получена"}
    assert report.json["period"] == {"date_from": "2026-03-01", "date_to": "2026-03-31", "time_zone": "Europe/Moscow"}


def test_managers_get_their_own_and_others_nothing(call, deals):
    mine = call("petrov", "GET", f"/api/v1/reports/conversion?{MARCH}&by=manager").json
    assert mine["rows"] == [{"key": "petrov", "created": 1, "converted": 1, "conversion_pct": 100.0}]
    assert mine["filters"] == {"source": None, "manager": "petrov"}
    assert call("petrov", "GET", "/api/v1/reports/funnel?manager=sidorova").status_code == 403
    assert call("kuznetsov", "GET", "/api/v1/reports/conversion").status_code == 403
    assert call("buh", "GET", "/api/v1/reports/funnel").status_code == 403
    assert call(None, "GET", "/api/v1/reports/funnel").status_code == 401


def test_the_funnel_as_json(call, deals):
    # March: A1 new 1 d -> consultation 2 d -> prepayment; A2 new 1 d -> lost; A3 new 12 h -> consultation.
    report = call("analyst", "GET", f"/api/v1/reports/funnel?{MARCH}").json
    stages = {s["code"]: s for s in report["stages"]}
    assert report["created"] == 3
    assert [(code, s["in_stage"], s["reached"], s["left"], s["median_seconds"]) for code, s in stages.items()] == [
        ("new", 0, 3, 3, 86400), ("consultation", 1, 2, 1, 172800), ("proposal_sent", 0, 1, 0, None),
        ("prepayment_received", 1, 1, 0, None), ("won", 0, 0, 0, None), ("lost", 1, 1, 0, None)]
    assert stages["consultation"]["from_previous_pct"] == 66.67 and stages["won"]["from_first_pct"] == 0.0
    assert report["bottleneck"] == "prepayment_received" and stages["prepayment_received"]["bottleneck"] is True


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_opens_in_excel_with_cyrillic(call, deals):
    response = call("director", "GET", f"/api/v1/reports/conversion?{MARCH}&by=channel&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="conversion-2026-03-01-2026-03-31.csv"' in response.headers["Content-Disposition"]
    assert read_csv(response) == [
        ["Канал продаж", "Создано сделок", "Дошли до стадии «Предоплата получена»", "Конверсия, %"],
        ["site", "2", "1", "50,00"], ["Вконтакте", "1", "0", "0,00"], ["Итого", "3", "1", "33,33"]]
    funnel = read_csv(call("director", "GET", f"/api/v1/reports/funnel?{MARCH}&format=csv"))
    assert funnel[0][0] == "Стадия" and funnel[1][:3] == ["Новая заявка", "0", "3"]
    assert funnel[1][5] == "24,00"  # the median, in hours


@pytest.mark.parametrize("query", ["by=everything", "date_from=2026-02-30", "format=xlsx", "target=paid",
                                   "date_from=2026-03-02&date_to=2026-03-01"])
def test_bad_queries_are_422(call, deals, query):
    response = call("director", "GET", f"/api/v1/reports/conversion?{query}")
    assert response.status_code == 422 and response.json["code"] == 422


def test_automation_rules_are_for_admins(call):
    shipped = call("admin", "GET", "/api/v1/automation-rules")
    assert shipped.status_code == 200 and shipped.json["origin"] == "default"
    [rule] = shipped.json["rules"]
    assert (rule["stage"], rule["process_key"], rule["start_as"]) == ("prepayment_received", "party_preparation", "${manager}")
    assert call("director", "GET", "/api/v1/automation-rules").status_code == 403
    assert call("analyst", "PUT", "/api/v1/automation-rules", json={"rules": []}).status_code == 403
    bad = call("admin", "PUT", "/api/v1/automation-rules", json={"rules": [{**rule, "stage": "paid"}]})
    assert bad.status_code == 422 and "rules.0.stage" in bad.json["errors"]
    saved = call("admin", "PUT", "/api/v1/automation-rules", json={"rules": [{**rule, "enabled": False}]})
    assert saved.status_code == 200 and saved.json["origin"] == "saved" and saved.json["updated_by"] == "admin"
    assert call("admin", "GET", "/api/v1/automation-rules").json["rules"][0]["enabled"] is False

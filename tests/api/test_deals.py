"""Deals over REST: create or update, stage entries, read and list, per role; automation through
the API; every failure in the contract's error shape."""
from __future__ import annotations

import pytest

from reports.models import metadata
from support import ROOT

CREATED = "2026-01-10T10:00:00+03:00"
BODY = {"title": "Праздник «Пираты»", "stage": "new", "source": "instagram", "manager": "petrov",
        "created_at": CREATED, "amount": "15000.00"}


@pytest.fixture(autouse=True)
def crm(engine, people, tokens):
    """An integration account in group `integrators`, with a token."""
    _empty_reports(engine)
    engine.create_user("crm", full_name="CRM", groups=("integrators",))
    tokens["crm"] = engine.issue_token("crm")


def test_put_creates_then_updates_idempotently(call):
    created = call("crm", "PUT", "/api/v1/deals/B-1", json=BODY)
    assert created.status_code == 201, created.json
    assert created.json["stage_name"] == "Новая заявка" and created.json["amount"] == "15000.00"
    assert created.json["created_at"] == "2026-01-10T07:00:00+00:00"
    same = call("crm", "PUT", "/api/v1/deals/B-1", json=BODY)
    assert same.status_code == 200 and same.json["updated_at"] == created.json["updated_at"]
    moved = call("admin", "PUT", "/api/v1/deals/B-1", json={**BODY, "stage": "consultation"})
    assert moved.status_code == 200 and moved.json["stage"] == "consultation"
    detail = call("director", "GET", "/api/v1/deals/B-1").json
    assert [entry["stage"] for entry in detail["history"]] == ["new", "consultation"]
    assert detail["history"][0]["left_at"] == detail["history"][1]["entered_at"]


@pytest.mark.parametrize("change, field", [
    ({"stage": "paid"}, "stage"),
    ({"created_at": "2026-01-10T10:00:00"}, "created_at"),
    ({"amount": "много"}, "amount"),
    ({"amount": "1.005"}, "amount"),
    ({"currency": "rub"}, "currency"),
    ({"manager": ""}, "manager"),
    ({"closed_at": "2026-01-09T10:00:00+03:00"}, "closed_at"),
    ({"colour": "red"}, "colour"),
])
def test_put_refuses_invalid_deals_field_by_field(call, change, field):
    response = call("crm", "PUT", "/api/v1/deals/B-1", json={**BODY, **change})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"] and response.json["code"] == 422


def test_only_admins_and_integrators_push_deals(call):
    assert call("petrov", "PUT", "/api/v1/deals/B-1", json=BODY).status_code == 403
    assert call("director", "PUT", "/api/v1/deals/B-1", json=BODY).status_code == 403
    assert call(None, "PUT", "/api/v1/deals/B-1", json=BODY).status_code == 401
    assert call("crm", "PUT", "/api/v1/deals/B-1", data="x", content_type="text/plain").status_code == 415


def test_stage_entries_are_recorded_once(call):
    call("crm", "PUT", "/api/v1/deals/B-1", json=BODY)
    entry = {"stage": "proposal_sent", "at": "2026-01-12T12:00:00+03:00"}
    first = call("crm", "POST", "/api/v1/deals/B-1/stage", json=entry)
    assert first.status_code == 201 and first.json["recorded"] is True
    assert first.json["deal"]["stage"] == "proposal_sent" and first.json["automation"] == []
    again = call("crm", "POST", "/api/v1/deals/B-1/stage", json=entry)
    assert again.status_code == 200 and again.json["recorded"] is False
    assert len(call("admin", "GET", "/api/v1/deals/B-1").json["history"]) == 2
    assert call("crm", "POST", "/api/v1/deals/NOPE/stage", json=entry).status_code == 404
    early = call("crm", "POST", "/api/v1/deals/B-1/stage", json={"stage": "lost", "at": "2026-01-01T00:00:00+03:00"})
    assert early.status_code == 422 and "at" in early.json["errors"]
    unknown = call("crm", "POST", "/api/v1/deals/B-1/stage", json={"stage": "paid"})
    assert unknown.status_code == 422 and "stage" in unknown.json["errors"]


def test_lists_and_reads_per_role(call):
    call("crm", "PUT", "/api/v1/deals/B-1", json=BODY)
    call("crm", "PUT", "/api/v1/deals/B-2", json={**BODY, "manager": "sidorova", "created_at": "2026-02-01T00:00:00+03:00"})
    everything = call("director", "GET", "/api/v1/deals")
    assert everything.status_code == 200 and [d["external_id"] for d in everything.json] == ["B-2", "B-1"]
    assert '"total": 2' in everything.headers["X-Pagination"]
    assert [d["external_id"] for d in call("analyst", "GET", "/api/v1/deals?date_to=2026-01-31").json] == ["B-1"]
    assert [d["external_id"] for d in call("petrov", "GET", "/api/v1/deals").json] == ["B-1"]
    assert call("petrov", "GET", "/api/v1/deals?manager=sidorova").status_code == 403
    assert call("petrov", "GET", "/api/v1/deals/B-2").status_code == 404
    assert call("kuznetsov", "GET", "/api/v1/deals").status_code == 403
    assert call("buh", "GET", "/api/v1/deals/B-1").status_code == 403
    assert call("director", "GET", "/api/v1/deals?date_from=2026-02-30").status_code == 422


def test_automation_over_rest(call, engine):
    engine.deploy_file(ROOT / "bpmn" / "party_preparation.bpmn", "analyst")
    call("crm", "PUT", "/api/v1/deals/B-1", json=BODY)
    moved = call("crm", "POST", "/api/v1/deals/B-1/stage", json={"stage": "prepayment_received"})
    [run] = moved.json["automation"]
    assert run["error"] is None and run["instance_id"]
    tasks = call("petrov", "GET", "/api/v1/tasks?scope=mine").json
    assert [(t["instance_id"], t["form_key"]) for t in tasks] == [(run["instance_id"], "confirm_party_program")]
    runs = call("admin", "GET", "/api/v1/automation-rules/runs")
    assert runs.status_code == 200 and [r["id"] for r in runs.json] == [run["id"]]
    assert call("admin", "POST", f"/api/v1/automation-rules/runs/{run['id']}/retry").status_code == 409
    assert call("admin", "POST", "/api/v1/automation-rules/runs/999/retry").status_code == 404


def _empty_reports(engine) -> None:
    """Start without deals left over by a test that does not empty the reports tables."""
    with engine.database.unit_of_work() as session:
        for table in reversed(metadata.sorted_tables):
            session.execute(table.delete())

"""Webhooks: registration by admins, signed deliveries to a local receiver, retries with
backoff on the engine's clock, dead letters visible over the API."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from engine.delivery import backoff
from helpers import act
from outbox_support import SECRET, deliveries, delivery_settings, free_port


@pytest.fixture(autouse=True)
def courier(engine):
    """Webhooks only (no SMTP), four attempts before a delivery is dead."""
    engine.configure_delivery(delivery_settings(max_attempts=4))


def register(call, url, event_types=("*",), user="admin"):
    return call(user, "POST", "/api/v1/webhooks",
                json={"url": url, "event_types": list(event_types), "secret": SECRET})


def test_admin_registers_lists_and_deletes(call):
    created = register(call, "https://erp.example.org/hooks?x=1", ["task.assigned"])
    assert created.status_code == 201, created.json
    hook = created.json
    assert hook["secret"] == SECRET and hook["created_by"] == "admin"
    assert created.headers["Location"] == f"/api/v1/webhooks/{hook['id']}"
    listed = call("admin", "GET", "/api/v1/webhooks")
    assert [h["id"] for h in listed.json] == [hook["id"]] and "secret" not in listed.json[0]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    assert "secret" not in call("admin", "GET", f"/api/v1/webhooks/{hook['id']}").json
    assert call("admin", "DELETE", f"/api/v1/webhooks/{hook['id']}").status_code == 204
    assert call("admin", "GET", f"/api/v1/webhooks/{hook['id']}").status_code == 404
    assert call("admin", "DELETE", f"/api/v1/webhooks/{hook['id']}").status_code == 404
    assert call("admin", "GET", "/api/v1/webhooks").json == []


def test_generated_secret_when_none_given(call):
    answer = call("admin", "POST", "/api/v1/webhooks", json={"url": "http://h.example/x", "event_types": ["*"]})
    assert answer.status_code == 201 and len(answer.json["secret"]) >= 32


@pytest.mark.parametrize("user, method, path", [
    ("petrov", "POST", "/api/v1/webhooks"), ("director", "GET", "/api/v1/webhooks"),
    ("buh", "DELETE", "/api/v1/webhooks/x"), ("analyst", "GET", "/api/v1/webhooks/x/deliveries"),
])
def test_only_admins(call, user, method, path):
    body = {"url": "http://h.example/x", "event_types": ["*"]} if method == "POST" else None
    assert call(user, method, path, json=body).status_code == 403


@pytest.mark.parametrize("body, field", [
    ({"url": "ftp://h.example/x", "event_types": ["*"]}, "url"),
    ({"url": "http:///nohost", "event_types": ["*"]}, "url"),
    ({"url": "http://h.example/" + "x" * 500, "event_types": ["*"]}, "url"),
    ({"url": "http://h.example/x", "event_types": ["task.exploded"]}, "event_types"),
    ({"url": "http://h.example/x", "event_types": []}, "event_types"),
    ({"url": "http://h.example/x", "event_types": ["*"], "secret": "short"}, "secret"),
])
def test_invalid_webhooks_are_refused(call, body, field):
    answer = call("admin", "POST", "/api/v1/webhooks", json=body)
    assert answer.status_code == 422 and field in answer.json["errors"], answer.json


def test_signed_delivery_retried_after_500s_then_sent(engine, call, receiver, start_invoice):
    target = receiver(statuses=[500, 500])
    hook = register(call, target.url).json
    start_invoice()
    hits = []
    for seconds in [0, 0, 29, 1, 59, 1, 3600]:  # the clock moves between worker rounds
        engine.clock.advance(seconds=seconds)
        engine.deliver_due(100)
        hits.append(len(target.hits))
    assert hits == [1, 1, 1, 2, 2, 3, 3]  # not before 30 s, then not before 60 s more
    assert all(hit["signed"] for hit in target.hits)

    [row] = deliveries(engine, "webhook")
    assert (row.state, row.attempts, row.last_status, row.last_error) == ("sent", 3, 200, None)
    listed = call("admin", "GET", f"/api/v1/webhooks/{hook['id']}/deliveries").json
    assert [(d["state"], d["attempts"], d["last_status"], d["event_type"]) for d in listed] == [
        ("sent", 3, 200, "task.assigned")]


def test_every_attempt_is_signed_and_carries_the_event_id(engine, call, receiver, start_invoice):
    target = receiver(statuses=[500])
    register(call, target.url)
    start_invoice()
    engine.deliver_due(100)
    engine.clock.advance(seconds=30)
    engine.deliver_due(100)
    first, second = target.hits
    assert first["signed"] and second["signed"] and first["body"] == second["body"]
    body = json.loads(first["body"])
    assert set(body) == {"event_id", "event_type", "created_at", "data"}
    assert body["event_type"] == "task.assigned" and body["data"]["business_key"] == "СЧ-2026-001"
    assert first["headers"]["X-Invoiceflow-Event-Id"] == body["event_id"]
    assert first["headers"]["X-Invoiceflow-Event"] == "task.assigned"
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["path"] == "/hooks"


def test_always_failing_receiver_is_dead_after_the_limit(engine, call, receiver, start_invoice):
    target = receiver(default=500)
    hook = register(call, target.url).json
    start_invoice()
    for attempt in range(1, 5):
        engine.deliver_due(100)
        engine.clock.advance(seconds=backoff(attempt).total_seconds())
    engine.clock.advance(hours=5)
    engine.deliver_due(100)
    assert len(target.hits) == 4
    [dead] = call("admin", "GET", f"/api/v1/webhooks/{hook['id']}/deliveries").json
    assert (dead["state"], dead["attempts"], dead["last_status"]) == ("dead", 4, 500)
    assert dead["last_error"].startswith("HTTP 500")


def test_unreachable_receiver_is_a_failure_without_status(engine, call, start_invoice):
    register(call, f"http://127.0.0.1:{free_port()}/hooks")
    start_invoice()
    engine.deliver_due(100)
    [row] = deliveries(engine, "webhook")
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, None)
    assert "Connection" in row.last_error
    assert row.next_attempt_at == engine.clock.now() + timedelta(seconds=30)


def test_only_subscribed_event_types_are_delivered(engine, call, receiver, start_invoice):
    target = receiver()
    register(call, target.url, ["instance.status_changed"])
    instance = start_invoice()  # task.assigned: not subscribed
    act(engine, "petrov", instance.id, "approve_invoice", decision="reject", comment="Не наш счет")
    engine.deliver_due(100)
    [hit] = target.hits
    body = json.loads(hit["body"])
    assert body["event_type"] == "instance.status_changed"
    assert (body["data"]["status"], body["data"]["previous_status"]) == ("rejected", "in_approval")


def test_deleting_a_webhook_gives_up_its_pending_deliveries(engine, call, receiver, start_invoice):
    target = receiver(default=500)
    hook = register(call, target.url).json
    start_invoice()
    engine.deliver_due(100)
    call("admin", "DELETE", f"/api/v1/webhooks/{hook['id']}")
    engine.clock.advance(hours=1)
    assert engine.deliver_due(100) == 0
    assert len(target.hits) == 1
    [row] = deliveries(engine, "webhook")
    assert (row.state, row.last_error) == ("dead", "the webhook was deleted")


def test_backoff_doubles_from_30_seconds_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff(1000) == timedelta(hours=1)

"""In-app notifications and channel preferences over the REST API."""
from __future__ import annotations

import json

from helpers import act
from outbox_support import deliveries


def test_list_newest_first_unread_filter_and_mark_read(engine, call, start_invoice):
    instance = start_invoice(approvers=["petrov"])
    engine.clock.advance(minutes=5)
    act(engine, "petrov", instance.id, "approve_invoice", decision="revise", comment="Нужна печать")
    engine.clock.advance(minutes=5)
    new_document = engine.upload(b"%PDF-1.4 v2", "v2.pdf", "ivanova")["id"]
    act(engine, "ivanova", instance.id, "revise_invoice", document=new_document)

    listed = call("ivanova", "GET", "/api/v1/notifications")
    assert listed.status_code == 200
    assert json.loads(listed.headers["X-Pagination"])["total"] == 3
    assert [(n["event_type"], n["title"]) for n in listed.json] == [
        ("instance.status_changed", "Счет СЧ-2026-001: на согласовании"),
        ("instance.status_changed", "Счет СЧ-2026-001: на доработке"),
        ("task.assigned", "Счет СЧ-2026-001: новая задача «Доработать счет»"),
    ]
    newest, middle, oldest = listed.json
    assert newest["created_at"] > middle["created_at"] == oldest["created_at"]
    assert not any(n["read"] or n["read_at"] for n in listed.json)
    assert newest["data"]["instance_id"] == instance.id

    read = call("ivanova", "POST", f"/api/v1/notifications/{middle['id']}/read")
    assert read.status_code == 200 and read.json["read"] is True and read.json["read_at"]
    engine.clock.advance(minutes=1)
    again = call("ivanova", "POST", f"/api/v1/notifications/{middle['id']}/read")
    assert again.json["read_at"] == read.json["read_at"]  # the first reading stands
    unread = call("ivanova", "GET", "/api/v1/notifications?unread=true")
    assert [n["id"] for n in unread.json] == [newest["id"], oldest["id"]]
    assert json.loads(unread.headers["X-Pagination"])["total"] == 2
    page = call("ivanova", "GET", "/api/v1/notifications?page=2&page_size=2").json
    assert [n["id"] for n in page] == [oldest["id"]]


def test_titles_in_the_readers_language(engine, call, start_invoice):
    from helpers import approve

    instance = start_invoice()
    approve(engine, "petrov", instance.id)
    [note] = call("sidorova", "GET", "/api/v1/notifications").json
    assert note["title"] == "Invoice СЧ-2026-001: new task “Согласовать счет (менеджер)”"


def test_someone_elses_notification_is_not_found(call, start_invoice):
    start_invoice()
    [petrovs] = call("petrov", "GET", "/api/v1/notifications").json
    for path in (f"/api/v1/notifications/{petrovs['id']}/read", "/api/v1/notifications/99999999999/read",
                 "/api/v1/notifications/abc/read"):
        answer = call("ivanova", "POST", path)
        assert answer.status_code == 404 and answer.json["code"] == 404
    assert call("petrov", "GET", "/api/v1/notifications?unread=true").json[0]["read"] is False


def test_notifications_need_a_token(call):
    assert call(None, "GET", "/api/v1/notifications").status_code == 401


def test_channels_are_respected(engine, call, start_invoice):
    assert call("petrov", "GET", "/api/v1/me/channels").json == {"channels": ["in_app", "email"]}
    answer = call("petrov", "PUT", "/api/v1/me/channels", json={"channels": ["in_app"]})
    assert answer.status_code == 200 and answer.json == {"channels": ["in_app"]}
    call("director", "PUT", "/api/v1/me/channels", json={"channels": []})

    instance = start_invoice(approvers=["petrov"])
    assert deliveries(engine, "email", "petrov") == []
    assert len(call("petrov", "GET", "/api/v1/notifications").json) == 1
    act(engine, "petrov", instance.id, "approve_invoice", decision="approve")  # director's group task
    assert call("director", "GET", "/api/v1/notifications").json == []
    assert deliveries(engine, "email", "director") == []
    assert [d.recipient for d in deliveries(engine, "email")] == []  # ivanova got no status mail yet


def test_email_only_user_gets_mail_but_no_in_app_rows(engine, call, start_invoice):
    call("petrov", "PUT", "/api/v1/me/channels", json={"channels": ["email"]})
    start_invoice()
    assert [d.recipient for d in deliveries(engine, "email")] == ["petrov"]
    assert call("petrov", "GET", "/api/v1/notifications").json == []


def test_unknown_channels_are_refused(call):
    for body in ({"channels": ["sms"]}, {"channels": "email"}, {}, {"channels": ["email"], "x": 1}):
        answer = call("petrov", "PUT", "/api/v1/me/channels", json=body)
        assert answer.status_code == 422, (body, answer.json)
        assert answer.json["errors"]
    assert call("petrov", "GET", "/api/v1/me/channels").json == {"channels": ["in_app", "email"]}

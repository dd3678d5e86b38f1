"""One invoice through the REST API (test client), start to close, with a revision."""
from __future__ import annotations

import io

import pytest

from support import PDF

pytestmark = pytest.mark.usefixtures("deployed")


def upload(call, user, content=PDF, name="invoice.pdf"):
    response = call(user, "POST", "/api/v1/attachments",
                    data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json["id"]


def my_task(call, user, instance_id):
    response = call(user, "GET", "/api/v1/tasks?scope=all")
    assert response.status_code == 200
    tasks = [t for t in response.json if t["instance_id"] == instance_id]
    assert len(tasks) == 1, tasks
    return tasks[0]


def complete(call, user, instance_id, **data):
    task = my_task(call, user, instance_id)
    response = call(user, "POST", f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    assert response.status_code == 200, response.json
    return response.json["instance"]


def test_invoice_start_to_close(call):
    document = upload(call, "ivanova")
    response = call("ivanova", "POST", "/api/v1/process-instances", json={
        "definition_key": "invoice_approval",
        "data": {"invoice_number": "СЧ-7", "invoice_date": "2026-01-10", "client_name": "Соколова",
                 "party_theme": "Пираты", "amount": "15000.00", "approvers": ["petrov", "sidorova"],
                 "document": document}})
    assert response.status_code == 201, response.json
    instance = response.json
    assert response.headers["Location"] == f"/api/v1/process-instances/{instance['id']}"
    assert instance["status"] == "in_approval" and instance["status_label"] == "На согласовании"

    complete(call, "petrov", instance["id"], decision="approve")
    state = complete(call, "sidorova", instance["id"], decision="revise", comment="Печать")
    assert state["status"] == "in_revision"
    task = my_task(call, "ivanova", instance["id"])
    detail = call("ivanova", "GET", f"/api/v1/tasks/{task['id']}").json
    assert detail["form"]["key"] == "revise_invoice"
    assert detail["decisions"][-1]["comment"] == "Печать"
    complete(call, "ivanova", instance["id"], document=upload(call, "ivanova", PDF + b"%v2"))
    complete(call, "sidorova", instance["id"], decision="approve")
    state = complete(call, "director", instance["id"], decision="approve")
    assert state["status_label"] == "Счет утвержден"
    complete(call, "buh", instance["id"], decision="confirm")
    complete(call, "ivanova", instance["id"], handed_over=["invoice_original", "waybill", "acceptance_act"])
    state = complete(call, "buh", instance["id"], received=["invoice_original", "waybill", "acceptance_act"])
    assert (state["status"], state["status_label"]) == ("closed", "Счет закрыт")
    detail = call("buh", "GET", f"/api/v1/process-instances/{instance['id']}").json
    assert [d["field"] for d in detail["documents"]] == ["document", "document"]
    content = call("petrov", "GET", f"/api/v1/attachments/{detail['documents'][1]['attachment_id']}")
    assert content.status_code == 200 and content.data.endswith(b"%v2")
    assert call("kuznetsov", "GET", f"/api/v1/attachments/{document}").status_code == 404

    history = call("ivanova", "GET", f"/api/v1/process-instances/{instance['id']}/history").json
    assert history[0]["event"] == "instance_started"


def test_errors_have_one_shape(call):
    bad = call("ivanova", "POST", "/api/v1/process-instances", data="{not json",
               content_type="application/json")
    assert bad.status_code == 400 and set(bad.json) >= {"code", "status", "message"}
    wrong_type = call("ivanova", "POST", "/api/v1/process-instances", data="a=b",
                      content_type="application/x-www-form-urlencoded")
    assert wrong_type.status_code == 415
    unknown = call("ivanova", "POST", "/api/v1/process-instances",
                   json={"definition_key": "invoice_approval", "data": {}, "bogus": 1})
    assert unknown.status_code == 422 and "bogus" in unknown.json["errors"]
    invalid = call("ivanova", "POST", "/api/v1/process-instances",
                   json={"definition_key": "invoice_approval", "data": {"amount": "-1"}})
    assert invalid.status_code == 422 and "amount" in invalid.json["errors"]
    assert call(None, "GET", "/api/v1/tasks").status_code == 401
    too_big = call("ivanova", "POST", "/api/v1/attachments",
                   data={"file": (io.BytesIO(PDF + b"0" * (2 * 1024 * 1024)), "big.pdf")},
                   content_type="multipart/form-data")
    assert too_big.status_code == 413 and too_big.json["code"] == 413
    not_pdf = call("ivanova", "POST", "/api/v1/attachments",
                   data={"file": (io.BytesIO(b"MZ\x90\x00 exe"), "invoice.pdf")},
                   content_type="multipart/form-data")
    assert not_pdf.status_code == 415
    missing = call("ivanova", "GET", "/api/v1/process-instances/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.json["status"] == "Not Found"

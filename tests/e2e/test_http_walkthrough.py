"""One invoice, start to close, over real HTTP against ``invoiceflow serve`` (gunicorn, 3 workers):
two managers, a revision with a new document version, the director, payment, originals in two
rounds."""
from __future__ import annotations

import re
import uuid

from support import PDF

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


class Client:
    """Calls the server as the demo users; every answer must carry an X-Request-Id."""

    def __init__(self, server):
        self.server = server

    def __call__(self, user, method, path, expect=200, **kwargs):
        sent = (kwargs.get("headers") or {}).get("X-Request-Id")
        response = self.server.call(user, method, path, **kwargs)
        request_id = response.headers.get("X-Request-Id", "")
        assert request_id == sent if sent else REQUEST_ID.match(request_id), response.headers
        assert response.status_code == expect, (response.status_code, response.text)
        return response

    def upload(self, user, content, name):
        response = self(user, "POST", "/attachments", expect=201,
                        files={"file": (name, content, "application/pdf")})
        body = response.json()
        assert (body["filename"], body["content_type"], body["size"]) == (name, "application/pdf", len(content))
        return body["id"]

    def task_of(self, user, instance_id):
        """The one open task of the instance in the user's task list (assigned or by group)."""
        tasks = [t for t in self(user, "GET", "/tasks?scope=all").json() if t["instance_id"] == instance_id]
        assert len(tasks) == 1, tasks
        return tasks[0]

    def complete(self, user, instance_id, **data):
        """The user completes the instance's open task; returns the instance after the step."""
        task = self.task_of(user, instance_id)
        body = self(user, "POST", f"/tasks/{task['id']}/complete", json={"data": data}).json()
        assert body["task"]["id"] == task["id"] and body["task"]["state"] == "completed"
        return body["instance"]


def test_one_invoice_start_to_close_over_http(server):
    call = Client(server)
    number = f"СЧ-E2E-{uuid.uuid4().hex[:8]}"
    first = call.upload("ivanova", PDF, "invoice.pdf")
    started = call("ivanova", "POST", "/process-instances", expect=201, json={
        "definition_key": "invoice_approval",
        "data": {"invoice_number": number, "invoice_date": "2026-01-10",
                 "client_name": "Мария Соколова", "party_theme": "Пираты", "amount": "15000.00",
                 "approvers": ["petrov", "sidorova"], "document": first}})
    instance = started.json()
    iid = instance["id"]
    assert started.headers["Location"] == f"/api/v1/process-instances/{iid}"
    assert (instance["status"], instance["business_key"], instance["initiator"]) == ("in_approval", number, "ivanova")
    assert [t["assignee"] for t in instance["open_tasks"]] == ["petrov"]

    # A request id sent by the client is echoed back.
    mine = call("ivanova", "GET", f"/process-instances/{iid}", headers={"X-Request-Id": "e2e-walkthrough-1"})
    assert mine.headers["X-Request-Id"] == "e2e-walkthrough-1"

    state = call.complete("petrov", iid, decision="approve")
    assert (state["status"], state["open_tasks"][0]["assignee"]) == ("in_approval", "sidorova")
    state = call.complete("sidorova", iid, decision="revise", comment="Нужна печать")
    assert (state["status"], state["open_tasks"][0]["assignee"]) == ("in_revision", "ivanova")

    second = call.upload("ivanova", PDF + b"% version 2\n", "invoice-v2.pdf")
    state = call.complete("ivanova", iid, document=second, comment="Исправлено")
    assert (state["status"], state["open_tasks"][0]["assignee"]) == ("in_approval", "sidorova")
    state = call.complete("sidorova", iid, decision="approve")
    assert state["open_tasks"][0]["candidate_groups"] == ["director"]
    state = call.complete("director", iid, decision="approve")
    assert (state["status"], state["status_label"]) == ("approved", "Счет утвержден")
    state = call.complete("buh", iid, decision="confirm", payment_reference="ПП-42")
    assert state["status"] == "paid"

    state = call.complete("ivanova", iid, handed_over=["invoice_original", "waybill"])
    assert state["status"] == "paid" and state["open_tasks"][0]["form_key"] == "receive_originals"
    state = call.complete("buh", iid, received=["invoice_original", "waybill"])
    assert state["status"] == "paid"  # one original missing: back to the initiator
    assert [(t["form_key"], t["assignee"]) for t in state["open_tasks"]] == [("hand_in_originals", "ivanova")]
    call.complete("ivanova", iid, handed_over=["acceptance_act"])
    state = call.complete("buh", iid, received=["acceptance_act"])
    assert (state["status"], state["status_label"], state["state"]) == ("closed", "Счет закрыт", "completed")
    assert state["open_tasks"] == [] and state["ended_at"]

    detail = call("buh", "GET", f"/process-instances/{iid}").json()
    assert detail["status"] == "closed"
    assert [(d["attachment_id"], d["field"], d["actor"]) for d in detail["documents"]] == [
        (first, "document", "ivanova"), (second, "document", "ivanova")]
    assert detail["data"]["document"] == second
    content = call("petrov", "GET", f"/attachments/{second}")
    assert content.content == PDF + b"% version 2\n"

    history = call("ivanova", "GET", f"/process-instances/{iid}/history").json()
    events = [entry["event"] for entry in history]
    assert events[0] == "instance_started" and events[-1] == "instance_completed"
    assert events.count("task_completed") == 10
    call(None, "GET", "/tasks", expect=401)  # even a 401 carries a request id

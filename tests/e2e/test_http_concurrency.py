"""Races over real HTTP against the multi-worker server (gunicorn, 3 processes): the database,
not a lock in one process, must decide who wins."""
from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from support import PDF

SERVER_ERRORS = range(500, 600)


def race(count, request):
    """Run ``request(i)`` in ``count`` threads released at the same moment; the responses."""
    barrier = threading.Barrier(count, timeout=30)

    def run(i):
        barrier.wait()
        return request(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def upload(server, user="ivanova"):
    response = server.call(user, "POST", "/attachments", files={"file": ("invoice.pdf", PDF, "application/pdf")})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def invoice(server, number, approvers=("petrov",)):
    return {"definition_key": "invoice_approval",
            "data": {"invoice_number": number, "invoice_date": "2026-01-10", "client_name": "Соколова",
                     "party_theme": "Пираты", "amount": "15000.00", "approvers": list(approvers),
                     "document": upload(server)}}


def test_two_decisions_on_one_task_at_once_one_wins(server):
    for round_ in range(3):  # a few rounds: the requests should overlap in the database at least once
        started = server.call("ivanova", "POST", "/process-instances",
                              json=invoice(server, f"СЧ-RACE-{uuid.uuid4().hex[:8]}"))
        assert started.status_code == 201, started.text
        iid = started.json()["id"]
        task_id = started.json()["open_tasks"][0]["id"]
        decisions = [{"decision": "approve"}, {"decision": "revise", "comment": f"Печать, раунд {round_}"}]

        responses = race(2, lambda i: server.call("petrov", "POST", f"/tasks/{task_id}/complete",
                                                   json={"data": decisions[i]}))
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 409).json()
        assert loser["code"] == 409 and loser["status"] == "Conflict"
        winner = next(i for i, r in enumerate(responses) if r.status_code == 200)

        history = server.call("ivanova", "GET", f"/process-instances/{iid}/history").json()
        completed = [e for e in history if e["event"] == "task_completed" and e["task_id"] == task_id]
        assert len(completed) == 1, history
        assert completed[0]["actor"] == "petrov" and completed[0]["data"]["data"]["decision"] == decisions[winner]["decision"]
        instance = server.call("ivanova", "GET", f"/process-instances/{iid}").json()
        assert instance["status"] == ("in_approval" if winner == 0 else "in_revision")
        assert len(instance["open_tasks"]) == 1 and instance["open_tasks"][0]["id"] != task_id


def test_one_idempotency_key_from_eight_threads_starts_one_instance(server):
    number = f"СЧ-IDEM-{uuid.uuid4().hex[:8]}"
    body = invoice(server, number)
    key = f"e2e-{uuid.uuid4()}"

    def mine():
        """ivanova's own instances (newest first) and how many there are."""
        response = server.call("ivanova", "GET", "/process-instances?mine=true&page_size=100")
        assert response.status_code == 200
        return response.json(), json.loads(response.headers["X-Pagination"])["total"]

    _, before = mine()
    responses = race(8, lambda i: server.call("ivanova", "POST", "/process-instances", json=body,
                                               headers={"Idempotency-Key": key}))
    statuses = [r.status_code for r in responses]
    assert not any(s in SERVER_ERRORS for s in statuses), [r.text for r in responses]
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1, created
    (instance_id,) = created
    for conflict in (r for r in responses if r.status_code == 409):
        assert conflict.json()["code"] == 409

    listing, total = mine()
    assert total == before + 1
    assert [i["id"] for i in listing if i["business_key"] == number] == [instance_id]

    retry = server.call("ivanova", "POST", "/process-instances", json=body, headers={"Idempotency-Key": key})
    assert retry.status_code == 201 and retry.headers.get("Idempotent-Replayed") == "true"
    assert retry.json()["id"] == instance_id
    assert retry.headers["Location"] == f"/api/v1/process-instances/{instance_id}"

    other = {**body, "data": {**body["data"], "amount": "16000.00"}}
    refused = server.call("ivanova", "POST", "/process-instances", json=other, headers={"Idempotency-Key": key})
    assert refused.status_code == 422, refused.text
    assert "Idempotency-Key" in refused.json()["errors"]
    assert mine()[1] == before + 1

"""Who may do what over REST: every endpoint walked with every role, one fresh world per row.

The world: the invoice diagram deployed, and one invoice started by ivanova with approvers
[petrov, sidorova], so the first approval task is assigned to petrov. By the contract (API.md)
and engine/access.py:

* an instance is seen by its participants (the initiator and whoever was assigned a task of it)
  and by the overseeing groups (accountants, director, admins); to anyone else it does not exist
  (404, ids cannot be probed). sidorova is not a participant yet: her turn has not come;
* a task is acted on by its assignee, or by a member of a candidate group (403 for other people
  who see it); claiming is for group tasks, unclaiming for the claimer (409 otherwise);
* the initiator and admins cancel (403 for other viewers), 409 once the instance is not running;
* only analysts and admins deploy; anyone signed in uploads, starts an invoice and lists.

Group-task rows use a second invoice that has reached the accountants (confirm_payment).

Each row is one test (per backend) that walks every role, on a fresh world per row; the world is
built again after any call that succeeded in changing it (a 2xx POST), so every role meets the
state the row describes. A denied call must change nothing: a later role would notice.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import pytest
from sqlalchemy import select

from engine.models import User
from support import FIXTURES, INVOICE_BPMN, PDF

ANON = "anonymous"
ROLES = (ANON, "ivanova", "petrov", "sidorova", "kuznetsov", "director", "buh", "analyst", "admin")
# Who sees the invoice in approval: initiator, assigned approver, overseeing groups.
VIEWERS = {"ivanova", "petrov", "director", "buh", "admin"}
HIDDEN = {"sidorova", "kuznetsov", "analyst"}
# Who sees the invoice at the accountants: everyone who was assigned a task of it as well.
GROUP_TASK_VIEWERS = VIEWERS | {"sidorova"}
assert VIEWERS | HIDDEN == set(ROLES) - {ANON}


def upload(call, user, content=PDF, name="invoice.pdf") -> str:
    response = call(user, "POST", "/api/v1/attachments", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(content), name)})
    assert response.status_code == 201, response.json
    return response.json["id"]


def invoice(document, approvers=("petrov", "sidorova"), number="СЧ-1") -> dict:
    return {"definition_key": "invoice_approval", "data": {
        "invoice_number": number, "invoice_date": "2026-01-14", "client_name": "Соколова",
        "party_theme": "Пираты", "amount": "15000.00", "approvers": list(approvers),
        "document": document}}


class World:
    """One invoice in approval (built eagerly) and the others a row may need (built on demand)."""

    def __init__(self, call):
        self.call = call
        self.document = upload(call, "ivanova")
        started = call("ivanova", "POST", "/api/v1/process-instances", json=invoice(self.document))
        assert started.status_code == 201, started.json
        self.instance = started.json["id"]
        (task,) = started.json["open_tasks"]
        assert task["assignee"] == "petrov"
        self.task = task["id"]

    def _open_task(self, instance_id) -> dict:
        response = self.call("admin", "GET", f"/api/v1/process-instances/{instance_id}")
        (task,) = response.json["open_tasks"]
        return task

    @cached_property
    def group_instance(self) -> str:
        """A second invoice by ivanova, approved by petrov, sidorova and the director."""
        document = upload(self.call, "ivanova", PDF + b"%2")
        started = self.call("ivanova", "POST", "/api/v1/process-instances",
                            json=invoice(document, number="СЧ-2"))
        instance = started.json["id"]
        for actor in ("petrov", "sidorova", "director"):
            task = self._open_task(instance)
            done = self.call(actor, "POST", f"/api/v1/tasks/{task['id']}/complete",
                             json={"data": {"decision": "approve"}})
            assert done.status_code == 200, done.json
        return instance

    @cached_property
    def group_task(self) -> str:
        """The accountants' open confirm_payment task (nobody has claimed it)."""
        task = self._open_task(self.group_instance)
        assert (task["form_key"], task["assignee"], task["candidate_groups"]) == (
            "confirm_payment", None, ["accountants"])
        return task["id"]

    def claimed_group_task(self, by: str) -> str:
        task = self.group_task
        response = self.call(by, "POST", f"/api/v1/tasks/{task}/claim")
        assert response.status_code == 200 and response.json["claimed_by"] == by, response.json
        return task

    @cached_property
    def claimed_by_buh(self) -> str:
        return self.claimed_group_task("buh")

    @cached_property
    def claimed_by_buh2(self) -> str:
        return self.claimed_group_task("buh2")

    @cached_property
    def cancelled_instance(self) -> str:
        """The invoice, cancelled by its initiator (its petrov task withdrawn)."""
        response = self.call("ivanova", "POST", f"/api/v1/process-instances/{self.instance}/cancel",
                             json={"reason": "ошибка"})
        assert response.status_code == 200 and response.json["state"] == "cancelled", response.json
        return self.instance

    @cached_property
    def withdrawn_task(self) -> str:
        """petrov's task of the cancelled invoice."""
        return self.task if self.cancelled_instance else ""

    @cached_property
    def unlinked_document(self) -> str:
        """A PDF kuznetsov uploaded and never used in an invoice."""
        return upload(self.call, "kuznetsov", PDF + b"%k")


@dataclass(frozen=True)
class Row:
    """One endpoint: how to call it in a world, and the status each role gets."""

    name: str
    method: str
    path: str  # formatted with the World: "{w.instance}"
    expected: dict[str, int]
    body: Callable[[World, str], dict] = field(default=lambda w, user: {})
    check: Callable[[World, str, object], None] | None = None


def statuses(default: int | None = None, anonymous: int = 401, **by_role: int) -> dict[str, int]:
    """Every role's status: as named in ``by_role``, else ``default``."""
    result = {ANON: anonymous}
    for role in ROLES[1:]:
        result[role] = by_role.get(role, default)
    missing = [role for role, status in result.items() if status is None]
    assert not missing, f"no status for {missing}"
    return result


def by_groups(*pairs: tuple[set[str], int], anonymous: int = 401) -> dict[str, int]:
    """Statuses from (roles, status) pairs, which must cover every role exactly once."""
    result = {ANON: anonymous}
    for roles, status in pairs:
        for role in roles:
            assert role not in result, f"{role} twice"
            result[role] = status
    assert set(result) == set(ROLES), f"uncovered: {set(ROLES) - set(result)}"
    return result


def multipart(content: bytes, name: str):
    return lambda w, user: {"content_type": "multipart/form-data",
                            "data": {"file": (io.BytesIO(content), name)}}


def own_invoice(w: World, user: str) -> dict:
    """An invoice started by ``user`` with a document of their own (approver: volkov)."""
    document = upload(w.call, user) if user != ANON else w.document
    return {"json": invoice(document, approvers=["volkov"], number=f"СЧ-{user}")}


def approve(w, user):
    return {"json": {"data": {"decision": "approve"}}}


def confirm(w, user):
    return {"json": {"data": {"decision": "confirm"}}}


def sees_instance(w: World, user: str, response) -> None:
    ids = [item["id"] for item in response.json]
    assert (w.instance in ids) == (user in VIEWERS), (user, ids)


def lists_tasks(w: World, user: str, response) -> None:
    ids = [item["id"] for item in response.json]
    assert (w.task in ids) == (user == "petrov"), (user, ids)  # scope=all: assigned to me or my groups'


def is_me(w: World, user: str, response) -> None:
    assert response.json["username"] == user, response.json


def existing_version(w: World, user: str, response) -> None:
    assert response.status_code == 200 and response.json["version"] == 1, response.json


def new_version(w: World, user: str, response) -> None:
    assert response.status_code == 201 and response.json["version"] > 1, response.json


def new_bpmn(w: World, user: str) -> dict:
    """The invoice diagram with a comment added: new content, a new version, for every caller."""
    content = INVOICE_BPMN.read_bytes() + f"\n<!-- deployed by {user} -->\n".encode()
    return multipart(content, "invoice_approval.bpmn")(w, user)


ALL_200 = statuses(200)
DEPLOYERS = {"analyst", "admin"}
OTHERS = set(ROLES[1:]) - DEPLOYERS

ROWS = [
    Row("me", "GET", "/api/v1/me", ALL_200, check=is_me),
    Row("definitions", "GET", "/api/v1/process-definitions", ALL_200),
    Row("versions", "GET", "/api/v1/process-definitions/invoice_approval/versions", ALL_200),
    Row("bpmn", "GET", "/api/v1/process-definitions/invoice_approval/bpmn", ALL_200),
    Row("bpmn-unknown-version", "GET", "/api/v1/process-definitions/invoice_approval/bpmn?version=99",
        statuses(404)),
    Row("deploy-identical", "POST", "/api/v1/process-definitions",
        by_groups((DEPLOYERS, 200), (OTHERS, 403)),
        body=multipart(INVOICE_BPMN.read_bytes(), "invoice_approval.bpmn"),
        check=existing_version),
    Row("deploy-new-version", "POST", "/api/v1/process-definitions",
        by_groups((DEPLOYERS, 201), (OTHERS, 403)),
        body=new_bpmn, check=new_version),
    Row("upload", "POST", "/api/v1/attachments", statuses(201), body=multipart(PDF, "invoice.pdf")),
    Row("download", "GET", "/api/v1/attachments/{w.document}",
        by_groups((VIEWERS, 200), (HIDDEN, 404))),
    Row("download-unlinked", "GET", "/api/v1/attachments/{w.unlinked_document}",
        statuses(404, kuznetsov=200)),
    Row("start", "POST", "/api/v1/process-instances", statuses(201), body=own_invoice),
    Row("start-with-someone-elses-document", "POST", "/api/v1/process-instances",
        statuses(422, ivanova=201),
        body=lambda w, user: {"json": invoice(w.document, approvers=["volkov"])}),
    Row("instances", "GET", "/api/v1/process-instances?page_size=100", ALL_200, check=sees_instance),
    Row("instance", "GET", "/api/v1/process-instances/{w.instance}",
        by_groups((VIEWERS, 200), (HIDDEN, 404))),
    Row("history", "GET", "/api/v1/process-instances/{w.instance}/history",
        by_groups((VIEWERS, 200), (HIDDEN, 404))),
    Row("instance-unknown", "GET", "/api/v1/process-instances/00000000-0000-0000-0000-000000000000",
        statuses(404)),
    Row("cancel", "POST", "/api/v1/process-instances/{w.instance}/cancel",
        by_groups(({"ivanova", "admin"}, 200), ({"petrov", "director", "buh"}, 403), (HIDDEN, 404)),
        body=lambda w, user: {"json": {"reason": "дубликат"}}),
    Row("cancel-cancelled", "POST", "/api/v1/process-instances/{w.cancelled_instance}/cancel",
        by_groups(({"ivanova", "admin"}, 409), ({"petrov", "director", "buh"}, 403), (HIDDEN, 404)),
        body=lambda w, user: {"json": {"reason": "ещё раз"}}),
    Row("tasks", "GET", "/api/v1/tasks?scope=all", ALL_200, check=lists_tasks),
    Row("task", "GET", "/api/v1/tasks/{w.task}", by_groups((VIEWERS, 200), (HIDDEN, 404))),
    Row("task-unknown", "GET", "/api/v1/tasks/00000000-0000-0000-0000-000000000000", statuses(404)),
    Row("complete", "POST", "/api/v1/tasks/{w.task}/complete",
        by_groups(({"petrov"}, 200), (VIEWERS - {"petrov"}, 403), (HIDDEN, 404)), body=approve),
    Row("complete-withdrawn", "POST", "/api/v1/tasks/{w.withdrawn_task}/complete",
        by_groups(({"petrov"}, 409), (VIEWERS - {"petrov"}, 403), (HIDDEN, 404)), body=approve),
    # Claiming a task assigned to you changes nothing (200); unclaiming what nobody holds is 409
    # for whoever may act on the task, 403 for those who only see it.
    Row("claim-assigned", "POST", "/api/v1/tasks/{w.task}/claim",
        by_groups(({"petrov"}, 200), (VIEWERS - {"petrov"}, 403), (HIDDEN, 404))),
    Row("unclaim-unclaimed", "POST", "/api/v1/tasks/{w.task}/unclaim",
        by_groups(({"petrov"}, 409), (VIEWERS - {"petrov"}, 403), (HIDDEN, 404))),
    Row("group-task", "GET", "/api/v1/tasks/{w.group_task}",
        by_groups((GROUP_TASK_VIEWERS, 200), ({"kuznetsov", "analyst"}, 404))),
    Row("claim-group-task", "POST", "/api/v1/tasks/{w.group_task}/claim",
        by_groups(({"buh"}, 200), (GROUP_TASK_VIEWERS - {"buh"}, 403), ({"kuznetsov", "analyst"}, 404))),
    Row("claim-claimed-by-buh2", "POST", "/api/v1/tasks/{w.claimed_by_buh2}/claim",
        by_groups(({"buh"}, 409), (GROUP_TASK_VIEWERS - {"buh"}, 403), ({"kuznetsov", "analyst"}, 404))),
    Row("claim-own-claim", "POST", "/api/v1/tasks/{w.claimed_by_buh}/claim",
        by_groups(({"buh"}, 200), (GROUP_TASK_VIEWERS - {"buh"}, 403), ({"kuznetsov", "analyst"}, 404))),
    Row("unclaim-claimed-by-buh", "POST", "/api/v1/tasks/{w.claimed_by_buh}/unclaim",
        by_groups(({"buh"}, 200), (GROUP_TASK_VIEWERS - {"buh"}, 403), ({"kuznetsov", "analyst"}, 404))),
    Row("complete-group-task", "POST", "/api/v1/tasks/{w.group_task}/complete",
        by_groups(({"buh"}, 200), (GROUP_TASK_VIEWERS - {"buh"}, 403), ({"kuznetsov", "analyst"}, 404)),
        body=confirm),
    Row("complete-claimed-by-buh2", "POST", "/api/v1/tasks/{w.claimed_by_buh2}/complete",
        by_groups(({"buh"}, 409), (GROUP_TASK_VIEWERS - {"buh"}, 403), ({"kuznetsov", "analyst"}, 404)),
        body=confirm),
]


@pytest.fixture
def world(call, deployed) -> World:
    """The invoice in approval, on the deployed diagram (a fresh database per test)."""
    return World(call)


@pytest.mark.parametrize("row", [pytest.param(row, id=row.name) for row in ROWS])
def test_permission_table(world, call, row):
    wrong = []
    for role in ROLES:
        user = None if role == ANON else role
        path = row.path.format(w=world)  # builds what the row needs before the call
        response = call(user, row.method, path, **row.body(world, role))
        expected, status = row.expected[role], response.status_code
        if status != expected:
            wrong.append(f"{role}: {status} (expected {expected}) {response.get_data(as_text=True)[:200]}")
        elif status >= 400:
            body = response.json
            if not (body["code"] == status and body["status"] and body["message"]):
                wrong.append(f"{role}: error body {body}")
        elif row.check is not None:
            try:
                row.check(world, role, response)
            except AssertionError as err:
                wrong.append(f"{role}: {err}")
        if row.method == "POST" and status < 300:
            world = World(call)  # the call changed the world: the next role gets a new one
    assert not wrong, f"{row.method} {row.path}:\n" + "\n".join(wrong)


# The contract's routes (API.md), path parameters by position only.
CONTRACT = {
    ("GET", "/me"), ("GET", "/process-definitions"), ("POST", "/process-definitions"),
    ("GET", "/process-definitions/{}/versions"), ("GET", "/process-definitions/{}/bpmn"),
    ("POST", "/attachments"), ("GET", "/attachments/{}"),
    ("POST", "/process-instances"), ("GET", "/process-instances"), ("GET", "/process-instances/{}"),
    ("GET", "/process-instances/{}/history"), ("POST", "/process-instances/{}/cancel"),
    ("GET", "/tasks"), ("GET", "/tasks/{}"), ("POST", "/tasks/{}/claim"),
    ("POST", "/tasks/{}/unclaim"), ("POST", "/tasks/{}/complete"),
}


def test_the_table_walks_every_route_of_the_contract():
    walked = set()
    for row in ROWS:
        path = row.path.split("?")[0][len("/api/v1"):]
        path = re.sub(r"\{w\.[a-z_0-9]+\}|/[0-9a-f]{8}-[0-9a-f-]{27}", "{}", path)
        walked.add((row.method, path.replace("/invoice_approval/", "/{}/")))
    assert CONTRACT - walked == set(), f"no rows for {sorted(CONTRACT - walked)}"


def test_visibility_grows_with_the_process(world, call):
    """sidorova sees the invoice once her turn comes; after that, for good."""
    path = f"/api/v1/process-instances/{world.instance}"
    assert call("sidorova", "GET", path).status_code == 404
    assert call("sidorova", "GET", f"/api/v1/attachments/{world.document}").status_code == 404
    done = call("petrov", "POST", f"/api/v1/tasks/{world.task}/complete", json={"data": {"decision": "approve"}})
    assert done.status_code == 200
    assert call("sidorova", "GET", path).status_code == 200
    assert call("sidorova", "GET", f"/api/v1/attachments/{world.document}").status_code == 200
    listed = call("sidorova", "GET", "/api/v1/process-instances").json
    assert world.instance in [item["id"] for item in listed]
    # petrov, whose task is done, keeps seeing it; kuznetsov still does not.
    assert call("petrov", "GET", path).status_code == 200
    assert call("petrov", "GET", f"/api/v1/tasks/{world.task}").status_code == 200
    assert call("kuznetsov", "GET", path).status_code == 404
    assert call("kuznetsov", "GET", f"/api/v1/tasks/{world.task}").status_code == 404


def test_a_group_task_worker_becomes_a_participant(call, engine, deployed):
    """A lawyer of the legal-review version (candidate group ``lawyers``, not an overseeing
    group) acts on the task; from claiming it on they see the invoice, its document and its
    place in their list (before the fix: listed once done, yet 404 on it and on its document)."""
    engine.deploy_file(FIXTURES / "invoice_approval_legal_review.bpmn", "analyst")
    document = upload(call, "ivanova")
    instance = call("ivanova", "POST", "/api/v1/process-instances",
                    json=invoice(document, approvers=["petrov"])).json["id"]
    for actor in ("petrov", "director"):
        (task,) = call("admin", "GET", f"/api/v1/process-instances/{instance}").json["open_tasks"]
        assert call(actor, "POST", f"/api/v1/tasks/{task['id']}/complete",
                    json={"data": {"decision": "approve"}}).status_code == 200
    (task,) = call("admin", "GET", f"/api/v1/process-instances/{instance}").json["open_tasks"]
    assert task["candidate_groups"] == ["lawyers"]

    def seen_by_lawyer():
        listed = [item["id"] for item in call("lawyer", "GET", "/api/v1/process-instances").json]
        return (call("lawyer", "GET", f"/api/v1/tasks/{task['id']}").status_code,
                call("lawyer", "GET", f"/api/v1/process-instances/{instance}").status_code,
                call("lawyer", "GET", f"/api/v1/attachments/{document}").status_code,
                instance in listed)

    # A member of the candidate group reads the task, the invoice and its document before
    # taking it: they must be able to judge what they are asked to decide.
    assert seen_by_lawyer() == (200, 200, 200, True)
    assert call("lawyer", "POST", f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    assert seen_by_lawyer() == (200, 200, 200, True)
    done = call("lawyer", "POST", f"/api/v1/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}})
    assert done.status_code == 200, done.json
    assert seen_by_lawyer() == (200, 200, 200, True)
    # Every lawyer was asked (the group was a candidate); someone outside the group was not.
    engine.create_user("lawyer2", groups=("employees", "lawyers"))
    other = {"Authorization": f"Bearer {engine.issue_token('lawyer2')}"}
    assert call(None, "GET", f"/api/v1/process-instances/{instance}", headers=other).status_code == 200
    assert call("kuznetsov", "GET", f"/api/v1/process-instances/{instance}").status_code == 404


def test_group_tasks_are_listed_for_the_group(world, call):
    task = world.group_task
    for user, listed in (("buh", True), ("buh2", True), ("director", False), ("petrov", False)):
        ids = [item["id"] for item in call(user, "GET", "/api/v1/tasks?scope=group").json]
        assert (task in ids) == listed, (user, ids)
    call("buh", "POST", f"/api/v1/tasks/{task}/claim")
    assert task in [item["id"] for item in call("buh", "GET", "/api/v1/tasks?scope=mine").json]
    assert task not in [item["id"] for item in call("buh2", "GET", "/api/v1/tasks?scope=mine").json]


BAD_AUTHORIZATION = [None, "", "Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=", "Bearer not-a-token",
                     "Token {token}", "Bearer {token}x", "Bearer  {token} trailing"]


def test_missing_or_bad_tokens_are_401(call, tokens):
    for header in BAD_AUTHORIZATION:
        headers = {} if header is None else {"Authorization": header.format(token=tokens["admin"])}
        response = call(None, "GET", "/api/v1/me", headers=headers)
        assert response.status_code == 401, header
        assert response.json["code"] == 401 and response.json["status"] == "Unauthorized", header
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), header
    # The same token, well formed, is accepted (the scheme's case does not matter).
    for scheme in ("Bearer", "bearer"):
        headers = {"Authorization": f"{scheme} {tokens['admin']}"}
        assert call(None, "GET", "/api/v1/me", headers=headers).status_code == 200


def test_a_revoked_token_is_401(world, call, engine, tokens):
    assert call("petrov", "GET", "/api/v1/me").status_code == 200
    assert engine.revoke_tokens("petrov") >= 1
    for method, path in (("GET", "/api/v1/me"), ("GET", f"/api/v1/process-instances/{world.instance}"),
                         ("POST", f"/api/v1/tasks/{world.task}/complete")):
        response = call("petrov", method, path, json={"data": {"decision": "approve"}} if method == "POST" else None)
        assert response.status_code == 401, (method, path, response.json)
    # A new token works; the others' tokens were never affected.
    fresh = engine.issue_token("petrov")
    assert call(None, "GET", "/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    assert call("ivanova", "GET", "/api/v1/me").status_code == 200


def _set_active(engine, username: str, active: bool) -> None:
    with engine.database.unit_of_work() as session:
        session.scalars(select(User).where(User.username == username)).unique().one().active = active


def test_an_inactive_users_token_is_401(world, call, engine):
    _set_active(engine, "petrov", False)
    assert call("petrov", "GET", "/api/v1/me").status_code == 401
    complete = call("petrov", "POST", f"/api/v1/tasks/{world.task}/complete", json={"data": {"decision": "approve"}})
    assert complete.status_code == 401
    _set_active(engine, "petrov", True)
    assert call("petrov", "GET", "/api/v1/me").status_code == 200

"""Property-based fuzzing of the whole REST API from its own OpenAPI document (schemathesis, in
process over WSGI): no request, however odd, may end in a server error, and every error answers
in the contract's single shape ``{code, status, message, errors?}`` with ``code`` == HTTP status.

SQLite only (the point is the web layer and the engine's input handling, not the backend), and
bounded by a number of requests, shared out over the operations the document lists: positive
cases as each of a few roles, negative ones (data that breaks the schema) as two of them.
Deterministic by default (the same cases every run). For a longer, exploring run by hand:
``INVOICEFLOW_FUZZ_EXAMPLES=200 INVOICEFLOW_FUZZ_RANDOM=1 pytest --timeout 0 tests/api/test_schemathesis.py``.
"""
from __future__ import annotations

import io
import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from api import create_app
from engine import Engine
from engine.clock import FrozenClock
from engine.db import Database
from engine.models import STANDARD_GROUPS, Base
from engine.settings import Settings
from reports.models import metadata as reports_metadata
from support import INVOICE_BPMN, PDF, PEOPLE

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# (role, generation mode) every operation is fuzzed with.
RUNS = [(role, POSITIVE) for role in ("ivanova", "petrov", "buh", "admin")] + [
    ("ivanova", NEGATIVE), ("admin", NEGATIVE)]
REQUESTS = 2400  # in all (under a minute on an idle machine); at least MIN_EXAMPLES per operation and run
MIN_EXAMPLES = 6
EXAMPLES = os.environ.get("INVOICEFLOW_FUZZ_EXAMPLES")  # per operation and run, overrides the above
RANDOM = bool(os.environ.get("INVOICEFLOW_FUZZ_RANDOM"))


def _empty(db: Database) -> None:
    """Leave the shared SQLite database as the other tests expect it: empty (the reports tables
    too: the fuzzer creates deals)."""
    with db.unit_of_work() as session:
        for table in [*reversed(reports_metadata.sorted_tables), *reversed(Base.metadata.sorted_tables)]:
            if table.name == "groups":
                session.execute(table.delete().where(table.c.name.not_in(STANDARD_GROUPS)))
            else:
                session.execute(table.delete())


@pytest.fixture
def world(sqlite_url, tmp_path):
    """The app on SQLite with people, tokens, the invoice diagram and one invoice in approval."""
    db = Database(sqlite_url)
    engine = Engine(db, FrozenClock(), data_dir=tmp_path / "data")
    for username, groups in PEOPLE.items():
        engine.create_user(username, full_name=username.title(), groups=groups)
    tokens = {username: engine.issue_token(username) for username in PEOPLE}
    engine.deploy_file(INVOICE_BPMN, "analyst")
    app = create_app(Settings(data_dir=tmp_path / "data", max_upload_bytes=1024 * 1024), engine=engine)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {tokens['ivanova']}"}
    document = client.post("/api/v1/attachments", headers=auth, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PDF), "invoice.pdf")}).json["id"]
    started = client.post("/api/v1/process-instances", headers=auth, json={
        "definition_key": "invoice_approval",
        "data": {"invoice_number": "СЧ-1", "invoice_date": "2026-01-14", "client_name": "Соколова",
                 "party_theme": "Пираты", "amount": "15000.00", "approvers": ["petrov", "sidorova"],
                 "document": document}})
    assert started.status_code == 201, started.json
    instance = started.json
    known = {
        "key": "invoice_approval",
        "instance_id": instance["id"],
        "task_id": instance["open_tasks"][0]["id"],
        "attachment_id": document,
    }
    yield app, tokens, known
    _empty(db)
    db.dispose()


def _problems(response) -> list[str]:
    """What is wrong with one response, by the contract (empty when it is fine)."""
    status = response.status_code
    if status >= 500:
        return [f"server error {status}: {response.text[:500]}"]
    if status < 400:
        return []
    try:
        body = json.loads(response.text)
    except ValueError:
        return [f"error {status} is not JSON: {response.text[:200]!r}"]
    if not isinstance(body, dict):
        return [f"error {status} is not an object: {body!r}"]
    problems = []
    if not {"code", "status", "message"} <= set(body):
        problems.append(f"error {status} lacks code/status/message: {body}")
    if set(body) - {"code", "status", "message", "errors"}:
        problems.append(f"error {status} has extra keys: {sorted(set(body) - {'code', 'status', 'message', 'errors'})}")
    if body.get("code") != status:
        problems.append(f"error {status} says code {body.get('code')!r}")
    if not isinstance(body.get("message"), str) or not body.get("message"):
        problems.append(f"error {status} has no message: {body}")
    if "errors" in body and not isinstance(body["errors"], dict):
        problems.append(f"error {status}: 'errors' is not an object: {body['errors']!r}")
    content_type = (response.headers.get("content-type") or [""])[0]  # lowercase keys, lists
    if not content_type.startswith("application/json"):
        problems.append(f"error {status} served as {content_type!r}")
    return problems


def test_no_server_errors_and_one_error_shape(world):
    app, tokens, known = world
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17, [op.label for op in operations]
    examples = int(EXAMPLES) if EXAMPLES else max(MIN_EXAMPLES, REQUESTS // (len(operations) * len(RUNS)))

    failures: dict[tuple[str, str, int], str] = {}
    statuses: dict[str, set[int]] = {op.label: set() for op in operations}

    for operation in operations:
        # Half of the time a path parameter names something that exists, so the fuzzed bodies
        # reach the use cases instead of stopping at 404.
        choices = {p.name: st.sampled_from([None, *[v for k, v in known.items() if k == p.name]])
                   for p in operation.path_parameters}
        for role, mode in RUNS:
            headers = {"Authorization": f"Bearer {tokens[role]}"}

            @settings(max_examples=examples, deadline=None, database=None, derandomize=not RANDOM,
                      suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            @given(case=operation.as_strategy(generation_mode=mode), ids=st.fixed_dictionaries(choices))
            def check(case, ids):
                for name, value in ids.items():
                    if value is not None:
                        case.path_parameters[name] = value
                response = case.call(headers=headers)
                statuses[operation.label].add(response.status_code)
                for problem in _problems(response):
                    key = (operation.label, f"{role}/{mode.value}", response.status_code)
                    failures.setdefault(key, f"{problem}\n    reproduce: {case.as_curl_command(headers=headers)}")

            check()
    assert not failures, "\n".join(f"{label} as {run} -> {status}: {detail}"
                                   for (label, run, status), detail in sorted(failures.items()))
    # Every operation was reached past authentication.
    unreached = sorted(label for label, seen in statuses.items() if not seen - {401})
    assert not unreached, f"only ever 401: {unreached}"


# What the fuzzer found, pinned on both backends (the fuzzing itself runs on SQLite only).
@pytest.mark.usefixtures("deployed")
def test_fuzz_findings_stay_fixed(call):
    # A binary file deployed as BPMN: 400 naming the problem, not a 500 from decoding it.
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    response = call("admin", "POST", "/api/v1/process-definitions", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(png), "file.png")})
    assert response.status_code == 400 and "UTF-8" in response.json["message"], response.json
    # Page numbers whose row offset does not fit the database's integers: 422, not a 500.
    for path in ("/api/v1/process-instances", "/api/v1/tasks"):
        last = call("ivanova", "GET", f"{path}?page={2**31 - 1}&page_size=100")
        assert last.status_code == 200 and last.json == [], last.json
        for page in (2**31, 10**30):
            beyond = call("ivanova", "GET", f"{path}?page={page}")
            assert beyond.status_code == 422 and "page" in beyond.json["errors"], beyond.json


NUL_PROBES = [
    ("GET", "/api/v1/process-definitions/a%00b/versions", {}),
    ("GET", "/api/v1/process-definitions/a%00b/bpmn", {}),
    ("GET", "/api/v1/attachments/a%00b", {}),
    ("GET", "/api/v1/process-instances/a%00b", {}),
    ("GET", "/api/v1/process-instances/a%00b/history", {}),
    ("POST", "/api/v1/process-instances/a%00b/cancel", {"json": {}}),
    ("GET", "/api/v1/tasks/a%00b", {}),
    ("POST", "/api/v1/tasks/a%00b/claim", {}),
    ("POST", "/api/v1/tasks/a%00b/unclaim", {}),
    ("POST", "/api/v1/tasks/a%00b/complete", {"json": {"data": {}}}),
    ("GET", "/api/v1/process-instances?status=a%00b&definition_key=c%00d", {}),
    ("POST", "/api/v1/process-instances", {"json": {"definition_key": "a\x00b", "data": {}}}),
    ("POST", "/api/v1/process-instances/{instance}/cancel", {"json": {"reason": "a\x00b"}}),
    ("POST", "/api/v1/tasks/{task}/complete", {"json": {"data": {"decision": "reject", "comment": "a\x00b"}}}),
    ("POST", "/api/v1/attachments", {"content_type": "multipart/form-data",
                                     "data": {"file": (PDF, "a\x00b.pdf")}}),
    ("POST", "/api/v1/process-instances", {"json": {"definition_key": "invoice_approval", "data": {
        "invoice_number": "a\x00b", "invoice_date": "2026-01-14", "client_name": "c\x00",
        "party_theme": "\x00", "amount": "1.00", "approvers": ["petrov\x00"], "document": "\x00"}}}),
]


@pytest.mark.usefixtures("deployed")
def test_nul_characters_are_refused_with_400(call, engine, upload):
    """PostgreSQL cannot store NUL in text (each of these ended in a 500 there); no field allows
    one, so the API refuses it with 400 on both backends, wherever it comes."""
    started = engine.start("invoice_approval", {
        "invoice_number": "СЧ-1", "invoice_date": "2026-01-14", "client_name": "С", "party_theme": "П",
        "amount": "1.00", "approvers": ["petrov"], "document": upload("ivanova")}, "ivanova")
    wrong = {}
    for method, path, kwargs in NUL_PROBES:
        path = path.format(instance=started.id, task=started.open_tasks[0].id)
        if "data" in kwargs and "file" in kwargs["data"]:  # a fresh stream per call
            content, name = kwargs["data"]["file"]
            kwargs = {**kwargs, "data": {"file": (io.BytesIO(content), name)}}
        response = call("petrov" if "complete" in path else "ivanova", method, path, **kwargs)
        if response.status_code != 400 or "NUL" not in response.json["message"]:
            wrong[f"{method} {path} {kwargs}"] = (response.status_code, response.json)
    assert not wrong, wrong
    # Nothing changed: the task is still open, the instance running.
    instance = call("ivanova", "GET", f"/api/v1/process-instances/{started.id}").json
    assert instance["state"] == "running" and len(instance["open_tasks"]) == 1

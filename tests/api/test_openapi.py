"""The OpenAPI document and the browsable docs: a valid OpenAPI 3.0 document that names every
route of the contract, documents 401 and the single error shape everywhere, declares the bearer
scheme; and /api/docs works offline (no CDN)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator, validate

from api import create_app
from engine import Engine
from engine.clock import FrozenClock
from engine.db import Database
from engine.settings import Settings

# The contract's routes (API.md), relative to /api/v1; path parameters by position only.
CONTRACT = {
    ("GET", "/me"),
    ("GET", "/process-definitions"),
    ("POST", "/process-definitions"),
    ("GET", "/process-definitions/{}/versions"),
    ("GET", "/process-definitions/{}/bpmn"),
    ("POST", "/attachments"),
    ("GET", "/attachments/{}"),
    ("POST", "/process-instances"),
    ("GET", "/process-instances"),
    ("GET", "/process-instances/{}"),
    ("GET", "/process-instances/{}/history"),
    ("POST", "/process-instances/{}/cancel"),
    ("GET", "/tasks"),
    ("GET", "/tasks/{}"),
    ("POST", "/tasks/{}/claim"),
    ("POST", "/tasks/{}/unclaim"),
    ("POST", "/tasks/{}/complete"),
}
# Query parameters the contract names per route.
CONTRACT_QUERY = {
    ("GET", "/process-definitions/{}/bpmn"): {"version"},
    ("GET", "/process-instances"): {"status", "definition_key", "mine", "page", "page_size"},
    ("GET", "/tasks"): {"scope", "state", "page", "page_size"},
}
# Request bodies: multipart uploads with a `file` field, JSON elsewhere.
MULTIPART = {("POST", "/process-definitions"), ("POST", "/attachments")}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def client(tmp_path_factory, sqlite_url):
    """The app (its document does not depend on the backend, so SQLite only)."""
    data = tmp_path_factory.mktemp("openapi-data")
    database = Database(sqlite_url)
    engine = Engine(database, FrozenClock(), data_dir=data)
    yield create_app(Settings(data_dir=data), engine=engine).test_client()
    database.dispose()


@pytest.fixture(scope="module")
def spec(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


def _route(path: str) -> str:
    assert path.startswith("/api/v1/"), path
    return re.sub(r"\{[^}]+\}", "{}", path[len("/api/v1"):])


def _operations(spec: dict):
    """(METHOD, contract route, path, operation, path-level parameters) of every /api/v1 operation."""
    for path, item in spec["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), _route(path), path, operation, item.get("parameters", [])


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        assert node["$ref"].startswith("#/"), node["$ref"]
        target = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def test_document_is_valid_openapi_3_0(spec):
    assert spec["openapi"].startswith("3.0.")
    validate(spec, cls=OpenAPIV30SpecValidator)  # raises with the first error
    assert spec["info"]["title"] == "invoiceflow"


def test_every_contract_route_is_documented_with_its_methods(spec):
    documented = {(method, route) for method, route, *_ in _operations(spec)}
    assert CONTRACT <= documented, f"missing from the document: {sorted(CONTRACT - documented)}"


def test_query_parameters_and_bodies_follow_the_contract(spec):
    for method, route, path, operation, shared in _operations(spec):
        parameters = [_resolve(spec, p) for p in [*shared, *operation.get("parameters", [])]]
        query = {p["name"] for p in parameters if p["in"] == "query"}
        assert CONTRACT_QUERY.get((method, route), set()) <= query, (method, path, query)
        path_names = {p["name"] for p in parameters if p["in"] == "path"}
        assert path_names == set(re.findall(r"\{([^}]+)\}", path)), (method, path, path_names)
        body = operation.get("requestBody")
        if (method, route) in MULTIPART:
            schema = _resolve(spec, body["content"]["multipart/form-data"]["schema"])
            assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
            assert "file" in schema.get("required", [])
        elif body is not None:
            assert set(body["content"]) == {"application/json"}, (method, path)


def test_every_operation_documents_401_and_the_error_schema(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "status", "message"}
    assert set(error["properties"]) == {"code", "status", "message", "errors"}
    assert error["properties"]["code"]["type"] == "integer"
    assert error["properties"]["errors"]["type"] == "object"
    operations = list(_operations(spec))
    assert len(operations) >= len(CONTRACT)
    for method, _route_, path, operation, _shared in operations:
        responses = operation["responses"]
        assert "401" in responses, f"{method} {path} does not document 401"
        assert any(code.startswith("2") for code in responses), f"{method} {path}: no success response"
        for code, response in responses.items():
            if code == "default" or code.startswith(("4", "5")):
                response = _resolve(spec, response)
                content = response.get("content", {})
                assert "application/json" in content, f"{method} {path} {code}: no JSON error body"
                schema = content["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {code}: {schema}"
                assert response.get("description"), f"{method} {path} {code}: no description"


def test_operations_that_can_forbid_or_conflict_say_so(spec):
    """The statuses the contract gives each route are documented for it."""
    expected = {
        ("POST", "/process-definitions"): {"400", "403", "413", "415"},
        ("POST", "/attachments"): {"413", "415"},
        ("GET", "/attachments/{}"): {"404"},
        ("POST", "/process-instances"): {"422"},
        ("GET", "/process-instances/{}"): {"404"},
        ("GET", "/process-instances/{}/history"): {"404"},
        ("POST", "/process-instances/{}/cancel"): {"403", "404", "409"},
        ("GET", "/tasks/{}"): {"404"},
        ("POST", "/tasks/{}/claim"): {"404", "409"},
        ("POST", "/tasks/{}/unclaim"): {"404", "409"},
        ("POST", "/tasks/{}/complete"): {"403", "404", "409", "422"},
    }
    documented = {(method, route): set(op["responses"]) for method, route, _p, op, _s in _operations(spec)}
    for key, codes in expected.items():
        assert codes <= documented[key], f"{key}: missing {sorted(codes - documented[key])}"
    assert {"200", "201"} <= documented[("POST", "/process-definitions")]
    assert "201" in documented[("POST", "/process-instances")]
    assert "201" in documented[("POST", "/attachments")]


def test_lists_document_pagination(spec):
    for method, route, path, operation, _shared in _operations(spec):
        if (method, route) in {("GET", "/process-instances"), ("GET", "/tasks")}:
            ok = operation["responses"]["200"]
            assert _resolve(spec, ok["content"]["application/json"]["schema"])["type"] == "array"
            assert "X-Pagination" in ok.get("headers", {}), path


def test_bearer_auth_is_declared_and_required(spec):
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"].lower() == "bearer"
    assert {"bearerAuth": []} in spec["security"]
    for method, _route_, path, operation, _shared in _operations(spec):
        # No operation under /api/v1 opts out of the global requirement.
        assert operation.get("security", spec["security"]), f"{method} {path} is documented as public"


def test_documented_routes_are_served_and_need_a_token(client, spec):
    """What the document lists, the app routes (no stale entries), and only with a token."""
    adapter = client.application.url_map.bind("localhost")
    for method, _route_, path, operation, shared in _operations(spec):
        parameters = [_resolve(spec, p) for p in [*shared, *operation.get("parameters", [])]]
        types = {p["name"]: p.get("schema", {}).get("type") for p in parameters if p["in"] == "path"}
        concrete = re.sub(r"\{([^}]+)\}", lambda m: "1" if types.get(m[1]) == "integer" else "x", path)
        adapter.match(concrete, method=method)  # raises NotFound / MethodNotAllowed
        response = client.open(concrete, method=method)
        assert response.status_code == 401, f"{method} {concrete}: {response.status_code}"
        assert response.json["code"] == 401
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


class _Assets(HTMLParser):
    """The scripts and stylesheets a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or ""):
            self.urls.append(attrs["href"])


def test_docs_are_served_from_local_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "/api/openapi.json" in html
    # Nothing fetched from elsewhere: no absolute or protocol-relative URLs at all in the page.
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html), "the docs page refers to another host"
    parser = _Assets()
    parser.feed(html)
    scripts = [u for u in parser.urls if u.endswith(".js")]
    styles = [u for u in parser.urls if u.endswith(".css")]
    assert scripts and styles, parser.urls
    for url in parser.urls:
        assert not re.match(r"(?i)^([a-z][a-z0-9+.-]*:|//)", url), f"not a local asset: {url}"
        local = urljoin("/api/docs", url)
        asset = client.get(local)
        assert asset.status_code == 200, f"{local}: {asset.status_code}"
        assert len(asset.data) > 1000, f"{local} is suspiciously small"
        expected = "javascript" if local.endswith(".js") else "css"
        assert expected in asset.mimetype, f"{local}: {asset.mimetype}"


def test_docs_assets_cannot_escape_their_folder(client):
    for path in ("/api/docs/static/../../../etc/passwd", "/api/docs/static/%2e%2e/%2e%2e/setup.cfg",
                 "/api/docs/static/missing.js"):
        assert client.get(path).status_code == 404, path

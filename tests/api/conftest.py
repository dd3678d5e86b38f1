"""API fixtures: the app on the test database, tokens for the demo people, a JSON client."""
from __future__ import annotations

import pytest

from api import create_app
from engine.settings import Settings


@pytest.fixture
def app(engine, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", max_upload_bytes=1024 * 1024)
    return create_app(settings, engine=engine)


@pytest.fixture
def tokens(engine, people) -> dict[str, str]:
    return {username: engine.issue_token(username) for username in people}


@pytest.fixture
def call(app, tokens):
    """call(user, method, path, json=..., **kw) -> response; user None sends no token."""
    client = app.test_client()

    def _call(user, method, path, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if user is not None:
            headers["Authorization"] = f"Bearer {tokens[user]}"
        return client.open(path, method=method, headers=headers, **kwargs)

    return _call


@pytest.fixture
def deployed(engine, people):
    from support import INVOICE_BPMN

    return engine.deploy_file(INVOICE_BPMN, "analyst")

"""A request id on every response and one structured log line per request."""
from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, request

log = logging.getLogger("invoiceflow.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _start():
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish(response):
    response.headers["X-Request-Id"] = g.get("request_id", "")
    user = g.get("user")
    log.info(json.dumps({
        "request_id": g.get("request_id"), "method": request.method, "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
        "user": user.username if user is not None else None,
    }, ensure_ascii=False))
    return response


def register_request_log(app: Flask) -> None:
    """Install the hooks (the id hook first, so even a 401 carries an id)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

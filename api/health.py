"""``GET /healthz``: 200 when the database answers, 503 when it does not."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """Liveness and database reachability for load balancers and `make run` users."""
    engine = current_app.extensions["invoiceflow.engine"]
    if engine.database_reachable():
        return jsonify(status="ok", database="ok")
    return jsonify(status="unavailable", database="unreachable"), 503

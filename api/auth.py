"""Bearer-token authentication: every /api/v1 request names an active user by a live token."""
from __future__ import annotations

from flask import current_app, g, request

from api.errors import error_response

API_PREFIX = "/api/v1"


def current_engine():
    """The engine wired into the app."""
    return current_app.extensions["invoiceflow.engine"]


def current_user():
    """The user who sent this request (a ``UserView``)."""
    return g.user


def authenticate_request():
    """Before every /api/v1 request: a valid token or 401 (the other routes are public)."""
    g.user = None
    if not request.path.startswith(API_PREFIX):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = current_engine().authenticate(token.strip())
    if user is None:
        return error_response(401, "Authentication required: send a valid 'Authorization: Bearer <token>'.",
                              headers={"WWW-Authenticate": 'Bearer realm="invoiceflow"'})
    g.user = user
    return None

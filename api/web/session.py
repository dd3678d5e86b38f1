"""Who is signed in, and the CSRF token of every form.

The Flask session is a cookie signed with the service's secret key (HttpOnly, SameSite=Lax;
Secure with ``INVOICEFLOW_SECURE_COOKIES``). It holds the username, a key derived from the
password hash (a new password signs every browser out) and a random CSRF token that each form
posts back. The REST API under /api/v1 uses bearer tokens and never reads this cookie.
"""
from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def current_engine():
    """The engine wired into the app."""
    return current_app.extensions["invoiceflow.engine"]


def web_user():
    """The signed-in person (a ``UserView``), or None."""
    return g.get("web_user")


def load_web_user() -> None:
    """Before each page: the signed-in person, while their session is still good."""
    g.web_user = None
    username, key = session.get("user"), session.get("key")
    if username and key:
        g.web_user = current_engine().session_user(username, key)
        if g.web_user is None:  # a new password, a deactivated account: sign out
            session.clear()
    g.user = g.web_user  # the request log names them


def signed_in(view):
    """Send a visitor who is not signed in to the sign-in page (and back afterwards)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        """The view itself, for a signed-in person."""
        if web_user() is None:
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("web.signin", next=target))
        return view(*args, **kwargs)
    return wrapper


def start_session(user, key: str) -> None:
    """Sign ``user`` in: a fresh session (a new CSRF token too: no fixation)."""
    session.clear()
    session.permanent = True
    session.update(user=user.username, key=key, csrf=secrets.token_urlsafe(32))


def end_session() -> None:
    """Sign out: forget everything the session held."""
    session.clear()


def csrf_token() -> str:
    """This session's CSRF token (made on first use); every form posts it back."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Before each page: refuse (400) a POST whose token is missing or not this session's."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="csrf")


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to after signing in (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def refuse_nul_characters() -> None:
    """Before each page: no field holds a NUL character (PostgreSQL cannot store one)."""
    texts = [*request.args.values(), *request.form.values(),
             *(storage.filename or "" for storage in request.files.values())]
    if any("\x00" in text for text in texts):
        abort(400)

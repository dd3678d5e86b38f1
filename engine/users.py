"""Users, groups and bearer tokens (stored only as a SHA-256 of the token)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, UserNotFound
from engine.models import ApiToken, Group, User
from engine.views import UserView, user_view


def token_hash(token: str) -> str:
    """The stored form of a bearer token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_user(session: Session, username: str) -> User | None:
    """The user with this username, or None."""
    return session.scalars(select(User).where(User.username == username)).unique().first()


def get_user(session: Session, username: str) -> User:
    """The user with this username, or UserNotFound."""
    user = find_user(session, username)
    if user is None:
        raise UserNotFound(f"No user '{username}'.")
    return user


def ensure_group(session: Session, name: str) -> Group:
    """The group with this name, created when it does not exist yet (e.g. `lawyers`)."""
    group = session.get(Group, name)
    if group is None:
        group = Group(name=name, description="")
        session.add(group)
    return group


def create_user(session: Session, username: str, full_name: str = "", email: str = "",
                groups: tuple[str, ...] = (), locale: str = "ru") -> UserView:
    """Create a user in the given groups; a user that exists is updated instead (idempotent)."""
    username = username.strip()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise InvalidInput("A username is 1-64 letters, digits, '.', '_' or '-'.",
                           {"username": ["Invalid username."]})
    user = find_user(session, username)
    if user is None:
        user = User(username=username)
        session.add(user)
    user.full_name = full_name or user.full_name or username
    user.email = email or user.email or ""
    user.locale = locale
    user.active = True
    user.groups = [ensure_group(session, name) for name in sorted(set(groups))]
    session.flush()
    return user_view(user)


def issue_token(session: Session, username: str, now: datetime, label: str = "") -> str:
    """Create a new bearer token for a user and return it; only its hash is stored."""
    user = get_user(session, username)
    token = "ifl_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), label=label, created_at=now))
    session.flush()
    return token


def revoke_tokens(session: Session, username: str, now: datetime) -> int:
    """Revoke every live token of a user; return how many were revoked."""
    user = get_user(session, username)
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).unique().all()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


# A token's last use is written at most this often: reads must not all become writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate(session: Session, token: str, now: datetime) -> tuple[UserView | None, int | None]:
    """The active user a live token belongs to, or None; and the token's id when its last-used
    time is due for an update."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).unique().first()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None, None
    stale = row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION
    return user_view(row.user), row.id if stale else None


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    """Record that a token was used now."""
    row = session.get(ApiToken, token_id)
    if row is not None:
        row.last_used_at = now

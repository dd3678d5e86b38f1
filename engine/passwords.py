"""Web sign-in: passwords hashed with argon2id (memory-hard), never stored or logged in clear.

A signed-in browser keeps the username and a *session key* derived from the stored hash: a
new password (``invoiceflow users set-password``) changes the key, which signs out every
browser that signed in with the old one; a deactivated user is signed out as well.
"""
from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.users import find_user, get_user
from engine.views import UserView, user_view

# RFC 9106's second recommended profile: argon2id, 64 MiB of memory, 3 passes, 4 lanes.
# Tests may swap in a cheaper hasher; the service never does.
HASHER = PasswordHasher()

MIN_LENGTH = 8
MAX_LENGTH = 1024  # hashing a megabyte-long "password" is a denial of service, not a secret


def check_password_rules(password: str) -> None:
    """InvalidInput unless the password is 8 to 1024 characters long."""
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(f"A password is {MIN_LENGTH} to {MAX_LENGTH} characters long.",
                           {"password": [f"Use {MIN_LENGTH} to {MAX_LENGTH} characters."]})


def set_password(session: Session, username: str, password: str) -> UserView:
    """Store a new password hash for the user (UserNotFound for an unknown username)."""
    check_password_rules(password)
    user = get_user(session, username)
    user.password_hash = HASHER.hash(password)
    session.flush()
    return user_view(user)


def session_key(password_hash: str) -> str:
    """What a signed-in browser keeps to prove the password it signed in with is still the one."""
    return hashlib.sha256(b"invoiceflow-session:" + password_hash.encode("utf-8")).hexdigest()[:32]


def sign_in(session: Session, username: str, password: str) -> tuple[UserView, str] | None:
    """The active user and their session key when the password is right; None otherwise.

    An unknown user costs one hash as well, so the answer's timing does not tell who exists.
    A hash made with older parameters is replaced by one with the current ones.
    """
    user = find_user(session, username) if isinstance(username, str) else None
    stored = user.password_hash if user is not None and user.active else None
    if not isinstance(password, str) or len(password) > MAX_LENGTH or not _verify(stored, password):
        return None
    if HASHER.check_needs_rehash(stored):
        user.password_hash = stored = HASHER.hash(password)
        session.flush()
    return user_view(user), session_key(stored)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    """A hash of a random password, made once, to verify against when there is no user."""
    if not _DUMMY:
        _DUMMY.append(HASHER.hash(hashlib.sha256(b"no such user").hexdigest()))
    return _DUMMY[0]


def session_user(session: Session, username: str, key: str) -> UserView | None:
    """The active user whose current password matches the browser's session key, or None."""
    user = find_user(session, username) if isinstance(username, str) else None
    if user is None or not user.active or not user.password_hash or not isinstance(key, str):
        return None
    return user_view(user) if hmac.compare_digest(session_key(user.password_hash), key) else None

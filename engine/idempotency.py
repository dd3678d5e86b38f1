"""Idempotent requests: a retried request with the same key gets the first response back.

The response is stored in the same transaction as the change it reports, so either both are
committed or neither is: a retry after a crash either finds the response or redoes the work.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.models import IdempotentRequest


@dataclass(frozen=True)
class Reply:
    """A response as the web layer will send it."""

    status: int
    body: Any
    location: str | None = None
    replayed: bool = False


@dataclass(frozen=True)
class IdempotencyKey:
    """The caller's key, a digest of what was asked, and how to render the result."""

    key: str
    fingerprint: str
    render: Callable[[Any], Reply]


def replay(session: Session, username: str, request: IdempotencyKey) -> Reply | None:
    """The stored reply for this key, None when the key is new; the same key for a different
    request is refused."""
    row = session.scalars(select(IdempotentRequest).where(
        IdempotentRequest.username == username, IdempotentRequest.key == request.key)).first()
    if row is None:
        return None
    if row.fingerprint != request.fingerprint:
        raise InvalidInput("This Idempotency-Key was already used for a different request.",
                           {"Idempotency-Key": ["Already used for a different request."]})
    return Reply(row.status, row.body, row.location, replayed=True)


def remember(session: Session, username: str, request: IdempotencyKey, reply: Reply, now) -> None:
    """Store the reply under the key (a concurrent twin fails on the unique constraint)."""
    session.add(IdempotentRequest(
        username=username, key=request.key, fingerprint=request.fingerprint,
        status=reply.status, body=reply.body, location=reply.location, created_at=now,
    ))

"""The delivery rows' life: claim the next due one, record an attempt, back off, give up."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Delivery
from engine.models.notifications import DEAD, PENDING, SENT

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class Attempt:
    """What one try to send a delivery came to. ``permanent`` failures are not retried."""

    ok: bool
    status: int | None = None
    error: str | None = None
    permanent: bool = False


class DeliveryFailed(Exception):
    """A channel could not deliver; ``status`` is the receiver's answer code when it gave one."""

    def __init__(self, reason: str, status: int | None = None, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.permanent = permanent

    def attempt(self) -> Attempt:
        """The failed attempt to record."""
        return Attempt(ok=False, status=self.status, error=self.reason, permanent=self.permanent)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 30 s, 1 min, 2 min ... at most 1 h."""
    if attempts < 1:
        return timedelta(0)
    if attempts > 12:  # 30 s * 2**11 is already past the cap; avoid huge powers
        return BACKOFF_CAP
    return min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)


def claim_next(session: Session, now: datetime, channels: Collection[str]) -> Delivery | None:
    """Lock the most overdue pending delivery of these channels, skipping rows another worker
    holds (PostgreSQL ``FOR UPDATE SKIP LOCKED``: the lock lasts until this transaction ends,
    so nobody else sends it meanwhile). SQLite does not render the clause; see ``Courier``."""
    if not channels:
        return None
    return session.scalars(
        select(Delivery)
        .where(Delivery.state == PENDING, Delivery.next_attempt_at <= now,
               Delivery.channel.in_(sorted(channels)))
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=Delivery)).first()


def record_attempt(delivery: Delivery, attempt: Attempt, now: datetime, max_attempts: int) -> None:
    """Mark the delivery sent, or count the failure and schedule the next try (dead once
    ``max_attempts`` tries failed, or at once when the failure is permanent)."""
    delivery.attempts += 1
    delivery.last_status = attempt.status
    if attempt.ok:
        delivery.state = SENT
        delivery.sent_at = now
        delivery.last_error = None
        return
    delivery.last_error = (attempt.error or "unknown error")[:MAX_ERROR_LENGTH]
    if attempt.permanent or delivery.attempts >= max_attempts:
        delivery.state = DEAD
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)


def give_up_pending(session: Session, webhook_id: str, reason: str, now: datetime) -> int:
    """Mark every pending delivery of a webhook dead (it was deleted); returns how many."""
    rows = session.scalars(select(Delivery).where(
        Delivery.webhook_id == webhook_id, Delivery.state == PENDING)).all()
    for row in rows:
        row.state = DEAD
        row.last_error = reason
        row.next_attempt_at = now
    return len(rows)

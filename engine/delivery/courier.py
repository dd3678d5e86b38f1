"""The courier: sends due deliveries, each in its own transaction, and records how it went."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.db import Database
from engine.delivery.mail import MailChannel
from engine.delivery.outbox import Attempt, DeliveryFailed, claim_next, record_attempt
from engine.delivery.smtp import SmtpConfig, SmtpMailer
from engine.delivery.webhooks import WebhookChannel
from engine.models import Delivery
from engine.models.notifications import PENDING
from engine.settings import Settings

log = logging.getLogger("invoiceflow.delivery")


class Channel(Protocol):
    """Sends one delivery: returns the successful ``Attempt`` or raises ``DeliveryFailed``."""

    name: str

    def send(self, session: Session, delivery: Delivery) -> Attempt: ...


class Courier:
    """Delivers the outbox through the configured channels.

    PostgreSQL: the claimed row stays locked (``FOR UPDATE SKIP LOCKED``) in one transaction
    while it is sent and marked, so several workers on several machines share the work and
    never send one delivery at once. SQLite has a single write lock for the whole database:
    holding it over a network call (up to 10 s) would stall every web request that writes, so
    there the row is read and sent in a read transaction and marked in a short write
    transaction after. Run one worker on SQLite: two could send the same delivery twice.
    """

    def __init__(self, database: Database, clock: Clock, channels: Mapping[str, Channel],
                 max_attempts: int = 8):
        self.database = database
        self.clock = clock
        self.channels = dict(channels)
        self.max_attempts = max(1, max_attempts)
        self._row_locks = database.engine.dialect.name != "sqlite"
        self._told_mail_waits = False

    @classmethod
    def from_settings(cls, database: Database, clock: Clock, settings: Settings) -> "Courier":
        """Webhooks always; e-mail when ``smtp_url`` is set (ValueError when it is malformed)."""
        channels: dict[str, Channel] = {"webhook": WebhookChannel()}
        if settings.smtp_url:
            mailer = SmtpMailer(SmtpConfig.from_url(settings.smtp_url))
            channels["email"] = MailChannel(mailer, settings.mail_from)
        return cls(database, clock, channels, settings.delivery_max_attempts)

    def deliver_due(self, limit: int = 100) -> int:
        """Send up to ``limit`` due deliveries, one transaction each; returns how many were
        tried (sent or failed)."""
        self._tell_once_if_mail_waits()
        done = 0
        while done < limit and self._deliver_next():
            done += 1
        return done

    def _deliver_next(self) -> bool:
        scope = self.database.unit_of_work() if self._row_locks else self.database.read_only()
        with scope as session:
            delivery = claim_next(session, self.clock.now(), self.channels)
            if delivery is None:
                return False
            claimed = (delivery.id, delivery.attempts)
            attempt = self._attempt(session, delivery)
            if self._row_locks:
                # A worker killed here, after the send and before the commit, leaves the
                # delivery pending: it is sent again (at least once; receivers de-duplicate).
                record_attempt(delivery, attempt, self.clock.now(), self.max_attempts)
                return True
        self._record_after_read(*claimed, attempt)
        return True

    def _record_after_read(self, delivery_id: int, attempts_before: int, attempt: Attempt) -> None:
        with self.database.unit_of_work() as session:
            row = session.get(Delivery, delivery_id)
            if row is not None and row.state == PENDING and row.attempts == attempts_before:
                record_attempt(row, attempt, self.clock.now(), self.max_attempts)

    def _attempt(self, session: Session, delivery: Delivery) -> Attempt:
        try:
            return self.channels[delivery.channel].send(session, delivery)
        except DeliveryFailed as failure:
            log.info("delivery %s (%s to %s) failed: %s", delivery.id, delivery.channel,
                     delivery.target, failure.reason)
            return failure.attempt()
        except Exception as err:  # a bug must not wedge the queue: count it as a failure
            log.exception("delivery %s crashed", delivery.id)
            return Attempt(ok=False, error=f"{type(err).__name__}: {err}")

    def _tell_once_if_mail_waits(self) -> None:
        if "email" in self.channels or self._told_mail_waits:
            return
        with self.database.read_only() as session:
            waiting = session.scalar(select(Delivery.id).where(
                Delivery.channel == "email", Delivery.state == PENDING).limit(1))
        if waiting is not None:
            self._told_mail_waits = True
            log.warning("INVOICEFLOW_SMTP_URL is not set: e-mail notifications wait in the outbox "
                        "and go out once it is configured")

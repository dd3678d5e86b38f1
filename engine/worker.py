"""The worker: fires due timers and delivers the outbox, in a loop, until told to stop.

Several workers may run at once against one PostgreSQL database (on several machines): timers
are fired in batches of instances (one transaction, a savepoint per instance, see
``engine/scheduling.py``) whose rows stay locked until the commit, and other workers skip them
(``FOR UPDATE SKIP LOCKED``); each delivery is claimed the same way. On SQLite (one machine, one writer at a
time) a single worker is enough; more are safe but gain nothing.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("invoiceflow.worker")


class Worker:
    """One worker loop over an ``Engine``; ``deliver`` sends due outbox deliveries (optional)."""

    def __init__(self, engine, deliver: Callable[[int], int] | None = None, batch: int = 100,
                 idle_seconds: float = 1.0):
        self.engine = engine
        self.deliver = deliver
        self.batch = batch
        self.idle_seconds = idle_seconds

    def run_once(self) -> int:
        """One round: fire the due timers of up to ``batch`` instances (in transactions of ten),
        deliver due messages; returns how much was done."""
        done = self.engine.fire_due_timers(self.batch)
        if self.deliver is not None:
            done += self.deliver(self.batch)
        return done

    def run(self, stop: threading.Event) -> None:
        """Loop until ``stop`` is set; sleeps only when a round found nothing to do. A failing
        round is logged and retried: the worker itself never dies of one bad instance."""
        log.info("worker started")
        while not stop.is_set():
            try:
                done = self.run_once()
            except Exception:  # logged; the next round retries (rows are still due)
                log.exception("worker round failed")
                done = 0
            if done == 0:
                stop.wait(self.idle_seconds)
        log.info("worker stopped")

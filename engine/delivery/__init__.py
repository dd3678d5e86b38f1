"""Delivering the outbox: e-mails over SMTP and signed webhooks, retried with backoff.

``engine.notify`` writes an event and its pending deliveries in the same transaction as the
change that caused them; this package sends them later, from the worker (``Engine.deliver_due``).

The guarantee is **at least once**, not exactly once. A delivery is marked sent in the
transaction that claimed it, after the message went out; a worker killed between the send and
the commit leaves it pending, and it is sent again later. No protocol lets a sender and a
receiver agree on "exactly once" across a crash, so every message carries its event id
(``X-Invoiceflow-Event-Id``; the webhook body's ``event_id``; the e-mail's ``Message-ID`` is
derived from it) and receivers de-duplicate by it. What the outbox does guarantee: a committed
change is always told, a rolled-back one never is, and two workers never send one delivery at
the same time (the row is locked while it is sent, and other workers skip it).

No Flask here: the courier is usable from any script.
"""
from engine.delivery.courier import Courier
from engine.delivery.outbox import backoff
from engine.delivery.smtp import SmtpConfig

__all__ = ["Courier", "SmtpConfig", "backoff"]

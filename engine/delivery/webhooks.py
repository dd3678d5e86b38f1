"""The webhook channel: a signed JSON POST to an integrator's URL.

The body is ``{"event_id", "event_type", "created_at", "data"}``; the header
``X-Invoiceflow-Signature: sha256=<hex>`` is the HMAC-SHA256 of the exact body bytes with the
webhook's secret. Any 2xx answer is success; anything else (a redirect too: it is not
followed), or no answer within 10 s, is a failure that is retried.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import ssl
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from engine.delivery.outbox import Attempt, DeliveryFailed
from engine.models import Delivery, OutboxEvent, Webhook

TIMEOUT_SECONDS = 10
USER_AGENT = "invoiceflow-webhooks/1"
SIGNATURE_HEADER = "X-Invoiceflow-Signature"


def webhook_body(event: OutboxEvent) -> bytes:
    """The JSON document sent for an event (UTF-8, compact)."""
    document = {"event_id": event.event_id, "event_type": event.event_type,
                "created_at": event.created_at.isoformat(), "data": event.payload or {}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of body keyed by secret>``, the value of the signature header."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    """Posts one delivery to its webhook; needs no configuration."""

    name = "webhook"

    def send(self, session: Session, delivery: Delivery) -> Attempt:
        """POST the event; ``DeliveryFailed`` unless the receiver answers 2xx."""
        hook = session.get(Webhook, delivery.webhook_id) if delivery.webhook_id else None
        if hook is None or not hook.active:
            raise DeliveryFailed("the webhook was deleted", permanent=True)
        event = delivery.event
        body = webhook_body(event)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "X-Invoiceflow-Event": event.event_type, "X-Invoiceflow-Event-Id": event.event_id,
                   SIGNATURE_HEADER: signature(hook.secret, body)}
        status, answer = post(hook.url, body, headers)
        if 200 <= status < 300:
            return Attempt(ok=True, status=status)
        raise DeliveryFailed(f"HTTP {status}: {answer}".strip(), status)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body``; returns the status and the start of the answer. Network failures become
    ``DeliveryFailed``. Credentials in the URL (``https://user:pass@host/``) go as Basic auth."""
    parts = urlsplit(url)
    headers = dict(headers)
    if parts.username:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode("utf-8")
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(500).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as err:
        raise DeliveryFailed(f"{type(err).__name__}: {err}") from err
    finally:
        connection.close()


def _connection(parts) -> http.client.HTTPConnection:
    try:
        port = parts.port
    except ValueError as err:
        raise DeliveryFailed("invalid port in the webhook URL", permanent=True) from err
    if parts.scheme == "https":
        return http.client.HTTPSConnection(parts.hostname, port, timeout=TIMEOUT_SECONDS,
                                           context=ssl.create_default_context())
    return http.client.HTTPConnection(parts.hostname, port, timeout=TIMEOUT_SECONDS)

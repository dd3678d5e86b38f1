"""The e-mail channel: one multipart message (plain text and HTML) per recipient and event."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from jinja2 import TemplateNotFound
from sqlalchemy.orm import Session

from engine.delivery.outbox import Attempt, DeliveryFailed
from engine.delivery.smtp import SmtpMailer
from engine.delivery.texts import render
from engine.models import Delivery, OutboxEvent, User
from engine.users import find_user


class MailChannel:
    """Renders the event in the recipient's language and hands it to the SMTP server."""

    name = "email"

    def __init__(self, mailer: SmtpMailer, mail_from: str):
        self.mailer = mailer
        self.mail_from = mail_from
        self.envelope_sender = parseaddr(mail_from)[1] or mail_from

    def send(self, session: Session, delivery: Delivery) -> Attempt:
        """Send one e-mail delivery; raises ``DeliveryFailed`` when the server does not take it."""
        user = find_user(session, delivery.recipient) if delivery.recipient else None
        try:
            message = compose(delivery.event, user, delivery.target, self.mail_from)
        except TemplateNotFound as err:  # an event type nobody wrote a text for yet
            raise DeliveryFailed(f"no e-mail template: {err.name}", permanent=True) from err
        self.mailer.send(message, self.envelope_sender, delivery.target)
        return Attempt(ok=True)


def compose(event: OutboxEvent, user: User | None, address: str, mail_from: str) -> EmailMessage:
    """The message for one recipient. Its ``Message-ID`` is derived from the event id and the
    recipient, so a message re-sent after a crash is the same message (mail systems that
    de-duplicate by Message-ID drop the copy); ``X-Invoiceflow-Event-Id`` names the event."""
    texts = render(event.event_type, message_context(event, user), user.locale if user else None)
    message = EmailMessage()
    try:
        message["Subject"] = texts.subject
        message["From"] = mail_from
        message["To"] = formataddr((user.full_name, address)) if user and user.full_name else address
    except (ValueError, TypeError) as err:  # an address no mail server could take
        raise DeliveryFailed(f"invalid address: {err}", permanent=True) from err
    message["Date"] = format_datetime(event.created_at)
    message["Message-ID"] = f"<{event.event_id}.{_local_part(user, address)}@{_domain(mail_from)}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to this
    message["X-Invoiceflow-Event"] = event.event_type
    message["X-Invoiceflow-Event-Id"] = event.event_id
    message.set_content(texts.text)
    message.add_alternative(texts.html, subtype="html")
    return message


def message_context(event: OutboxEvent, user: User | None) -> dict:
    """What the templates see: the event's payload, its id and time, who it is for."""
    name = (user.full_name or user.username) if user else ""
    return {**(event.payload or {}), "event_id": event.event_id, "event_type": event.event_type,
            "created_at": event.created_at, "recipient_name": name}


def _domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "invoiceflow.local"


def _local_part(user: User | None, address: str) -> str:
    raw = user.username if user else address.partition("@")[0]
    return "".join(ch for ch in raw if ch.isalnum() or ch in "-_.") or "recipient"

"""E-mail over SMTP: the server from one URL, one connection per message.

``smtp://user:pass@host:25`` (plain; add ``?starttls=true`` to upgrade, as port 587 usually
wants), ``smtps://user:pass@host:465`` (TLS from the first byte). User and password are
URL-encoded (``%40`` for ``@``). Certificates are verified against the system's CAs.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from engine.delivery.outbox import DeliveryFailed

TIMEOUT_SECONDS = 10
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to reach the SMTP server (parsed from ``INVOICEFLOW_SMTP_URL``)."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> "SmtpConfig":
        """Parse an ``smtp://`` or ``smtps://`` URL; ValueError (never naming the password)
        when it is not one."""
        parts = urlsplit(url.strip())
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError("INVOICEFLOW_SMTP_URL must look like smtp://[user:password@]host[:port]"
                             "[?starttls=true] or smtps://...")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError as err:
            raise ValueError("INVOICEFLOW_SMTP_URL has an invalid port.") from err
        options = {key.lower(): values[-1].lower() for key, values in parse_qs(parts.query).items()}
        return cls(host=parts.hostname, port=port, tls=parts.scheme == "smtps",
                   starttls=options.get("starttls", "") in TRUE,
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)


class SmtpMailer:
    """Sends one prepared message per call; failures become ``DeliveryFailed``."""

    def __init__(self, config: SmtpConfig):
        self.config = config

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Hand the message to the server for one recipient. A 5xx refusal of the recipient or
        the content is permanent (retrying would get the same answer); anything else, such as
        a server that is down or refuses our login, is retried."""
        try:
            with self._connect() as smtp:
                smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as err:
            code, reply = next(iter(err.recipients.values()))
            raise DeliveryFailed(f"recipient refused: {code} {_text(reply)}", code, code >= 500) from err
        except smtplib.SMTPDataError as err:
            raise DeliveryFailed(f"message refused: {err.smtp_code} {_text(err.smtp_error)}",
                                 err.smtp_code, err.smtp_code >= 500) from err
        except smtplib.SMTPResponseException as err:
            raise DeliveryFailed(f"SMTP error: {err.smtp_code} {_text(err.smtp_error)}", err.smtp_code) from err
        except (smtplib.SMTPException, OSError) as err:
            raise DeliveryFailed(f"SMTP server unreachable: {type(err).__name__}: {err}") from err

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        context = ssl.create_default_context()
        if config.tls:
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
        try:
            if config.starttls:
                smtp.starttls(context=context)
            if config.username:
                smtp.login(config.username, config.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)

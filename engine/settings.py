"""Every setting of the service, declared once, with its default and its environment variable."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "INVOICEFLOW_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV_PREFIX + name, default)


@dataclass(frozen=True)
class Settings:
    """Configuration of one running service (web or worker).

    ``data_dir`` holds attachments and, unless ``database_url`` says otherwise, the SQLite
    database. ``secret_key`` signs web sessions (the REST API uses bearer tokens).
    ``smtp_url`` (``smtp://user:pass@host:587?starttls=true``, ``smtps://...``) is where the worker
    sends e-mail notifications from ``mail_from``; unset, e-mails wait in the outbox.
    ``delivery_max_attempts`` is how many failed attempts make a delivery dead.
    ``time_zone`` is the agency's: the web pages show times in it, and a form's "today" (a date
    not in the future, a default of today) is its date there; ``secure_cookies`` marks the
    web session cookie ``Secure`` (set it when the service is served over HTTPS).
    """

    data_dir: Path = field(default_factory=lambda: Path("var").resolve())
    database_url: str | None = None
    secret_key: str = "dev-insecure-change-me"
    max_upload_bytes: int = 20 * 1024 * 1024
    smtp_url: str | None = None
    mail_from: str = "invoiceflow@localhost"
    delivery_max_attempts: int = 8
    time_zone: str = "Europe/Moscow"
    secure_cookies: bool = False

    @property
    def effective_database_url(self) -> str:
        """The configured database URL, or an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'invoiceflow.sqlite3'}"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Read ``INVOICEFLOW_*`` variables; keyword arguments win over the environment."""
        values = {
            "data_dir": Path(_env("DATA_DIR", "var")).resolve(),
            "database_url": _env("DATABASE_URL") or None,
            "secret_key": _env("SECRET_KEY", "dev-insecure-change-me"),
            "max_upload_bytes": int(_env("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
            "smtp_url": _env("SMTP_URL") or None,
            "mail_from": _env("MAIL_FROM", "invoiceflow@localhost"),
            "delivery_max_attempts": int(_env("DELIVERY_MAX_ATTEMPTS", "8")),
            "time_zone": _env("TIME_ZONE", "Europe/Moscow"),
            "secure_cookies": _env("SECURE_COOKIES", "false").strip().lower() in ("1", "true", "yes"),
        }
        values.update(overrides)
        return cls(**values)

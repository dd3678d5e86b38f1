"""Texts of notifications in the recipient's language, from Jinja2 templates.

``templates/<locale>/<event type>.txt`` is the plain-text body and sets ``subject`` at its
top level; ``.html`` beside it is the HTML body. Both extend the locale's ``_layout`` (greeting
and footer); ``_words.j2`` holds the shared phrases (status names). Adding a language is adding
a folder; Russian is the default.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

LOCALES = ("ru", "en")
DEFAULT_LOCALE = "ru"


@dataclass(frozen=True)
class Texts:
    """A rendered notification: subject line, plain text, HTML."""

    subject: str
    text: str
    html: str


def locale_for(value: str | None) -> str:
    """The supported locale closest to a user's setting (``en-GB`` -> ``en``), else Russian."""
    short = (value or "").strip().lower()[:2]
    return short if short in LOCALES else DEFAULT_LOCALE


def render(event_type: str, context: dict, locale: str) -> Texts:
    """Render the subject, text and HTML of one event for one recipient."""
    locale = locale_for(locale)
    module = _text_module(event_type, context, locale)
    subject_line = _subject_of(module)
    html = environment().get_template(f"{locale}/{event_type}.html").render(
        {**context, "locale": locale, "subject": subject_line})
    return Texts(subject=subject_line, text=str(module).strip() + "\n", html=html)


def subject(event_type: str, context: dict, locale: str) -> str:
    """Only the subject line (in-app notifications show it as their title)."""
    locale = locale_for(locale)
    return _subject_of(_text_module(event_type, context, locale))


def _text_module(event_type: str, context: dict, locale: str):
    # Rendering the text template as a module gives its body (str) and its top-level `subject`.
    template = environment().get_template(f"{locale}/{event_type}.txt")
    return template.make_module({**context, "locale": locale})


def _subject_of(module) -> str:
    return " ".join(str(getattr(module, "subject", "")).split())  # one header line, always


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment: HTML autoescaped, text not; loaded from the package."""
    env = Environment(loader=PackageLoader("engine.delivery", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = money
    env.filters["when"] = when
    return env


def money(amount, currency=None, locale: str = DEFAULT_LOCALE) -> str:
    """``15000.00`` -> ``15 000,00 RUB`` (ru) or ``15,000.00 RUB`` (en); anything odd as is."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return f"{amount or ''} {currency or ''}".strip()
    text = f"{value:,.2f}"
    if locale == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return f"{text} {currency or 'RUB'}"


def when(value, locale: str = DEFAULT_LOCALE) -> str:
    """An ISO timestamp shown in UTC: ``17.01.2026 09:00 UTC`` (ru), ``2026-01-17 09:00 UTC`` (en)."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    pattern = "%d.%m.%Y %H:%M UTC" if locale == "ru" else "%Y-%m-%d %H:%M UTC"
    return moment.strftime(pattern)

"""Reading the values of a row as people and CRMs write them (Russian or ISO dates, decimal
commas, spaces between thousands)."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

RUSSIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
SPACES = re.compile(r"[\s\u00a0\u202f']")


class RowProblem(ValueError):
    """What is wrong with a row (the reason shown to the person importing)."""


def parse_datetime(text: str, zone: ZoneInfo, name: str) -> datetime:
    """``2026-01-10T10:00:00+03:00``, ``2026-01-10 10:00``, ``2026-01-10``, ``10.01.2026 10:00`` or
    ``10.01.2026``; without an offset the time is the agency's."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _russian(text, name)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _russian(text: str, name: str) -> datetime:
    match = RUSSIAN_DATE.match(text)
    try:
        if match:
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            return datetime(year, month, day, hour, minute, second)
    except ValueError:
        pass
    raise RowProblem(f"{name} {text!r} is not a date and time (2026-01-10 10:00 or 10.01.2026 10:00)")


def parse_amount(text: str) -> Decimal | None:
    """``15000``, ``15000.50``, ``15 000,50``; empty is no amount."""
    written, text = (text or "").strip(), SPACES.sub("", text or "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RowProblem(f"amount {written!r} is not a number") from None
    if not amount.is_finite():
        raise RowProblem(f"amount {written!r} is not a number")
    return amount


def optional(text: str | None) -> str | None:
    """A trimmed value, or None when empty."""
    text = (text or "").strip()
    return text or None

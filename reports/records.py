"""A deal as it arrives (from the REST API or a file) and the rules every arriving deal obeys."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from reports.pipeline import Pipeline

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)
LIMITS = {"external_id": 64, "title": 500, "source": 64, "manager": 64}


@dataclass(frozen=True)
class DealRecord:
    """The fields of a deal as a CRM states them (times aware, amount exact)."""

    external_id: str
    title: str
    stage: str
    source: str | None
    manager: str
    created_at: datetime
    amount: Decimal | None = None
    currency: str = "RUB"
    closed_at: datetime | None = None


def record_problems(record: DealRecord, pipeline: Pipeline) -> dict[str, list[str]]:
    """Every rule the record breaks, field -> messages (empty when it is fine)."""
    problems: dict[str, list[str]] = {}
    for name, limit in LIMITS.items():
        value = getattr(record, name)
        if value is not None and len(value) > limit:
            problems[name] = [f"At most {limit} characters."]
    for name in ("external_id", "manager"):
        if not getattr(record, name).strip():
            problems[name] = ["Required."]
    if record.stage not in pipeline.codes:
        problems["stage"] = [f"Unknown stage {record.stage!r}; the pipeline has: {', '.join(pipeline.codes)}."]
    if record.amount is not None and not _money(record.amount):
        problems["amount"] = ["A non-negative amount with at most 2 decimal places."]
    if not CURRENCY.match(record.currency or ""):
        problems["currency"] = ["An ISO 4217 code such as RUB."]
    if record.closed_at is not None and record.closed_at < record.created_at:
        problems["closed_at"] = ["Before the deal was created."]
    return problems


def _money(amount: Decimal) -> bool:
    return amount.is_finite() and Decimal(0) <= amount <= MAX_AMOUNT and amount.as_tuple().exponent >= -2

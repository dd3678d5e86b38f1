"""What every report shares: its filters, "reached a stage" as SQL, percentages."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, and_, literal, or_

from reports.periods import Period
from reports.pipeline import Pipeline
from reports.stagebits import StageBits

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ReportQuery:
    """Deals created in ``period``, optionally from one source and of one manager."""

    period: Period
    source: str | None = None
    manager: str | None = None


def conditions(query: ReportQuery, created_at, source, manager) -> list:
    """The WHERE conditions of ``query`` on these columns (deals' or stage times')."""
    found = []
    if query.period.start is not None:
        found.append(created_at >= query.period.start)
    if query.period.end is not None:
        found.append(created_at < query.period.end)
    if query.source is not None:
        found.append(source == query.source)
    if query.manager is not None:
        found.append(manager == query.manager)
    return found


def has_bits(mask_column, mask: int):
    """SQL: the mask column has any of these bits."""
    return mask_column.op("&")(literal(mask, BigInteger)) != 0


def reached(pipeline: Pipeline, bits: StageBits, code: str, stage_column, mask_column):
    """SQL: the deal reached stage ``code``, by the CRM convention.

    A deal that is not lost reached every success-path stage up to the furthest one it passed
    (or is in); a lost deal reached only the stages it actually passed. A failure stage is
    reached by the deals that passed it."""
    failures = [stage.code for stage in pipeline.failures]
    passed_it = has_bits(mask_column, bits.bit(code))
    if pipeline.stage(code).failure:
        return passed_it
    passed_later = has_bits(mask_column, bits.mask(s.code for s in pipeline.later_path(code)))
    if not failures:
        return passed_later
    return or_(and_(stage_column.in_(failures), passed_it),
               and_(stage_column.not_in(failures), passed_later))


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, rounded half up to 0.01 (None when whole is 0)."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP))

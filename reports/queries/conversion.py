"""Conversion: of the deals created in a period, how many reached the target stage; overall, per
sales channel (source) or per manager."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from reports.models import Deal
from reports.pipeline import Pipeline, Stage
from reports.queries.common import ReportQuery, conditions, percent, reached
from reports.stagebits import StageBits

DEALS = Deal.__table__
GROUPS = {"none": None, "channel": DEALS.c.source, "manager": DEALS.c.manager}


@dataclass(frozen=True)
class ConversionRow:
    key: str | None
    created: int
    converted: int

    @property
    def percent(self) -> float | None:
        """Converted of created, in percent."""
        return percent(self.converted, self.created)


@dataclass(frozen=True)
class ConversionReport:
    query: ReportQuery
    target: Stage
    by: str
    total: ConversionRow
    rows: list[ConversionRow] = field(default_factory=list)


def conversion(session, pipeline: Pipeline, bits: StageBits, query: ReportQuery, target: str,
               by: str = "none") -> ConversionReport:
    """Deals created and deals that reached ``target``, in total and per group of ``by``."""
    group = GROUPS[by]
    converted = func.sum(case((reached(pipeline, bits, target, DEALS.c.stage, DEALS.c.passed_mask), 1), else_=0))
    where = conditions(query, DEALS.c.created_at, DEALS.c.source, DEALS.c.manager)
    columns = [func.count(), func.coalesce(converted, 0)]
    if group is None:
        rows = []
        created, hits = session.execute(select(*columns).where(*where)).one()
    else:
        grouped = session.execute(select(group, *columns).where(*where).group_by(group)).all()
        rows = sorted((ConversionRow(key, n, hits) for key, n, hits in grouped),
                      key=lambda row: (-row.created, row.key is None, row.key or ""))
        created, hits = sum(row.created for row in rows), sum(row.converted for row in rows)
    return ConversionReport(query, pipeline.stage(target), by, ConversionRow(None, created, hits), rows)

"""The sales funnel: per stage, the deals in it now, the deals that reached it, the conversion
from the previous stage and from the first, the median time spent in it, and the bottleneck."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import case, func, select

from reports.models import Deal, StageTime
from reports.pipeline import Pipeline, Stage
from reports.queries.common import ReportQuery, conditions, has_bits, percent, reached
from reports.stagebits import StageBits

DEALS, TIMES = Deal.__table__, StageTime.__table__


@dataclass
class FunnelStage:
    stage: Stage
    in_stage: int
    reached: int
    left: int  # deals that have left the stage: what its median is taken over
    from_previous: float | None = None
    from_first: float | None = None
    median_seconds: float | int | None = None
    bottleneck: bool = False


@dataclass(frozen=True)
class FunnelReport:
    query: ReportQuery
    created: int
    stages: list[FunnelStage] = field(default_factory=list)

    @property
    def bottleneck(self) -> Stage | None:
        """The stage marked as the bottleneck, if any."""
        return next((row.stage for row in self.stages if row.bottleneck), None)


def funnel(session, pipeline: Pipeline, bits: StageBits, query: ReportQuery) -> FunnelReport:
    """The funnel of the deals created in the query's period (path stages first, then failures)."""
    counts = _counts(session, pipeline, bits, query)
    rows = [FunnelStage(stage, *counts[3 * i + 1: 3 * i + 4]) for i, stage in enumerate(pipeline.stages)]
    rows.sort(key=lambda row: row.stage.failure)  # the success path, then the failure stages
    _conversions([row for row in rows if not row.stage.failure])
    for row in rows:
        row.median_seconds = _median(session, query, row.stage.code, row.left)
    return FunnelReport(query, counts[0], rows)


def _counts(session, pipeline: Pipeline, bits: StageBits, query: ReportQuery) -> tuple[int, ...]:
    """One row: all deals, then per stage (in stage, reached, left). The inner query groups the
    deals by (stage, masks), a few hundred groups walked in index order; the outer one sums."""
    where = conditions(query, DEALS.c.created_at, DEALS.c.source, DEALS.c.manager)
    groups = (select(DEALS.c.stage, DEALS.c.passed_mask, DEALS.c.left_mask, func.count().label("n"))
              .where(*where).group_by(DEALS.c.stage, DEALS.c.passed_mask, DEALS.c.left_mask).subquery())
    columns = [func.sum(groups.c.n)]
    for stage in pipeline.stages:
        columns += [
            func.sum(case((groups.c.stage == stage.code, groups.c.n), else_=0)),
            func.sum(case((reached(pipeline, bits, stage.code, groups.c.stage, groups.c.passed_mask), groups.c.n),
                          else_=0)),
            func.sum(case((has_bits(groups.c.left_mask, bits.bit(stage.code)), groups.c.n), else_=0)),
        ]
    return tuple(int(value or 0) for value in session.execute(select(*columns)).one())


def _conversions(path: list[FunnelStage]) -> None:
    """Conversion from the previous and from the first stage; the bottleneck is the stage whose
    deals least often reach the next one (the largest relative drop; the earlier one on a tie)."""
    first = path[0].reached if path else 0
    worst, worst_rate = None, None
    for previous, row in zip([None, *path], path):
        row.from_first = percent(row.reached, first)
        if previous is None:
            continue
        row.from_previous = percent(row.reached, previous.reached)
        rate = Fraction(row.reached, previous.reached) if previous.reached else None
        if rate is not None and (worst_rate is None or rate < worst_rate):
            worst, worst_rate = previous, rate
    if worst is not None and worst_rate < 1:
        worst.bottleneck = True


def _median(session, query: ReportQuery, code: str, count: int) -> float | int | None:
    """The median time in the stage over the deals that left it: the middle value (the mean of
    the two middle ones for an even count), read from the index in time order."""
    if count == 0:
        return None
    where = conditions(query, TIMES.c.deal_created_at, TIMES.c.source, TIMES.c.manager)
    middle = list(session.scalars(
        select(TIMES.c.seconds).where(TIMES.c.stage == code, *where).order_by(TIMES.c.seconds)
        .limit(2 - count % 2).offset((count - 1) // 2)))
    value = sum(middle) / len(middle)
    return int(value) if value == int(value) else value

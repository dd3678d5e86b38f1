"""Use cases on deals: create or update one, record a stage entry, read one, list them.

Each runs inside the caller's transaction (``Context.session``); a stage entry and the
processes it starts commit together (see ``reports.automation.runner``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from reports.automation.rules import rules_in_force
from reports.automation.runner import fire_rules
from reports.chain import DealFacts, write_history
from reports.errors import InvalidInput, NotFound
from reports.models import Deal, StageEntry
from reports.pipeline import Pipeline
from reports.records import DealRecord, record_problems
from reports.stagebits import StageBits
from reports.views import StageChange, deal_view, run_view

RECORD_FIELDS = ("title", "stage", "source", "manager", "created_at", "amount", "currency", "closed_at")


@dataclass
class Context:
    """What every deals use case works with: one session (one transaction) and the time."""

    session: object
    pipeline: Pipeline
    bits: StageBits
    now: datetime
    starter: object | None = None
    rules_path: Path | None = None


def facts(deal: Deal) -> DealFacts:
    """The facts of a deal row its derived columns depend on."""
    return DealFacts(deal.id, deal.stage, deal.created_at, deal.source, deal.manager)


def find_deal(ctx: Context, external_id: str, lock: bool = False) -> Deal | None:
    """The deal with this CRM id (row-locked for the transaction with ``lock``), or None."""
    query = select(Deal).where(Deal.external_id == external_id)
    return ctx.session.scalars(query.with_for_update() if lock else query).first()


def put_deal(ctx: Context, record: DealRecord) -> tuple[Deal, bool, list]:
    """Create or update a deal from a CRM's record; (deal, created, automation runs).

    A new deal enters its stage at its creation time; a changed stage is entered now."""
    problems = record_problems(record, ctx.pipeline)
    if problems:
        raise InvalidInput("The deal does not pass validation.", problems)
    deal = find_deal(ctx, record.external_id, lock=True)
    created = deal is None
    if created:
        deal = Deal(external_id=record.external_id, passed_mask=0, left_mask=0)
        ctx.session.add(deal)
    changed = {name for name in RECORD_FIELDS if getattr(deal, name, None) != getattr(record, name)}
    if not changed:
        return deal, False, []
    for name in RECORD_FIELDS:
        setattr(deal, name, getattr(record, name))
    deal.updated_at = ctx.now
    ctx.session.flush()
    if created or "stage" in changed:
        return deal, created, _record(ctx, deal, record.stage, record.created_at if created else ctx.now)
    if changed & {"created_at", "source", "manager"}:  # copied into the stage times
        write_history(ctx.session, {deal.id: facts(deal)}, {}, ctx.bits)
    return deal, False, []


def record_stage(ctx: Context, external_id: str, stage: str, at: datetime) -> StageChange:
    """Record that the deal entered ``stage`` at ``at`` (once: the same entry again changes
    nothing). When it is the deal's latest entry the deal moves there and the automation runs."""
    if stage not in ctx.pipeline.codes:
        raise InvalidInput("Unknown stage.", {"stage": [f"The pipeline has: {', '.join(ctx.pipeline.codes)}."]})
    deal = find_deal(ctx, external_id, lock=True)
    if deal is None:
        raise NotFound("No such deal.")
    if at < deal.created_at:
        raise InvalidInput("The entry is before the deal was created.", {"at": ["Before created_at."]})
    if _entry_id(ctx, deal, stage, at) is not None:
        return StageChange(deal_view(deal), recorded=False)
    runs = _record(ctx, deal, stage, at)
    return StageChange(deal_view(deal), True, [run_view(run, deal.external_id) for run in runs])


def _record(ctx: Context, deal: Deal, stage: str, at: datetime) -> list:
    chain = write_history(ctx.session, {deal.id: facts(deal)}, {deal.id: [(stage, at)]}, ctx.bits,
                          follow_latest=True)[deal.id]
    ctx.session.refresh(deal)
    moved = chain.latest == (stage, at) and (len(chain.entries) < 2 or chain.entries[-2][1] != stage)
    if not moved or ctx.starter is None:  # history filled in, or no move (already there)
        return []
    rules = rules_in_force(ctx.session, ctx.rules_path, ctx.pipeline).rules
    return fire_rules(ctx.session, ctx.starter, rules, deal, _entry_id(ctx, deal, stage, at), ctx.now)


def _entry_id(ctx: Context, deal: Deal, stage: str, at: datetime) -> int | None:
    return ctx.session.scalar(select(StageEntry.id).where(
        StageEntry.deal_id == deal.id, StageEntry.stage == stage, StageEntry.entered_at == at))


def get_deal(ctx: Context, external_id: str, manager: str | None):
    """A deal with its history, if the scope (a manager's own deals, or all) includes it."""
    deal = find_deal(ctx, external_id)
    if deal is None or (manager is not None and deal.manager != manager):
        raise NotFound("No such deal.")
    history = ctx.session.scalars(select(StageEntry).where(StageEntry.deal_id == deal.id)
                                  .order_by(StageEntry.entered_at, StageEntry.id))
    return deal_view(deal, list(history))


def list_deals(ctx: Context, filters: dict, page: int, page_size: int):
    """Deals matching ``filters`` (stage, source, manager, created_from, created_to), newest
    first, with the total."""
    query = select(Deal)
    for name in ("stage", "source", "manager"):
        if filters.get(name) is not None:
            query = query.where(getattr(Deal, name) == filters[name])
    if filters.get("created_from") is not None:
        query = query.where(Deal.created_at >= filters["created_from"])
    if filters.get("created_to") is not None:
        query = query.where(Deal.created_at < filters["created_to"])
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = ctx.session.scalars(query.order_by(Deal.created_at.desc(), Deal.id.desc())
                               .limit(page_size).offset((page - 1) * page_size))
    return [deal_view(row) for row in rows], total

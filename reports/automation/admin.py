"""The admins' side of stage automation: read and replace the rules, see the runs, retry one."""
from __future__ import annotations

from sqlalchemy import func, select

from reports.automation.rules import RuleSet, parse_rules, rules_in_force, save_rules
from reports.automation.runner import start_process
from reports.errors import Conflict, NotFound
from reports.models import AutomationRun, Deal
from reports.views import run_view


def rules(ctx) -> RuleSet:
    """The rules in force."""
    return rules_in_force(ctx.session, ctx.rules_path, ctx.pipeline)


def replace(ctx, items, actor: str) -> RuleSet:
    """Check every rule, then replace the whole list (nothing is saved when one is invalid)."""
    return save_rules(ctx.session, parse_rules(items, ctx.pipeline), actor, ctx.now)


def runs(ctx, failed: bool, page: int, page_size: int):
    """Runs newest first, with the total; ``failed``: only those that started no process."""
    query = select(AutomationRun, Deal.external_id).join(Deal, Deal.id == AutomationRun.deal_id)
    if failed:
        query = query.where(AutomationRun.instance_id.is_(None))
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = ctx.session.execute(query.order_by(AutomationRun.at.desc(), AutomationRun.id.desc())
                               .limit(page_size).offset((page - 1) * page_size))
    return [run_view(run, external_id) for run, external_id in rows], total


def retry(ctx, run_id):
    """Start a failed run's process again, with its rule and its deal as they are now."""
    run_id = str(run_id)
    run = ctx.session.get(AutomationRun, int(run_id), with_for_update=True) if run_id.isdigit() and len(run_id) < 10 else None
    if run is None:
        raise NotFound("No such automation run.")
    if run.instance_id is not None:
        raise Conflict("This run already started its process.")
    rule = next((r for r in rules(ctx).rules if r.id == run.rule_id), None)
    if rule is None:
        raise Conflict(f"The rule {run.rule_id!r} is no longer in force.")
    deal = ctx.session.get(Deal, run.deal_id)
    if ctx.starter is None:
        raise Conflict("Automation is not wired to the engine here.")
    run.at = ctx.now
    start_process(ctx.session, ctx.starter, rule, deal, run)
    ctx.session.flush()
    return run_view(run, deal.external_id)

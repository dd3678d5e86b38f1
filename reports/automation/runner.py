"""Applying the rules to one entry into a stage, inside the stage change's own transaction.

The process starts through the injected ``starter`` (``start_in(session, key, data, actor)``,
the engine's), in a SAVEPOINT: when the engine refuses the start (its start form, an unknown
user or process) the savepoint is rolled back, the refusal is recorded as a failed run for
admins, and the stage change itself still commits. Anything else (a bug, the database going
away) propagates and nothing of the change is kept."""
from __future__ import annotations

from datetime import datetime

from reports.automation.rules import Rule, render
from reports.models import AutomationRun, Deal


def refusal(error: Exception) -> tuple[str, dict | None] | None:
    """(message, field errors) when ``error`` is a domain error (it has a ``message``)."""
    message = getattr(error, "message", None)
    if not isinstance(message, str):
        return None
    errors = getattr(error, "errors", None)
    return message, dict(errors) if isinstance(errors, dict) else None


def start_process(session, starter, rule: Rule, deal: Deal, run: AutomationRun) -> None:
    """Start the rule's process for the deal and note the outcome on ``run``."""
    data = {name: render(value, deal) for name, value in rule.data.items()}
    actor = render(rule.start_as, deal)
    try:
        with session.begin_nested():
            instance = starter.start_in(session, rule.process_key, data, str(actor or ""))
    except Exception as error:  # the engine's errors are not ours to import: judged by shape
        refused = refusal(error)
        if refused is None:
            raise
        run.instance_id, (run.error, run.error_fields) = None, refused
        return
    run.instance_id, run.error, run.error_fields = instance.id, None, None


def fire_rules(session, starter, rules, deal: Deal, entry_id: int, now: datetime) -> list[AutomationRun]:
    """Apply every enabled rule for the stage the deal has just entered (entry ``entry_id``)."""
    runs = []
    for rule in rules:
        if not rule.enabled or rule.stage != deal.stage:
            continue
        run = AutomationRun(deal_id=deal.id, entry_id=entry_id, rule_id=rule.id, stage=rule.stage,
                            process_key=rule.process_key, at=now)
        start_process(session, starter, rule, deal, run)
        session.add(run)
        runs.append(run)
    if runs:
        session.flush()
    return runs

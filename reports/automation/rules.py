"""Automation rules: parsed and checked from JSON or TOML, stored as one document per database.

Until an admin saves rules, the shipped file (``INVOICEFLOW_REPORTS_AUTOMATION_RULES``) applies;
saving an empty list turns automation off."""
from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from reports.errors import InvalidInput
from reports.models import ReportsSetting
from reports.pipeline import Pipeline

SETTING = "automation_rules"
DEAL_FIELDS = ("external_id", "title", "stage", "source", "manager", "created_at", "amount", "currency",
               "closed_at")
RULE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
TEMPLATE = re.compile(r"^\$\{\s*([a-z_]+)\s*\}$")
RULE_KEYS = {"id", "name", "stage", "process_key", "start_as", "data", "enabled"}


@dataclass(frozen=True)
class Rule:
    """When a deal enters ``stage``, start ``process_key`` as ``start_as`` with ``data``."""

    id: str
    stage: str
    process_key: str
    start_as: str
    data: dict = field(default_factory=dict)
    name: str = ""
    enabled: bool = True

    def as_dict(self) -> dict:
        """The rule as the API and the stored document show it."""
        return asdict(self)


@dataclass(frozen=True)
class RuleSet:
    """The rules in force and where they come from."""

    rules: tuple[Rule, ...]
    origin: str  # "default" (the shipped file) or "saved"
    updated_by: str | None = None
    updated_at: datetime | None = None


def parse_rules(items, pipeline: Pipeline) -> tuple[Rule, ...]:
    """Check a list of rule objects; InvalidInput lists every problem by ``rules.N.field``."""
    if not isinstance(items, list):
        raise InvalidInput("Rules are a list.", {"rules": ["Must be a list."]})
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, item in enumerate(items):
        found = _rule_problems(item, pipeline)
        rule_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(rule_id, str) and rule_id in seen:
            found.setdefault("id", []).append(f"Rule id {rule_id!r} repeats.")
        seen.add(rule_id)
        problems.update({f"rules.{index}.{name}": messages for name, messages in found.items()})
    if problems:
        raise InvalidInput("The automation rules are not valid.", problems)
    return tuple(Rule(**{**item, "data": dict(item.get("data") or {})}) for item in items)


def _rule_problems(item, pipeline: Pipeline) -> dict[str, list[str]]:
    if not isinstance(item, dict):
        return {"_rule": ["Must be an object."]}
    problems = {name: ["Unknown field."] for name in set(item) - RULE_KEYS}
    problems.update({name: ["Required."] for name in ("id", "stage", "process_key", "start_as")
                     if not isinstance(item.get(name), str) or not item[name].strip()})
    if isinstance(item.get("id"), str) and not RULE_ID.match(item["id"]):
        problems["id"] = ["1-64 letters, digits, '_', '.', '-'."]
    if isinstance(item.get("stage"), str) and item["stage"] not in pipeline.codes:
        problems["stage"] = [f"Unknown stage; the pipeline has: {', '.join(pipeline.codes)}."]
    data = item.get("data", {})
    if not isinstance(data, dict):
        problems["data"], data = ["Must be an object."], {}
    if not isinstance(item.get("enabled", True), bool) or not isinstance(item.get("name", ""), str):
        problems["enabled"] = ["enabled is true or false, name a string."]
    for name, templates in (("start_as", [item.get("start_as")]), ("data", data.values())):
        unknown = sorted(_fields(templates) - set(DEAL_FIELDS))
        if unknown:
            problems[name] = [f"Unknown deal fields: {', '.join(unknown)}; known: {', '.join(DEAL_FIELDS)}."]
    return problems


def _fields(templates) -> set[str]:
    return {match.group(1) for t in templates if isinstance(t, str) and (match := TEMPLATE.match(t))}


def load_rules_file(path: str | Path, pipeline: Pipeline) -> tuple[Rule, ...]:
    """The rules of a TOML file (``[[rules]]`` tables)."""
    document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return parse_rules(document.get("rules", []), pipeline)


def rules_in_force(session, default_path: Path, pipeline: Pipeline) -> RuleSet:
    """The saved rules, or the shipped file's when none were ever saved."""
    saved = session.get(ReportsSetting, SETTING)
    if saved is None:
        return RuleSet(load_rules_file(default_path, pipeline), "default")
    # Checked when saved; read as they are, so a later change of the pipeline never stops stage
    # changes (a rule for a stage that is gone simply never fires).
    rules = tuple(Rule(**{**item, "data": dict(item.get("data") or {})}) for item in saved.value.get("rules", []))
    return RuleSet(rules, "saved", saved.updated_by, saved.updated_at)


def save_rules(session, rules: tuple[Rule, ...], actor: str, now: datetime) -> RuleSet:
    """Replace the rules in force (they were checked by ``parse_rules``)."""
    value = {"rules": [rule.as_dict() for rule in rules]}
    row = session.get(ReportsSetting, SETTING)
    if row is None:
        row = ReportsSetting(name=SETTING)
        session.add(row)
    row.value, row.updated_by, row.updated_at = value, actor, now
    session.flush()
    return RuleSet(rules, "saved", actor, now)


def render(template, deal):
    """A rule value for one deal: "${field}" is the deal's field (as JSON text), else literal."""
    match = TEMPLATE.match(template) if isinstance(template, str) else None
    if not match:
        return template
    value = getattr(deal, match.group(1))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value

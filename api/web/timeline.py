"""The audit trail in plain words: who did what, when, with which comment.

Each entry of an instance's history becomes one line of the invoice page's timeline. What a
completed task submitted is told with its form's labels in the reader's language, so a step
that an analyst adds with a new form reads well without code here.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask_babel import gettext as _

import forms
from api.web.i18n import day, group, language, money, status
from translations import N_

EVENTS = {
    "instance_started": N_("Started the invoice"),
    "task_claimed": N_("Took the task «%(task)s»"),
    "task_unclaimed": N_("Gave the task «%(task)s» back"),
    "task_withdrawn": N_("The task «%(task)s» was withdrawn"),
    "reminder_sent": N_("Sent a reminder: a task is overdue"),
    "instance_cancelled": N_("Cancelled the invoice"),
    "instance_failed": N_("The process stopped on an error"),
}
# Outcomes of the shipped forms, as a past event.
OUTCOMES = {
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "revise": N_("sent back for revision"),
    "confirm": N_("payment confirmed"),
}
QUIET_EVENTS = frozenset({"timers_fired"})  # the reminder it leads to is what people care about
COMMENT_FIELDS = ("comment", "reason")


@dataclass(frozen=True)
class Line:
    """One line of the timeline."""

    at: object
    who: str
    what: str
    details: list[str] = field(default_factory=list)
    comment: str | None = None
    system: bool = False  # the engine's own doing (a task handed on, a reminder)


def timeline(history, people: dict[str, str]) -> list[Line]:
    """The history's entries worth telling, oldest first."""
    told = [entry for entry in history if entry.event not in QUIET_EVENTS]
    return [replace(_line(entry, people), system=entry.actor == "system") for entry in told]


def _line(entry, people: dict[str, str]) -> Line:
    who = _("System") if entry.actor == "system" else people.get(entry.actor, entry.actor)
    task = _(entry.task_name) if entry.task_name else ""
    if entry.event == "task_created":
        return Line(entry.at, who, _("The task «%(task)s» went to %(whom)s", task=task,
                                     whom=_holder(entry.data, people)))
    if entry.event == "task_completed":
        return _completed(entry, who, task, people)
    if entry.event == "instance_completed":
        return Line(entry.at, who, _("Finished: %(status)s", status=status(entry.data.get("status"))))
    if entry.event == "instance_started":
        return Line(entry.at, who, _(EVENTS["instance_started"]), _submitted(entry.data, (), people))
    if entry.event in EVENTS:
        return Line(entry.at, who, _(EVENTS[entry.event], task=task), comment=entry.data.get("reason"))
    return Line(entry.at, who, entry.event)


def _holder(data: dict, people: dict[str, str]) -> str:
    if data.get("assignee"):
        return people.get(data["assignee"], data["assignee"])
    return ", ".join(group(name) for name in data.get("candidate_groups") or ())


def _completed(entry, who: str, task: str, people: dict[str, str]) -> Line:
    submitted = entry.data.get("data") or {}
    form_key = entry.data.get("form_key")
    outcome_field = forms.load_form(form_key).outcome_field if form_key else None
    outcome = submitted.get(outcome_field) if outcome_field else None
    if outcome in OUTCOMES and not (form_key == "confirm_payment" and outcome == "reject"):
        what = _("«%(task)s»: %(outcome)s", task=task, outcome=_(OUTCOMES[outcome]))
    elif form_key == "confirm_payment" and outcome == "reject":
        what = _("«%(task)s»: payment refused", task=task)
    else:
        what = _("«%(task)s»: done", task=task)
    comment = next((submitted[name] for name in COMMENT_FIELDS if submitted.get(name)), None)
    details = _submitted(entry.data, (outcome_field, *COMMENT_FIELDS), people)
    return Line(entry.at, who, what, details, comment)


def _submitted(event_data: dict, skip, people: dict[str, str]) -> list[str]:
    """``Label: value`` of each field a form submitted, in the reader's language."""
    form_key, values = event_data.get("form_key"), event_data.get("data") or {}
    if not form_key or not forms.form_exists(form_key):
        return []
    definition = forms.load_form(form_key)
    lines = []
    for fdef in definition.fields:
        value = values.get(fdef.name)
        if fdef.name in skip or value in (None, "", []):
            continue
        lines.append(f"{fdef.label(language())}: {_shown(fdef, value, values, people)}")
    return lines


def _shown(fdef, value, values: dict, people: dict[str, str]) -> str:
    if fdef.type in ("username", "usernames"):
        names = value if isinstance(value, list) else [value]
        return ", ".join(people.get(name, name) for name in names)
    if fdef.choices:
        labels = {choice.value: choice.label(language()) for choice in fdef.choices}
        items = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(item, item) for item in items)
    if fdef.type == "attachment":
        return _("a new document")
    if fdef.type == "decimal":
        return money(value, values.get("currency"))
    if fdef.type == "date":
        return day(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def outcome_label(code: str | None) -> str:
    """A decision's outcome code in words (``approve`` -> "approved")."""
    return _(OUTCOMES[code]) if code in OUTCOMES else (code or "")

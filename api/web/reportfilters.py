"""The reports page's filter form: read with the REST endpoint's own schema, the period this month
by default, mistakes told beside their fields in the reader's language."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import marshmallow as ma
from flask_babel import gettext as _

from api.reports.schemas import ConversionQuerySchema
from translations import N_

FIELDS = ("date_from", "date_to", "source", "manager", "target")
DATES = ("date_from", "date_to")
# What a field's value was refused for, in words; the schema's and the reports module's own
# messages are English for the API.
MALFORMED = {
    "date_from": N_("Enter the date as YYYY-MM-DD, for example 2026-01-31."),
    "date_to": N_("Enter the date as YYYY-MM-DD, for example 2026-01-31."),
    "source": N_("At most 64 characters."),
    "manager": N_("At most 64 characters."),
    "target": N_("Choose a stage of the sales pipeline."),
    "by": N_("Choose overall, by channel or by manager."),
}
REFUSED = {
    "date_to": N_("The period ends before it starts."),
    "target": N_("Choose a stage of the sales pipeline."),
}
OTHERWISE = N_("This value is not valid.")
LABELS = {"date_from": N_("From"), "date_to": N_("To"), "source": N_("Sales channel"),
          "manager": N_("Manager"), "target": N_("Target stage"), "by": N_("Grouping")}


def field_labels() -> dict[str, str]:
    """The filter fields' labels in the reader's language."""
    return {name: _(label) for name, label in LABELS.items()}


@dataclass
class Filters:
    """``values``: the texts the form shows; ``args``: the parsed filters for ``Reports`` (with
    ``by``); ``errors``: field -> messages to show."""

    values: dict[str, str]
    args: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def refused(self, errors: dict[str, list[str]] | None) -> None:
        """Take the reports module's refusal (an ``InvalidInput``'s fields) as the form's errors."""
        for name in errors or {"date_to": []}:
            self.errors[name] = [_(REFUSED.get(name, OTHERWISE))]

    def summary(self, labels: dict[str, str]) -> list[tuple[str, str | None, str]]:
        """``(field, label, message)`` for the error summary above the form."""
        return [(name, labels.get(name), message) for name, messages in self.errors.items() for message in messages]

    @property
    def report_args(self) -> dict:
        """The filters every report takes (not the conversion's grouping or target)."""
        return {name: value for name, value in self.args.items() if name not in ("by", "target")}

    @property
    def query(self) -> dict:
        """The filters as URL parameters (the period as shown, so a link keeps it)."""
        return {name: self.values[name] for name in FIELDS if self.values.get(name) or name in DATES}


def read_filters(query, this_month: tuple[date, date], default_target: str) -> Filters:
    """The filters asked for in ``query`` (``request.args``). Without any date, the period is
    ``this_month``; an emptied date leaves that end open; no target: ``default_target``."""
    values = {name: query.get(name, "").strip() for name in FIELDS}
    if not any(name in query for name in DATES):
        values.update(date_from=this_month[0].isoformat(), date_to=this_month[1].isoformat())
    values["target"] = values["target"] or default_target
    given = {name: value for name, value in values.items() if value}
    if "by" in query:
        given["by"] = query["by"]
    try:
        args = ConversionQuerySchema().load(given, unknown=ma.EXCLUDE)
    except ma.ValidationError as err:
        errors = {name: [_(MALFORMED.get(name, OTHERWISE))] for name in err.messages}
        return Filters(values, errors=errors)
    args.pop("format", None)
    return Filters(values, args)

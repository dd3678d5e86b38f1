"""The reports as the page shows them: the figures formatted, stage names and texts in the
reader's language, a chart and the rows of its table for each report."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from api.web.charts import Bar, PairedBar, funnel_svg, paired_bars_svg

DASH = "—"


def percent_text(value: float | None) -> str:
    """``33,33 %`` in Russian, ``33.33 %`` in English; a dash when there is no ratio."""
    return DASH if value is None else f"{format_decimal(value, '#,##0.##')}\u00a0%"


def hours_text(seconds: float | None) -> str:
    """A median time in hours (one decimal), as in the CSV; a dash when no deal has left."""
    return DASH if seconds is None else _("%(hours)s h", hours=format_decimal(seconds / 3600, "#,##0.#"))


@dataclass(frozen=True)
class StageRow:
    name: str
    kind: str
    in_stage: int
    reached: int
    from_previous: str
    from_first: str
    median: str
    bottleneck: bool


@dataclass(frozen=True)
class GroupRow:
    label: str
    created: int
    converted: int
    percent: str


@dataclass(frozen=True)
class Section:
    """One report on the page: its chart (empty when there is nothing to draw) and table rows."""

    chart: Markup
    rows: list


@dataclass(frozen=True)
class ReportPage:
    target: str  # the target stage's name
    created: int
    converted: int
    percent: str
    funnel: Section
    bottleneck: str | None
    channels: Section
    managers: Section


def report_page(overall, channels, managers, funnel, locale: str) -> ReportPage:
    """The page of four reports over the same filters (conversion overall, by channel, by
    manager, and the funnel)."""
    target = overall.target.name(locale)
    bottleneck = funnel.bottleneck
    return ReportPage(
        target=target, created=overall.total.created, converted=overall.total.converted,
        percent=percent_text(overall.total.percent),
        funnel=funnel_section(funnel, locale), bottleneck=bottleneck.name(locale) if bottleneck else None,
        channels=groups_section(channels, target, "chart-channels", _("Conversion by sales channel")),
        managers=groups_section(managers, target, "chart-managers", _("Conversion by manager")))


def funnel_section(report, locale: str) -> Section:
    """The funnel: a bar per stage (the success path, then the failure stages)."""
    rows, bars = [], []
    for stage in report.stages:
        name = stage.stage.name(locale)
        row = StageRow(name, stage.stage.kind, stage.in_stage, stage.reached, percent_text(stage.from_previous),
                       percent_text(stage.from_first), hours_text(stage.median_seconds), stage.bottleneck)
        rows.append(row)
        tip = _("%(stage)s: reached by %(reached)s, %(first)s of the first stage, %(previous)s of the previous one",
                stage=name, reached=row.reached, first=row.from_first, previous=row.from_previous)
        kind = "bottleneck" if row.bottleneck else "failure" if stage.stage.failure else ""
        if row.bottleneck:
            tip = " ".join([tip + ".", _("The bottleneck.")])
        text = f"{row.reached} · {row.from_first}" if stage.from_first is not None else str(row.reached)
        bars.append(Bar(name, row.reached, text, tip, kind))
    if not report.created:
        return Section(Markup(""), rows)
    description = _("Deals created in the period: %(created)s. The width of each bar is the number of deals "
                    "that reached the stage.", created=report.created)
    return Section(funnel_svg(bars, "chart-funnel", _("Sales funnel"), description), rows)


def groups_section(report, target: str, chart_id: str, title: str) -> Section:
    """Conversion per channel or manager: deals created and deals that reached the target."""
    rows, bars = [], []
    for group in report.rows:
        label = group.key if group.key is not None else _("(not specified)")
        row = GroupRow(label, group.created, group.converted, percent_text(group.percent))
        rows.append(row)
        tip = _("%(label)s: %(converted)s of %(created)s deals reached «%(target)s» (%(percent)s)",
                label=label, converted=row.converted, created=row.created, target=target, percent=row.percent)
        bars.append(PairedBar(label, row.created, row.converted,
                              f"{row.created} → {row.converted} · {row.percent}", tip))
    if not rows:
        return Section(Markup(""), rows)
    legend = (_("Deals created"), _("Reached «%(target)s»", target=target))
    description = _("For each row, the upper bar is the deals created, the lower one those that reached "
                    "«%(target)s».", target=target)
    return Section(paired_bars_svg(bars, chart_id, title, legend, description), rows)

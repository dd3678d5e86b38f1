"""Shaping the reports for the response: JSON-ready dicts in the caller's language, or CSV."""
from __future__ import annotations

from flask import Response

from reports.export import conversion_csv, funnel_csv


def _period(query, time_zone: str) -> dict:
    return {"date_from": query.period.date_from, "date_to": query.period.date_to, "time_zone": time_zone}


def _filters(query) -> dict:
    return {"source": query.source, "manager": query.manager}


def _row(row) -> dict:
    return {"key": row.key, "created": row.created, "converted": row.converted, "conversion_pct": row.percent}


def conversion_data(report, time_zone: str, locale: str) -> dict:
    """The conversion report for ``ConversionSchema``."""
    return {"period": _period(report.query, time_zone), "filters": _filters(report.query), "by": report.by,
            "target": {"code": report.target.code, "name": report.target.name(locale)},
            "total": _row(report.total), "rows": [_row(row) for row in report.rows]}


def funnel_data(report, time_zone: str, locale: str) -> dict:
    """The funnel for ``FunnelSchema``."""
    stages = [{"code": row.stage.code, "name": row.stage.name(locale), "kind": row.stage.kind,
               "in_stage": row.in_stage, "reached": row.reached, "from_previous_pct": row.from_previous,
               "from_first_pct": row.from_first, "left": row.left, "median_seconds": row.median_seconds,
               "bottleneck": row.bottleneck} for row in report.stages]
    bottleneck = report.bottleneck
    return {"period": _period(report.query, time_zone), "filters": _filters(report.query),
            "created": report.created, "stages": stages, "bottleneck": bottleneck.code if bottleneck else None}


def csv_response(name: str, report, locale: str) -> Response:
    """The report as a CSV download named after it and its period."""
    text = conversion_csv(report, locale) if name == "conversion" else funnel_csv(report, locale)
    period = report.query.period
    span = "-".join(str(day) for day in (period.date_from, period.date_to) if day) or "all"
    response = Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{span}.csv"'
    return response

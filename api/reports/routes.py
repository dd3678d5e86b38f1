"""``GET /reports/conversion`` and ``GET /reports/funnel`` (JSON, or CSV with ``format=csv``).

``director``, ``analysts`` and ``admins`` see every deal; ``managers`` their own; others 403."""
from __future__ import annotations

from api.auth import current_user
from api.common import Blueprint
from api.reports.render import conversion_data, csv_response, funnel_data
from api.reports.schemas import ConversionQuerySchema, ConversionSchema, FunnelSchema, ReportQuerySchema
from api.reports.service import answer_reports_errors, current_locale, current_reports

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Conversion and funnel reports over the deals")
answer_reports_errors(blp)

CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}


@blp.route("/conversion", methods=["GET"])
@blp.arguments(ConversionQuerySchema, location="query")
@blp.response(200, ConversionSchema, content_type="application/json")
@blp.doc(responses={200: {"content": CSV_CONTENT}})
@blp.errors(403, 422)
def conversion(args):
    """Of the deals created in the period, how many reached the target stage (default
    ``prepayment_received``), in percent: overall (``by=none``), per sales channel or per manager."""
    fmt = args.pop("format")
    reports = current_reports()
    report = reports.conversion(current_user(), **args)
    if fmt == "csv":
        return csv_response("conversion", report, current_locale())
    return conversion_data(report, reports.settings.timezone, current_locale())


@blp.route("/funnel", methods=["GET"])
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, FunnelSchema, content_type="application/json")
@blp.doc(responses={200: {"content": CSV_CONTENT}})
@blp.errors(403, 422)
def funnel(args):
    """The sales funnel: per stage the deals in it now, the deals that reached it, the conversion
    from the previous and the first stage, the median time spent in it; and the bottleneck."""
    fmt = args.pop("format")
    reports = current_reports()
    report = reports.funnel(current_user(), **args)
    if fmt == "csv":
        return csv_response("funnel", report, current_locale())
    return funnel_data(report, reports.settings.timezone, current_locale())

"""The reports on deals: conversion overall, by channel and by manager, and the sales funnel,
with their charts, over one filter form; each as CSV too.

The reports module decides who sees what: the director, analysts and admins every deal, a
manager their own (anyone else gets the "not allowed" page)."""
from __future__ import annotations

from flask import abort, render_template, request

from api.reports.render import csv_response
from api.reports.service import current_reports
from api.web.blueprint import blueprint
from api.web.i18n import language
from api.web.reportfilters import field_labels, read_filters
from api.web.reportview import report_page
from api.web.session import signed_in, web_user
from reports import access
from reports.errors import InvalidInput

CSV_REPORTS = ("conversion", "funnel")


def may_see_reports() -> bool:
    """Whether the signed-in person gets the reports link (the reports module's rule)."""
    user = web_user()
    return user is not None and access.sees_reports(user)


@blueprint.get("/reports")
@signed_in
def reports():
    """The four reports for the period and filters asked for (this month by default)."""
    service, viewer = current_reports(), web_user()
    scope = service.scope(viewer)
    filters = read_filters(request.args, service.current_month(), service.settings.target_stage)
    page = None
    if not filters.errors:
        try:
            args, common = filters.args, filters.report_args
            overall = service.conversion(viewer, **common, target=args["target"])
            channels = service.conversion(viewer, **common, target=args["target"], by="channel")
            managers = service.conversion(viewer, **common, target=args["target"], by="manager")
            funnel = service.funnel(viewer, **common)
            page = report_page(overall, channels, managers, funnel, language())
        except InvalidInput as err:
            filters.refused(err.errors)
    return _render(filters, page, scope), 200 if page else 422


@blueprint.get("/reports/<name>.csv")
@signed_in
def report_csv(name):
    """A report as the same CSV the REST API gives (``by`` for the conversion's grouping)."""
    if name not in CSV_REPORTS:
        abort(404)
    service, viewer = current_reports(), web_user()
    scope = service.scope(viewer)
    filters = read_filters(request.args, service.current_month(), service.settings.target_stage)
    if not filters.errors:
        try:
            if name == "conversion":
                report = service.conversion(viewer, **filters.report_args, target=filters.args["target"],
                                            by=filters.args.get("by", "none"))
            else:
                report = service.funnel(viewer, **filters.report_args)
            return csv_response(name, report, language())
        except InvalidInput as err:
            filters.refused(err.errors)
    return _render(filters, None, scope), 422


def _render(filters, page, scope):
    service = current_reports()
    stages = [(stage.code, stage.name(language())) for stage in service.pipeline.path]
    return render_template("web/reports.html", filters=filters, page=page, own=scope, stages=stages,
                           labels=field_labels(), time_zone=service.settings.timezone)

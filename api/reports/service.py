"""The reports module as the web layer sees it: built once per app on the engine's database,
its errors answered in the contract's single shape."""
from __future__ import annotations

from flask import current_app

from api.auth import current_engine, current_user
from api.errors import error_response
from api.labels import locale_of
from reports import Reports, ReportsSettings
from reports.errors import Conflict, InvalidInput, NotAllowed, NotFound, ReportsError

EXTENSION = "invoiceflow.reports"
STATUS_OF = ((NotFound, 404), (NotAllowed, 403), (Conflict, 409), (InvalidInput, 422))


def current_reports() -> Reports:
    """The app's reports module: on the engine's session factory, starting processes through it
    (built on first use from ``INVOICEFLOW_REPORTS_*``; tests may put their own in the extension)."""
    reports = current_app.extensions.get(EXTENSION)
    if reports is None:
        engine = current_engine()
        reports = Reports(engine.session_factory(), ReportsSettings.from_env(), starter=engine,
                          clock=engine.clock.now)
        reports = current_app.extensions.setdefault(EXTENSION, reports)
    return reports


def current_locale() -> str:
    """The caller's language for stage names and CSV headers."""
    return locale_of(current_user())


def handle_reports_error(error: ReportsError):
    """A reports error as the contract's error response."""
    code = next((status for kind, status in STATUS_OF if isinstance(error, kind)), 400)
    return error_response(code, error.message, error.errors)


def answer_reports_errors(blueprint) -> None:
    """Install the handler on a blueprint whose views call the reports module."""
    blueprint.register_error_handler(ReportsError, handle_reports_error)

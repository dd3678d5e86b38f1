"""Failures as pages people can read: the domain errors and HTTP errors of the web pages."""
from __future__ import annotations

import logging

from flask import render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, InvalidInput, InvoiceFlowError, NotAllowed, NotFound
from reports import errors as reports_errors

log = logging.getLogger("invoiceflow.web")

# A policy that fits pages with no inline script and no outside resources.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def security_headers(response):
    """After each page: no framing, no sniffing, no outside resources; pages are not cached."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def _page(code: int, title: str, message: str):
    return render_template("web/error.html", code=code, title=title, message=message), code


def domain_error(error: InvoiceFlowError):
    """Not found, not allowed, changed meanwhile: said plainly, with the way back."""
    if isinstance(error, NotFound):
        return _page(404, _("Not found"), _("There is nothing here, or it is not visible to you."))
    if isinstance(error, NotAllowed):
        return _page(403, _("Not allowed"), _("You may not do this."))
    if isinstance(error, Conflict):
        return _page(409, _("Changed meanwhile"),
                     _("Someone has already acted on this, or the invoice is no longer in progress. "
                       "Open it again to see where it stands."))
    if isinstance(error, InvalidInput):
        return _page(400, _("Cannot do this"), _("The request is not valid."))
    return _page(400, _("Cannot do this"), _("The request is not valid."))


def reports_error(error: reports_errors.ReportsError):
    """The reports module's refusals, said as the engine's are (a page handles bad input itself)."""
    if isinstance(error, reports_errors.NotFound):
        return _page(404, _("Not found"), _("There is nothing here, or it is not visible to you."))
    if isinstance(error, reports_errors.NotAllowed):
        return _page(403, _("Not allowed"), _("You may not do this."))
    return _page(400, _("Cannot do this"), _("The request is not valid."))


def http_error(error: HTTPException):
    """A refused form (no CSRF token), a file too large, an unknown page ..."""
    code = error.code or 500
    if code == 400 and error.description == "csrf":
        return _page(400, _("The form has expired"),
                     _("The form was not sent from this site's page, or the page is too old. "
                       "Go back, reload the page and send it again."))
    if code == 413:
        return _page(413, _("The file is too large"), _("Choose a smaller file and send the form again."))
    if code == 404:
        return _page(404, _("Not found"), _("There is nothing here, or it is not visible to you."))
    return _page(code, error.name, _("The request could not be handled."))


def unexpected(error: Exception):
    """Anything else: logged with its traceback; the person sees a plain apology."""
    if isinstance(error, HTTPException):
        return http_error(error)
    log.exception("unhandled error on a web page", exc_info=error)
    return _page(500, _("Something went wrong"), _("The error has been logged. Please try again later."))


def register(blueprint) -> None:
    """Install the handlers on the pages' blueprint (the API keeps its JSON ones)."""
    blueprint.register_error_handler(InvoiceFlowError, domain_error)
    blueprint.register_error_handler(reports_errors.ReportsError, reports_error)
    blueprint.register_error_handler(HTTPException, http_error)
    blueprint.register_error_handler(Exception, unexpected)

"""The one place that turns failures into HTTP: every error has the contract's single shape,
``{"code", "status", "message", "errors"?}``, and no request ends in a traceback."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from engine.attachments import UnsupportedType
from engine.errors import (
    Conflict, FormInvalid, InvalidBpmn, InvalidInput, InvoiceFlowError, NotAllowed, NotFound,
)

log = logging.getLogger("invoiceflow.errors")

# Domain error -> HTTP status. Order matters: the first matching class wins.
STATUS_OF = (
    (NotFound, 404),
    (NotAllowed, 403),
    (Conflict, 409),
    (FormInvalid, 422),
    (UnsupportedType, 415),
    (InvalidBpmn, 400),
    (InvalidInput, 422),
)

# webargs nests errors under the request location; the contract names fields directly.
LOCATIONS = {"json", "query", "form", "files", "headers", "view_args", "path"}


def error_body(code: int, message: str, errors: dict | None = None) -> dict:
    """The single error shape of the contract."""
    body = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": message}
    if errors:
        body["errors"] = errors
    return body


def error_response(code: int, message: str, errors: dict | None = None, headers=None):
    """A JSON error response in the contract's shape."""
    response = jsonify(error_body(code, message, errors))
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(errors):
    """{"json": {"field": [...]}} -> {"field": [...]}; messages keep their lists."""
    if not isinstance(errors, dict):
        return {"_request": errors if isinstance(errors, list) else [str(errors)]}
    flat = {}
    for key, value in errors.items():
        if key in LOCATIONS and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def handle_domain_error(error: InvoiceFlowError):
    """Map a typed domain error to its status."""
    code = next((status for kind, status in STATUS_OF if isinstance(error, kind)), 400)
    return error_response(code, error.message, error.errors)


def handle_http_exception(error: HTTPException):
    """Werkzeug/webargs errors (404 route, 405, 413, malformed JSON, 422 schema) in our shape."""
    data = getattr(error, "data", None) or {}
    errors = data.get("messages")
    code = error.code or 500
    message = data.get("message") or _MESSAGES.get(code) or error.description or error.name
    if code == 422 and errors:
        message = "The request does not pass validation."
    headers = dict(data.get("headers") or {})
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(code, message, _flatten(errors) if errors else None, headers)


def handle_unexpected(error: Exception):
    """Anything else: log it with its traceback, answer 500 in the contract's shape."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error", exc_info=error)
    return error_response(500, "Internal server error; it has been logged.")


_MESSAGES = {
    400: "The request is malformed.",
    401: "Authentication required: send 'Authorization: Bearer <token>'.",
    404: "Not found.",
    405: "Method not allowed on this resource.",
    413: "The request body is too large.",
    415: "Unsupported content type.",
}


def register_error_handlers(app: Flask) -> None:
    """Install the handlers (after flask-smorest's, so ours win)."""
    app.register_error_handler(InvoiceFlowError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)

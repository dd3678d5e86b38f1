"""What every resource blueprint shares: the error schema, documented error responses,
pagination, and the content types a view accepts."""
from __future__ import annotations

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint as SmorestBlueprint

from api.errors import error_response

ERROR_DESCRIPTIONS = {
    400: "Malformed request (bad JSON, invalid BPMN ...)",
    401: "Missing, invalid or revoked token",
    403: "Authenticated but not allowed",
    404: "Unknown, or not visible to the caller",
    409: "Conflict: already completed, claimed by someone else, changed concurrently, not running",
    413: "Upload too large",
    415: "Unsupported content type",
    422: "Validation failed; `errors` maps fields to messages",
}


class ErrorSchema(ma.Schema):
    """The single error shape of every failure."""

    code = ma.fields.Integer(required=True, metadata={"example": 422})
    status = ma.fields.String(required=True, metadata={"example": "Unprocessable Entity"})
    message = ma.fields.String(required=True)
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(),
                            metadata={"description": "Field name -> messages, where fields are at fault"})


class Blueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose views document their error responses in one line."""

    def errors(self, *codes: int):
        """Document these error statuses (401 is added to every authenticated view)."""
        def decorator(view):
            for code in sorted({401, *codes}):
                view = self.alt_response(code, schema=ErrorSchema, description=ERROR_DESCRIPTIONS[code])(view)
            return view
        return decorator


class StrictSchema(ma.Schema):
    """Request bodies: unknown fields are an error, not silently ignored."""

    class Meta:
        unknown = ma.RAISE


def multipart(view):
    """Mark a view as taking ``multipart/form-data`` (every other body must be JSON)."""
    view._multipart = True
    return view


def check_content_type():
    """Refuse a body of the wrong type with 415 before any view parses it."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.path.startswith("/api/v1"):
        return None
    view = request.url_rule and _view_function(request.url_rule.endpoint)
    wants_multipart = getattr(view, "_multipart", False)
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    mimetype = request.mimetype
    if wants_multipart and mimetype != "multipart/form-data":
        return error_response(415, "Send the file as multipart/form-data (field 'file').")
    if not wants_multipart and has_body and mimetype != "application/json":
        return error_response(415, "Send the body as application/json.")
    return None


def _view_function(endpoint):
    from flask import current_app

    return current_app.view_functions.get(endpoint)

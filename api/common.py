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


# The largest page number of a list: (page - 1) * page_size must fit the database's integers
# (a larger page answered 500: OFFSET overflowed on SQLite and PostgreSQL).
MAX_PAGE = 2**31 - 1


class Blueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose views document their error responses in one line."""

    def paginate(self, *args, **kwargs):
        """flask-smorest's pagination with a largest ``page`` (documented; 422 beyond it)."""
        decorator = super().paginate(*args, **kwargs)

        def bounded(view):
            wrapper = decorator(view)
            # The parameters schema flask-smorest made for this view, used to parse and to document.
            schema = wrapper._apidoc["pagination"]["parameters"]["schema"]
            schema._declared_fields["page"].validators.append(ma.validate.Range(max=MAX_PAGE))
            return wrapper
        return bounded

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


def refuse_nul_characters():
    """Refuse a NUL character anywhere in a request (path, query, form, file name, JSON) with 400
    before any view runs: no field allows one, and PostgreSQL cannot store one in text (the
    query failed and the request ended in a 500)."""
    if not request.path.startswith("/api/v1"):
        return None
    texts = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        texts += [*request.form.keys(), *request.form.values(),
                  *(storage.filename or "" for storage in request.files.values())]
    if any("\x00" in text for text in texts) or (request.is_json and _has_nul(request.get_json(silent=True))):
        return error_response(400, "The request contains a NUL character (\\u0000).")
    return None


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False

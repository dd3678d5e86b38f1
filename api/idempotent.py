"""The ``Idempotency-Key`` header: a retried POST returns the first response, not a second effect."""
from __future__ import annotations

import hashlib
import json

from flask import jsonify, request

from engine.errors import InvalidInput
from engine.idempotency import IdempotencyKey, Reply

HEADER = "Idempotency-Key"

# The header as the OpenAPI document describes it.
IDEMPOTENCY_PARAMETER = {
    "in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string", "maxLength": 255},
    "description": "A retried request with the same key returns the first response and has no second effect.",
}


def idempotency_key(render) -> IdempotencyKey | None:
    """The request's key with a fingerprint of what it asks, or None without the header."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise InvalidInput("Idempotency-Key must be 1-255 printable characters.",
                           {HEADER: ["Invalid key."]})
    body = json.dumps(request.get_json(silent=True), sort_keys=True, ensure_ascii=False)
    fingerprint = hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()
    return IdempotencyKey(key, fingerprint, render)


def reply_response(reply: Reply):
    """The HTTP response of a (possibly replayed) reply."""
    response = jsonify(reply.body)
    response.status_code = reply.status
    if reply.location:
        response.headers["Location"] = reply.location
    if reply.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response

"""``GET /api/v1/me``."""
from __future__ import annotations

import marshmallow as ma

from api.auth import current_user
from api.common import Blueprint

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user")


class MeSchema(ma.Schema):
    username = ma.fields.String(required=True)
    full_name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    groups = ma.fields.List(ma.fields.String(), required=True)
    locale = ma.fields.String(required=True)


@blp.route("")
@blp.response(200, MeSchema)
@blp.errors()
def me():
    """The user the bearer token belongs to."""
    return current_user()

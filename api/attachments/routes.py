"""Upload a document; download it (uploader and the participants of instances using it)."""
from __future__ import annotations

import marshmallow as ma
from flask import send_file

from api.auth import current_engine, current_user
from api.common import Blueprint, multipart
from api.definitions.schemas import UploadSchema
from api.uploads import uploaded_file

blp = Blueprint("attachments", __name__, url_prefix="/api/v1/attachments",
                description="Uploaded documents (PDF, PNG, JPEG)")


class AttachmentSchema(ma.Schema):
    id = ma.fields.String(required=True)
    filename = ma.fields.String(required=True)
    content_type = ma.fields.String(required=True, metadata={"example": "application/pdf"})
    size = ma.fields.Integer(required=True)
    sha256 = ma.fields.String(required=True)


@blp.route("", methods=["POST"])
@blp.arguments(UploadSchema, location="files")
@blp.response(201, AttachmentSchema)
@blp.errors(413, 415, 422)
@multipart
def upload(_files):
    """Upload a file (checked by content: PDF, PNG or JPEG; size limited)."""
    content, name = uploaded_file()
    return current_engine().upload(content, name, current_user())


@blp.route("/<attachment_id>", methods=["GET"])
@blp.alt_response(200, description="The file's bytes", success=True,
                  content_type="application/octet-stream")
@blp.errors(404)
def download(attachment_id):
    """The bytes of an attachment, with its stored content type."""
    meta, path = current_engine().attachment(attachment_id, current_user())
    return send_file(path, mimetype=meta["content_type"], as_attachment=True,
                     download_name=meta["filename"], etag=meta["sha256"])

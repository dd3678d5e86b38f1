"""Reading the one uploaded file of a multipart request."""
from __future__ import annotations

from flask import request

from engine.errors import InvalidInput


def uploaded_file() -> tuple[bytes, str]:
    """The bytes and client file name of the ``file`` field (the size limit is the app's)."""
    storage = request.files.get("file")
    if storage is None:
        raise InvalidInput("Upload the file in the multipart field 'file'.", {"file": ["Missing file."]})
    content = storage.read()
    if not content:
        raise InvalidInput("The uploaded file is empty.", {"file": ["Empty file."]})
    return content, storage.filename or "upload"

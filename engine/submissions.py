"""A web form's submission: its files uploaded first, then the start or the completion.

A browser posts the document together with the form. The upload is kept even when the form
fails validation, so the page can keep it (a file input cannot be refilled) and the person
fixes only what was wrong; the form then names the kept upload by its id, which validation
checks like any other (it must be the submitter's own upload).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.attachments import UnsupportedType
from engine.errors import FormInvalid
from forms import messages

# field name -> (the file's bytes, the client's file name)
Files = Mapping[str, tuple[bytes, str]]


@dataclass(frozen=True)
class Submission:
    """What became of a submitted form: ``result`` when it went through, else ``errors``
    (field -> messages, translatable); ``data`` holds the kept uploads' ids in any case."""

    result: Any
    errors: dict[str, list[str]] | None
    data: dict
    uploads: dict[str, dict] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        """Whether the start or the completion happened."""
        return self.errors is None


def submit(upload: Callable[[bytes, str], dict], act: Callable[[dict], Any], data: dict,
           files: Files) -> Submission:
    """Upload ``files`` with ``upload``, then ``act`` on the data naming them.

    A refused file is reported on its field and nothing is acted on; a form that fails
    validation is reported with every field at fault. Other domain errors propagate.
    """
    data, uploads, errors = dict(data), {}, {}
    for name, (content, filename) in files.items():
        if not content:
            errors[name] = [messages.EMPTY_FILE]
            continue
        try:
            uploads[name] = upload(content, filename)
        except UnsupportedType:
            errors[name] = [messages.UNSUPPORTED_FILE]
            continue
        data[name] = uploads[name]["id"]
    if errors:
        return Submission(None, errors, data, uploads)
    try:
        return Submission(act(data), None, data, uploads)
    except FormInvalid as err:
        return Submission(None, dict(err.errors or {}), data, uploads)

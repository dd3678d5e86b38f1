"""Reading a posted HTML form into a form's data, as its definition describes the fields.

Lists come from repeated inputs (checkboxes, the approver selects, in their order); an
amount typed the Russian way (``15 000,50``) becomes ``15000.50``; a chosen file is handed to
the engine to upload; a document uploaded by an earlier attempt stays named by its id.
Validation itself is the engine's (the form definition's), never this module's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from forms import FormDefinition

LIST_TYPES = frozenset({"multichoice", "usernames"})
_SPACES = re.compile(r"[\s\u00a0\u202f']")


@dataclass
class PostedForm:
    """``data`` for the engine, ``values`` to show again, ``files`` to upload, ``kept`` uploads
    of an earlier attempt (field -> ``{id, filename}``)."""

    data: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    kept: dict = field(default_factory=dict)


def read_form(definition: FormDefinition, form, files) -> PostedForm:
    """The posted ``form`` (a MultiDict) and ``files`` for ``definition``'s input fields."""
    posted = PostedForm()
    for fdef in definition.fields:
        if fdef.readonly:
            continue
        if fdef.type in LIST_TYPES:
            items = [item.strip() for item in form.getlist(fdef.name) if item.strip()]
            posted.values[fdef.name] = posted.data[fdef.name] = items
        elif fdef.type == "attachment":
            _read_attachment(fdef.name, form, files, posted)
        else:
            raw = form.get(fdef.name, "")
            posted.values[fdef.name] = raw
            if raw.strip():
                posted.data[fdef.name] = decimal_text(raw) if fdef.type == "decimal" else raw
    return posted


def _read_attachment(name: str, form, files, posted: PostedForm) -> None:
    storage = files.get(name)
    if storage is not None and storage.filename:
        posted.files[name] = (storage.read(), storage.filename)
    elif form.get(name, "").strip():
        posted.data[name] = form[name].strip()
        posted.kept[name] = {"id": posted.data[name], "filename": form.get(f"{name}_filename", "")}


def decimal_text(raw: str) -> str:
    """``"15 000,50"`` -> ``"15000.50"``; ``"15,000.50"`` -> ``"15000.50"``; else unchanged but trimmed."""
    text = _SPACES.sub("", raw.strip())
    if "," in text and "." in text:
        return text.replace(",", "")
    return text.replace(",", ".")


def kept_uploads(posted: PostedForm, uploads: dict) -> dict:
    """The uploads to keep on the page after a failed attempt: this attempt's and earlier ones."""
    kept = dict(posted.kept)
    for name, meta in uploads.items():
        kept[name] = {"id": meta["id"], "filename": meta["filename"]}
    return kept

"""Validation messages in the reader's language, without Flask (Babel catalogs in ``translations/``).

A ``messages.Message`` is translated by its catalog id; with the form's definition at hand, the
field names and choice values it mentions become their labels ("required when Decision is
'Send back for revision'", not "when decision is 'revise'").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import translations

from .definition import FormDefinition
from .messages import Message


def localize(message: str, locale: str, definition: FormDefinition | None = None) -> str:
    """``message`` in ``locale``; a plain string (not a Message) is returned unchanged."""
    if not isinstance(message, Message):
        return str(message)
    text = translations.gettext(message.msgid, locale)
    return text.format(**_readable(message.params, locale, definition))


def localize_errors(errors: Mapping[str, list[str]], locale: str,
                    definition: FormDefinition | None = None) -> dict[str, list[str]]:
    """Every message of a ``{field: [message]}`` mapping in ``locale``."""
    return {name: [localize(text, locale, definition) for text in texts]
            for name, texts in errors.items()}


def _readable(params: dict[str, Any], locale: str, definition: FormDefinition | None) -> dict[str, Any]:
    """Field names and their values as labels, where the definition knows them."""
    named = definition is not None and params.get("field") in definition.field_names
    if not named:
        return params
    fdef = definition.field(params["field"])
    readable = {**params, "field": fdef.label(locale)}
    if "value" in params and fdef.choices:
        labels = {choice.value: choice.label(locale) for choice in fdef.choices}
        readable["value"] = ", ".join(labels.get(v, v) for v in str(params["value"]).split(", "))
    return readable

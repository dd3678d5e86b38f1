"""JSON description of a form for API clients (and later the HTML renderer)."""

from __future__ import annotations

import decimal
from typing import Any

from .definition import FieldDef, FormDefinition, normalize_locale


def describe_definition(definition: FormDefinition, locale: str = "ru") -> dict[str, Any]:
    """Everything a client needs to render the form, labels in ``locale`` (ru or en)."""
    lang = normalize_locale(locale)
    return {
        "key": definition.key,
        "title": definition.title(lang),
        "locale": lang,
        "outcome_field": definition.outcome_field,
        "fields": [describe_field(f, lang) for f in definition.fields],
        "context_fields": [{"name": c.name, "label": c.label(lang)} for c in definition.context_fields],
    }


def describe_field(fdef: FieldDef, locale: str = "ru") -> dict[str, Any]:
    """One field's description; ``limits`` holds the type options that are set."""
    rule = fdef.required_when
    return {
        "name": fdef.name,
        "type": fdef.type,
        "label": fdef.label(locale),
        "help": fdef.help(locale),
        "required": fdef.required,
        "required_when": {"field": rule.field, "in": list(rule.values)} if rule else None,
        "choices": [{"value": c.value, "label": c.label(locale)} for c in fdef.choices],
        "limits": {name: _json(value) for name, value in fdef.options.items()},
        "readonly": fdef.readonly,
        "default": _json(fdef.default),
        "default_from": fdef.default_from,
    }


def _json(value: Any) -> Any:
    # Decimals travel as strings, like cleaned decimal values do.
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, tuple):
        return list(value)
    return value

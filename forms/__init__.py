"""Declarative user-task forms: one ``definitions/<key>.toml`` file per form.

The same definition drives server-side validation (validate_form), the
JSON description for API clients (describe_form) and the HTML rendering
(the Jinja macros in ``forms/templates/``); validation messages are shown
in the reader's language with ``localize_errors``.  This package knows
nothing about HTTP or the engine; the engine imports it, never the reverse.

Every function takes an optional keyword ``directory`` to read definitions
from somewhere other than the packaged ``forms/definitions`` (tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .context import FormContext, StaticFormContext
from .definition import (
    Choice, ContextField, DefinitionError, FieldDef, FormDefinition, RequiredWhen,
)
from .describe import describe_definition
from .errors import FormInvalid, UnknownForm
from .i18n import localize, localize_errors
from .loader import (
    DEFINITIONS_DIR, clear_cache, form_exists, form_keys, load_definition_file, load_form,
    misnamed_files,
)
from .validation import schema_for, validate_data

__all__ = [
    "Choice", "ContextField", "DEFINITIONS_DIR", "DefinitionError", "FieldDef", "FormContext",
    "FormDefinition", "FormInvalid", "RequiredWhen", "StaticFormContext", "UnknownForm",
    "check_definitions", "clear_cache", "describe_definition", "describe_form", "form_exists",
    "form_keys", "attachment_fields", "load_definition_file", "load_form", "localize", "localize_errors",
    "validate_data", "validate_form",
]


def validate_form(key: str, data: Mapping[str, Any], context: FormContext, *,
                  directory: str | Path | None = None) -> dict[str, Any]:
    """Clean submitted ``data`` for form ``key``.

    Returns JSON-ready data (ISO date strings, decimal strings with fixed
    places, lists, defaults filled in; optional fields left empty are
    absent).  Raises FormInvalid with every error, UnknownForm for a bad key.
    """
    return validate_data(load_form(key, directory), data, context)


def attachment_fields(key: str, *, directory: str | Path | None = None) -> tuple[str, ...]:
    """Names of the fields of form ``key`` that hold attachment ids (documents)."""
    return tuple(f.name for f in load_form(key, directory).fields if f.type == "attachment")


def describe_form(key: str, locale: str = "ru", *,
                  directory: str | Path | None = None) -> dict[str, Any]:
    """JSON-ready description of form ``key`` in ``locale`` ("ru" or "en")."""
    return describe_definition(load_form(key, directory), locale)


def check_definitions(directory: str | Path | None = None) -> list[str]:
    """Load every definition and build its schema; return the keys or raise DefinitionError.

    Meant for startup and CI, so a broken file fails the deploy rather than
    the first user who opens that task.
    """
    misnamed = misnamed_files(directory)
    if misnamed:
        names = ", ".join(str(p) for p in misnamed)
        raise DefinitionError(f"{names}: file names must be lowercase identifiers (the form key)")
    keys = form_keys(directory)
    for key in keys:
        schema_for(load_form(key, directory))
    return keys

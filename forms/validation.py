"""Server-side validation: a marshmallow schema built from a FormDefinition.

marshmallow does per-field checks and refuses unknown fields; around it we
normalise "empty" input, fill defaults, enforce ``required_when`` and
flatten errors into ``{field: [message, ...]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, validates_schema

from . import messages as msg
from .context import FormContext, effective_initiator
from .definition import FieldDef, FormDefinition
from .errors import SCHEMA_ERRORS_KEY, FormInvalid
from .fields import CURRENT_CONTEXT, FIELD_CLASSES

_MAX_CACHED_SCHEMAS = 256


class FormSchema(Schema):
    """Base of generated schemas; subclasses set ``form_definition``."""

    form_definition: ClassVar[FormDefinition]
    error_messages = {"unknown": msg.UNKNOWN_FIELD, "type": msg.NOT_AN_OBJECT}

    class Meta:
        """Unknown input keys are errors, never silently dropped."""

        unknown = RAISE

    # Not skipped on field errors: the user should see every problem at once.
    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def check_required_when(self, data: dict[str, Any], original_data: Mapping[str, Any],
                            **kwargs: Any) -> None:
        """Require fields whose condition holds for the (valid) controlling value."""
        errors = {}
        for fdef in self.form_definition.fields:
            rule = fdef.required_when
            if rule is None or fdef.name in original_data or rule.field not in data:
                continue
            value = data[rule.field]
            if rule.applies(value):
                shown = ", ".join(value) if isinstance(value, list) else value
                errors[fdef.name] = [msg.REQUIRED_WHEN.format(field=rule.field, value=shown)]
        if errors:
            raise ValidationError(errors)


def build_schema(definition: FormDefinition) -> FormSchema:
    """A fresh schema instance for ``definition`` (read-only fields excluded)."""
    declared = {f.name: FIELD_CLASSES[f.type](f) for f in definition.fields if not f.readonly}
    attrs = {**declared, "form_definition": definition}
    schema_class = type(f"{definition.key}_schema", (FormSchema,), attrs)
    return schema_class()


# Keyed by id() because definitions are not hashable; the stored definition
# guards against a recycled id after the original was garbage-collected.
_SCHEMAS: dict[int, tuple[FormDefinition, FormSchema]] = {}


def schema_for(definition: FormDefinition) -> FormSchema:
    """The cached schema for ``definition``; stateless, so safe to share."""
    cached = _SCHEMAS.get(id(definition))
    if cached is None or cached[0] is not definition:
        if len(_SCHEMAS) >= _MAX_CACHED_SCHEMAS:
            _SCHEMAS.clear()
        cached = (definition, build_schema(definition))
        _SCHEMAS[id(definition)] = cached
    return cached[1]


def validate_data(definition: FormDefinition, data: Any, context: FormContext) -> dict[str, Any]:
    """Clean ``data`` for ``definition`` or raise FormInvalid listing every error."""
    if not isinstance(data, Mapping):
        raise FormInvalid({SCHEMA_ERRORS_KEY: [msg.NOT_AN_OBJECT]}, definition.key)
    prepared, errors = _prepare(definition, data, context)
    token = CURRENT_CONTEXT.set(context)
    try:
        cleaned = schema_for(definition).load(prepared)
    except ValidationError as exc:
        errors.update(_flatten(exc.messages))
        cleaned = {}
    finally:
        CURRENT_CONTEXT.reset(token)
    if errors:
        raise FormInvalid(_ordered(definition, errors), definition.key)
    for fdef in definition.fields:
        default = resolve_default(fdef, context) if fdef.readonly else None
        if default is not None:
            cleaned[fdef.name] = default  # shown, never typed in: trust the definition
    return _ordered(definition, cleaned)


def _prepare(definition: FormDefinition, data: Mapping[str, Any],
             context: FormContext) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Drop empty values, refuse read-only input, fill defaults."""
    by_name = {f.name: f for f in definition.fields}
    prepared: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        fdef = by_name.get(name)
        if fdef is None:
            prepared[name] = value  # marshmallow reports it as unknown
        elif fdef.readonly:
            errors[name] = [msg.READ_ONLY]
        elif not is_empty(value):
            prepared[name] = value
    for fdef in definition.fields:
        default = resolve_default(fdef, context)
        # Defaults go through the field's checks like user input would.
        if not fdef.readonly and fdef.name not in prepared and default is not None:
            prepared[fdef.name] = default
    return prepared, errors


def is_empty(value: Any) -> bool:
    """None and blank strings mean "not filled in" (HTML forms send "" for empty inputs)."""
    return value is None or (isinstance(value, str) and not value.strip())


def resolve_default(fdef: FieldDef, context: FormContext) -> Any:
    """The field's default for this context, JSON-ready; None when it has none."""
    if fdef.default_from == "actor":
        return context.actor
    if fdef.default_from == "initiator":
        return effective_initiator(context)
    if fdef.default_from == "today":
        return context.today.isoformat()
    if isinstance(fdef.default, tuple):
        return list(fdef.default)
    return fdef.default


def _flatten(messages: Any) -> dict[str, list[str]]:
    """marshmallow errors as flat ``{field: [str]}`` (our fields never nest, but be safe)."""
    if not isinstance(messages, Mapping):
        messages = {SCHEMA_ERRORS_KEY: messages}
    return {str(key): _texts(value) for key, value in messages.items()}


def _texts(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [f"{key}: {text}" for key, inner in value.items() for text in _texts(inner)]
    if isinstance(value, (list, tuple)):
        return [text for inner in value for text in _texts(inner)]
    # A Message stays a Message (str() would drop what it needs to be translated later).
    return [value if isinstance(value, str) else str(value)]


def _ordered(definition: FormDefinition, values: dict[str, Any]) -> dict[str, Any]:
    """Declaration order first, then anything else (unknown fields, ``_schema``)."""
    ordered = {name: values[name] for name in definition.field_names if name in values}
    ordered.update((str(k), v) for k, v in values.items() if k not in ordered)
    return ordered

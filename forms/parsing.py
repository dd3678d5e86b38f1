"""Low-level checks used while parsing definition files.

Each helper raises Problem with a location ("field 'amount': ...");
definition.parse_definition prefixes the file name and turns it into a
DefinitionError.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .fieldtypes import (
    BOOL, COUNT, DECIMAL, DEFAULT_SOURCES, FIELD_TYPES, ORDERED_OPTIONS, PLACES, TEXT, FieldType,
    FrozenMapping,
)

if TYPE_CHECKING:
    from .definition import FormDefinition

# Keys and field names end up in file names, URLs and process variables.
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")
_TYPE_NAMES = {str: "a non-empty string", bool: "true or false", list: "a list", dict: "a table"}
_MAX_PLACES = 8


class Problem(Exception):
    """A defect in one definition file (location included, file name not)."""


def reject_unknown(table: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    """Refuse keys outside ``allowed`` so that typos fail loudly."""
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise Problem(f"{where}: unknown key(s) {', '.join(unknown)}")


def get(table: Mapping[str, Any], name: str, kind: type, where: str, *,
        required: bool = False, default: Any = None) -> Any:
    """Read ``table[name]`` checking its TOML type; empty strings count as missing values."""
    if name not in table:
        if required:
            raise Problem(f"{where}: '{name}' is missing")
        return default
    value = table[name]
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise Problem(f"{where}: '{name}' must be {_TYPE_NAMES[kind]}")
    return value


def identifier(table: Mapping[str, Any], name: str, where: str) -> str:
    """Read a required lowercase identifier (form key, field name)."""
    value = get(table, name, str, where, required=True)
    if not IDENTIFIER.fullmatch(value):
        raise Problem(f"{where}: '{name}' = {value!r} is not a lowercase identifier")
    return value


def reject_duplicates(values: list[str], what: str) -> None:
    """Refuse a list naming the same thing twice."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise Problem(f"{what} '{value}' is declared twice")
        seen.add(value)


def field_type(raw: Mapping[str, Any], where: str) -> FieldType:
    """The catalogue entry for the field's ``type``."""
    name = get(raw, "type", str, where, required=True)
    if name not in FIELD_TYPES:
        raise Problem(f"{where}: unknown type '{name}' (known: {', '.join(FIELD_TYPES)})")
    return FIELD_TYPES[name]


def readonly(raw: Mapping[str, Any], required: bool, where: str) -> bool:
    """Read ``readonly``; a read-only field cannot also demand input."""
    value = get(raw, "readonly", bool, where, default=False)
    if value and required:
        raise Problem(f"{where}: a read-only field cannot be required")
    return value


def type_options(raw: Mapping[str, Any], ftype: FieldType, where: str) -> Mapping[str, Any]:
    """The type-specific options with their defaults, each checked."""
    values = {}
    for name, spec in ftype.options.items():
        value = raw.get(name, spec.default)
        if value is not None:
            values[name] = _check_option(value, spec.kind, f"{where}: option '{name}'")
    for low, high in ORDERED_OPTIONS:
        if low in values and high in values and values[low] > values[high]:
            raise Problem(f"{where}: '{low}' is greater than '{high}'")
    for first, second in ftype.exclusive:
        if values.get(first) and values.get(second):
            raise Problem(f"{where}: '{first}' and '{second}' cannot both be set")
    return FrozenMapping(values)


def _check_option(value: Any, kind: str, where: str) -> Any:
    if kind == BOOL and isinstance(value, bool):
        return value
    if kind == TEXT and isinstance(value, str) and value.strip():
        return value
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind == COUNT and is_int and value >= 0:
        return value
    if kind == PLACES and is_int and 0 <= value <= _MAX_PLACES:
        return value
    if kind == DECIMAL and (is_int or isinstance(value, (float, str))):
        try:
            number = decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            return number
    raise Problem(f"{where}: invalid value {value!r} (expected {kind})")


def parse_default(raw: Mapping[str, Any], ftype: FieldType, required: bool, where: str,
                  choices: list[str]) -> tuple[Any, str | None]:
    """Return (static default, dynamic default source) after checking they fit the field."""
    source = raw.get("default_from")
    if source is not None and source not in DEFAULT_SOURCES:
        raise Problem(f"{where}: 'default_from' must be one of {', '.join(DEFAULT_SOURCES)}")
    default = raw.get("default")
    if (default is not None or source is not None) and required:
        raise Problem(f"{where}: a required field cannot have a default")
    if default is not None and source is not None:
        raise Problem(f"{where}: 'default' and 'default_from' cannot both be set")
    if default is None and source is None and not required:
        default = ftype.implicit_default
    return _check_default(default, ftype, choices, where), source


def _check_default(default: Any, ftype: FieldType, choices: list[str], where: str) -> Any:
    if default is None:
        return None
    if ftype.is_list:
        if not isinstance(default, list):
            raise Problem(f"{where}: 'default' must be a list")
        default = tuple(default)  # definitions are immutable
    values = default if ftype.is_list else (default,)
    if choices and not all(value in choices for value in values):
        raise Problem(f"{where}: 'default' {default!r} is not among the choices")
    return default


def check_references(definition: FormDefinition) -> None:
    """Check names that point at other fields: required_when and outcome_field."""
    reject_duplicates(list(definition.field_names), "field")
    by_name = {f.name: f for f in definition.fields}
    for fdef in definition.fields:
        if fdef.required_when is not None:
            _check_required_when(fdef.name, fdef.required_when, by_name)
    outcome = definition.outcome_field
    if outcome is not None and getattr(by_name.get(outcome), "type", None) != "choice":
        raise Problem(f"outcome_field '{outcome}' must name a choice field of this form")


def _check_required_when(name: str, rule: Any, by_name: Mapping[str, Any]) -> None:
    where = f"field '{name}': required_when"
    target = by_name.get(rule.field)
    if target is None or target.name == name:
        raise Problem(f"{where} names missing field '{rule.field}'")
    unknown = [v for v in rule.values if target.choices and v not in target.choice_values]
    if unknown:
        raise Problem(f"{where} lists values not among '{rule.field}' choices: {', '.join(unknown)}")

"""Form definitions: immutable dataclasses and their parsing from TOML tables.

Parsing is strict on purpose: definitions are written by analysts, and a typo
(``requried = true``) silently ignored would become a validation hole.  Every
problem raises DefinitionError (a ValueError) naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import parsing
from .fieldtypes import FIELD_TYPES, FieldType, FrozenMapping

LOCALES = ("ru", "en")

_FORM_KEYS = {"key", "title_ru", "title_en", "outcome_field", "context_fields", "fields"}
_FIELD_KEYS = {
    "name", "type", "required", "required_when", "default", "default_from", "readonly",
    "label_ru", "label_en", "help_ru", "help_en", "choices",
}


class DefinitionError(ValueError):
    """A form definition file is malformed; the message names the file."""


def normalize_locale(locale: str) -> str:
    """Reduce ``"en_US"``/``"en-GB"``/``"EN"`` to a supported language code or raise ValueError."""
    lang = str(locale).replace("-", "_").split("_")[0].lower()
    if lang not in LOCALES:
        raise ValueError(f"Unsupported locale {locale!r}; expected one of {', '.join(LOCALES)}")
    return lang


def _pick(ru: Any, en: Any, locale: str) -> Any:
    return ru if normalize_locale(locale) == "ru" else en


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice/multichoice field."""

    value: str
    label_ru: str
    label_en: str

    def label(self, locale: str = "ru") -> str:
        """The label in ``locale``."""
        return _pick(self.label_ru, self.label_en, locale)


@dataclass(frozen=True)
class RequiredWhen:
    """The field becomes required when ``field`` takes one of ``values``."""

    field: str
    values: tuple[str, ...]

    def applies(self, value: Any) -> bool:
        """Whether the controlling field's cleaned ``value`` triggers the requirement."""
        if isinstance(value, list):  # a multichoice controller: any overlap counts
            return any(item in self.values for item in value)
        return value in self.values


@dataclass(frozen=True)
class ContextField:
    """A read-only process-instance value shown beside the form."""

    name: str
    label_ru: str
    label_en: str

    def label(self, locale: str = "ru") -> str:
        """The label in ``locale``."""
        return _pick(self.label_ru, self.label_en, locale)


@dataclass(frozen=True)
class FieldDef:
    """One input of a form, exactly as declared (type options already checked)."""

    name: str
    type: str
    label_ru: str
    label_en: str
    help_ru: str | None = None
    help_en: str | None = None
    required: bool = False
    required_when: RequiredWhen | None = None
    default: Any = None  # TOML has no null, so None means "no default"
    default_from: str | None = None
    readonly: bool = False
    choices: tuple[Choice, ...] = ()
    options: Mapping[str, Any] = field(default_factory=FrozenMapping)

    @property
    def field_type(self) -> FieldType:
        """The static type description from the catalogue."""
        return FIELD_TYPES[self.type]

    @property
    def choice_values(self) -> tuple[str, ...]:
        """Allowed values, in declaration order."""
        return tuple(choice.value for choice in self.choices)

    def label(self, locale: str = "ru") -> str:
        """The label in ``locale``."""
        return _pick(self.label_ru, self.label_en, locale)

    def help(self, locale: str = "ru") -> str | None:
        """The help text in ``locale``, if any."""
        return _pick(self.help_ru, self.help_en, locale)


@dataclass(frozen=True)
class FormDefinition:
    """A whole form: its fields, outcome field and context fields."""

    key: str
    title_ru: str
    title_en: str
    fields: tuple[FieldDef, ...]
    outcome_field: str | None = None
    context_fields: tuple[ContextField, ...] = ()
    source: str | None = None

    def title(self, locale: str = "ru") -> str:
        """The title in ``locale``."""
        return _pick(self.title_ru, self.title_en, locale)

    def field(self, name: str) -> FieldDef:
        """The field called ``name``; KeyError if there is none."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        """Field names in declaration order."""
        return tuple(f.name for f in self.fields)

    @property
    def context_field_names(self) -> tuple[str, ...]:
        """Names of the instance values to show beside the form."""
        return tuple(c.name for c in self.context_fields)


def parse_definition(raw: Mapping[str, Any], source: str) -> FormDefinition:
    """Build a FormDefinition from a parsed TOML table; DefinitionError names ``source``."""
    try:
        return _parse_form(raw, source)
    except parsing.Problem as problem:
        raise DefinitionError(f"{source}: {problem}") from None


def _parse_form(raw: Mapping[str, Any], source: str) -> FormDefinition:
    parsing.reject_unknown(raw, _FORM_KEYS, "form")
    items = parsing.get(raw, "fields", list, "form", required=True)
    definition = FormDefinition(
        key=parsing.identifier(raw, "key", "form"),
        title_ru=parsing.get(raw, "title_ru", str, "form", required=True),
        title_en=parsing.get(raw, "title_en", str, "form", required=True),
        fields=tuple(_parse_field(item, index) for index, item in enumerate(items)),
        outcome_field=parsing.get(raw, "outcome_field", str, "form"),
        context_fields=_parse_context_fields(parsing.get(raw, "context_fields", list, "form", default=[])),
        source=source,
    )
    parsing.check_references(definition)
    return definition


def _parse_field(raw: Any, index: int) -> FieldDef:
    where = f"field #{index + 1}"
    if not isinstance(raw, dict):
        raise parsing.Problem(f"{where}: must be a table")
    name = parsing.identifier(raw, "name", where)
    where = f"field '{name}'"
    ftype = parsing.field_type(raw, where)
    parsing.reject_unknown(raw, _FIELD_KEYS | set(ftype.options), where)
    choices = _parse_choices(raw, ftype, where)
    required = parsing.get(raw, "required", bool, where, default=False)
    default, default_from = parsing.parse_default(raw, ftype, required, where, [c.value for c in choices])
    return FieldDef(
        name=name,
        type=ftype.name,
        label_ru=parsing.get(raw, "label_ru", str, where, required=True),
        label_en=parsing.get(raw, "label_en", str, where, required=True),
        help_ru=parsing.get(raw, "help_ru", str, where),
        help_en=parsing.get(raw, "help_en", str, where),
        required=required,
        required_when=_parse_required_when(raw, required, where),
        default=default,
        default_from=default_from,
        readonly=parsing.readonly(raw, required, where),
        choices=choices,
        options=parsing.type_options(raw, ftype, where),
    )


def _parse_choices(raw: Mapping[str, Any], ftype: FieldType, where: str) -> tuple[Choice, ...]:
    if not ftype.has_choices:
        if "choices" in raw:
            raise parsing.Problem(f"{where}: type '{ftype.name}' does not take choices")
        return ()
    items = parsing.get(raw, "choices", list, where)
    if not items:
        raise parsing.Problem(f"{where}: type '{ftype.name}' needs a non-empty 'choices' list")
    choices = tuple(_parse_choice(item, f"{where}, choice #{i + 1}") for i, item in enumerate(items))
    parsing.reject_duplicates([c.value for c in choices], f"{where}: choice")
    return choices


def _parse_choice(raw: Any, where: str) -> Choice:
    if not isinstance(raw, dict):
        raise parsing.Problem(f"{where}: must be a table with value, label_ru, label_en")
    parsing.reject_unknown(raw, {"value", "label_ru", "label_en"}, where)
    return Choice(
        value=parsing.get(raw, "value", str, where, required=True),
        label_ru=parsing.get(raw, "label_ru", str, where, required=True),
        label_en=parsing.get(raw, "label_en", str, where, required=True),
    )


def _parse_required_when(raw: Mapping[str, Any], required: bool, where: str) -> RequiredWhen | None:
    table = parsing.get(raw, "required_when", dict, where)
    if table is None:
        return None
    if required:
        raise parsing.Problem(f"{where}: 'required' and 'required_when' contradict each other")
    where = f"{where}: required_when"
    parsing.reject_unknown(table, {"field", "in"}, where)
    values = parsing.get(table, "in", list, where, required=True)
    if not values or not all(isinstance(v, str) and v for v in values):
        raise parsing.Problem(f"{where}: 'in' must be a non-empty list of strings")
    return RequiredWhen(field=parsing.get(table, "field", str, where, required=True), values=tuple(values))


def _parse_context_fields(items: list[Any]) -> tuple[ContextField, ...]:
    parsed = tuple(_parse_context_field(item, i) for i, item in enumerate(items))
    parsing.reject_duplicates([c.name for c in parsed], "context field")
    return parsed


def _parse_context_field(raw: Any, index: int) -> ContextField:
    # A bare name is allowed for quick drafts; its label is then the name itself.
    if isinstance(raw, str):
        raw = {"name": raw, "label_ru": raw, "label_en": raw}
    where = f"context field #{index + 1}"
    if not isinstance(raw, dict):
        raise parsing.Problem(f"{where}: must be a name or a table with name, label_ru, label_en")
    parsing.reject_unknown(raw, {"name", "label_ru", "label_en"}, where)
    return ContextField(
        name=parsing.identifier(raw, "name", where),
        label_ru=parsing.get(raw, "label_ru", str, where, required=True),
        label_en=parsing.get(raw, "label_en", str, where, required=True),
    )

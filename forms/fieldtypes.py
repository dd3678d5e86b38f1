"""The catalogue of field types and the options each accepts.

Pure data, no marshmallow: definition.py uses it to reject typos in TOML
files, describe.py to publish limits, and validation.py to pick a field
class.  Adding a type means one entry here and one field class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class FrozenMapping(Mapping):
    """A read-only dict that, unlike MappingProxyType, can be copied and pickled."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"

# Option kinds understood by definition.check_option().
BOOL, COUNT, TEXT, DECIMAL, PLACES = "bool", "count", "text", "decimal", "places"


@dataclass(frozen=True)
class Option:
    """One type-specific option: its kind and the value used when omitted (None = unset)."""

    kind: str
    default: Any = None


@dataclass(frozen=True)
class FieldType:
    """Static description of a field type."""

    name: str
    options: Mapping[str, Option] = field(default_factory=dict)
    has_choices: bool = False
    is_list: bool = False
    # Used when an optional field gives no `default` of its own.
    implicit_default: Any = None
    # Pairs of options that make no sense together.
    exclusive: tuple[tuple[str, str], ...] = ()


def _type(name: str, options: dict[str, Option] | None = None, **kwargs: Any) -> FieldType:
    return FieldType(name, FrozenMapping(options), **kwargs)


_LENGTHS = {"min_length": Option(COUNT), "max_length": Option(COUNT)}

FIELD_TYPES: Mapping[str, FieldType] = FrozenMapping({
    t.name: t
    for t in (
        _type("string", _LENGTHS),
        _type("text", _LENGTHS),
        _type("date", {"not_future": Option(BOOL, False)}),
        _type("decimal", {"min_exclusive": Option(DECIMAL), "places": Option(PLACES, 2)}),
        _type("currency", implicit_default="RUB"),
        _type("username", {"group": Option(TEXT)}),
        _type(
            "usernames",
            {
                "min_items": Option(COUNT),
                "max_items": Option(COUNT),
                "unique": Option(BOOL, False),
                "group": Option(TEXT),
                "not_initiator": Option(BOOL, False),
            },
            is_list=True,
        ),
        _type(
            "attachment",
            {"uploaded_by_initiator": Option(BOOL, False), "uploaded_by_actor": Option(BOOL, False)},
            exclusive=(("uploaded_by_initiator", "uploaded_by_actor"),),
        ),
        _type("choice", has_choices=True),
        # A multichoice is a subset, so duplicates are refused unless unique = false.
        _type(
            "multichoice",
            {"min_items": Option(COUNT), "unique": Option(BOOL, True)},
            has_choices=True,
            is_list=True,
        ),
    )
})

# Where a dynamic `default_from` value comes from; resolved against the FormContext.
DEFAULT_SOURCES = ("actor", "initiator", "today")

# (lower, upper) option pairs whose values must be ordered.
ORDERED_OPTIONS = (("min_length", "max_length"), ("min_items", "max_items"))

"""Exceptions raised by the forms package."""

from __future__ import annotations

from collections.abc import Mapping

SCHEMA_ERRORS_KEY = "_schema"


class UnknownForm(Exception):
    """No form definition exists for the requested key."""

    def __init__(self, key: object) -> None:
        super().__init__(f"Unknown form: {key!r}")
        self.key = key


class FormInvalid(Exception):
    """Submitted form data failed validation.

    Deliberately not a ValueError: ValueError means a broken *definition*
    (see definition.py), which is a bug, not a user mistake.

    ``errors`` maps a field name (or ``"_schema"`` for form-level problems)
    to the list of every message for that field.
    """

    def __init__(self, errors: Mapping[str, list[str]], key: str | None = None) -> None:
        self.errors: dict[str, list[str]] = {name: list(msgs) for name, msgs in errors.items()}
        self.key = key
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f"Form {self.key!r} is invalid" if self.key else "Form is invalid"
        parts = [f"{name}: {' '.join(msgs)}" for name, msgs in self.errors.items()]
        return f"{where}: " + "; ".join(parts)

    def __str__(self) -> str:
        return self._describe()

"""Typed errors of the reports module; the web layer maps each to one HTTP status.

They carry ``message`` (safe to show) and ``errors`` (field -> messages), like the engine's."""
from __future__ import annotations


class ReportsError(Exception):
    """Base of the module's errors."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(ReportsError):
    """No such deal (or not one the caller may see)."""


class NotAllowed(ReportsError):
    """The caller is known but may not do this."""


class InvalidInput(ReportsError):
    """A value is malformed or names something unknown (a stage, a field)."""


class Conflict(ReportsError):
    """The change collided with another one made at the same time."""

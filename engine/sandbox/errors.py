"""Errors raised by the sandbox. Every message is meant to be shown to the diagram's author."""
from __future__ import annotations


class SandboxError(Exception):
    """Base of all sandbox errors; ``line`` is the 1-based source line, when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class UnsafeCode(SandboxError):
    """The code uses something the sandbox never allows (found statically, at deploy time)."""


class SandboxSyntaxError(UnsafeCode, SyntaxError):
    """The code does not parse. Also a SyntaxError because SpiffWorkflow's DMN support probes
    ``validate()`` and expects SyntaxError for text that is not an expression."""

    def __init__(self, message: str, line: int | None = None):
        UnsafeCode.__init__(self, message, line)
        self.msg = message
        self.lineno = line

    def __str__(self) -> str:
        return UnsafeCode.__str__(self)


class ScriptFailed(SandboxError):
    """The code was allowed but failed while running: a limit was hit, a name was unknown,
    an operation raised (type error, division by zero, missing key...)."""

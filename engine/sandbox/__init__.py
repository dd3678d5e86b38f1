"""Restricted evaluator for untrusted BPMN expressions and scripts.

Anyone who can deploy a diagram can write conditions, assignee expressions and script tasks,
so that text is untrusted. It is never given to eval/exec/compile: it is parsed with
``ast.parse``, checked against a whitelist (``policy``), and run by a small AST-walking
interpreter with a step budget, a deadline and size limits (``limits``).

Public API: ``check_expression``, ``check_script`` (deploy time), ``evaluate``, ``execute``
(run time), and the errors ``SandboxError`` > ``UnsafeCode`` | ``ScriptFailed``.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from engine.sandbox.checker import parse_expression, parse_script
from engine.sandbox.errors import SandboxError, SandboxSyntaxError, ScriptFailed, UnsafeCode
from engine.sandbox.interpreter import Interpreter
from engine.sandbox.limits import (MAX_INT_BITS, MAX_NESTING, MAX_SIZE, MAX_STEPS, MAX_WEIGHT,
                                   TIME_LIMIT)

__all__ = [
    "SandboxError", "UnsafeCode", "SandboxSyntaxError", "ScriptFailed",
    "check_expression", "check_script", "evaluate", "execute",
    "MAX_STEPS", "TIME_LIMIT", "MAX_SIZE", "MAX_INT_BITS", "MAX_WEIGHT", "MAX_NESTING",
]

_MAX_MESSAGE = 300


def check_expression(source: str) -> None:
    """Parse and statically check an expression (``${...}`` wrapper allowed); raise
    UnsafeCode, with the line, for anything the sandbox would refuse or cannot parse."""
    parse_expression(source)


def check_script(source: str) -> None:
    """Parse and statically check a script; raise UnsafeCode with the line number."""
    parse_script(source)


def evaluate(expression: str, context: Mapping[str, Any]) -> Any:
    """Evaluate an expression against the variables in ``context`` and return its value.

    Expressions cannot change data (no assignments, no mutating methods), so ``context``
    is read in place, never copied or modified."""
    tree = parse_expression(expression)
    interpreter = Interpreter(dict(context))
    result = _guarded(interpreter, lambda: interpreter.run_expression(tree))
    _check_storable("the result", interpreter, result)
    return result


def execute(script: str, context: dict, external: Mapping[str, Any] | None = None) -> None:
    """Run a script; its top-level assignments (and changes to values) update ``context``.

    The script runs on a deep copy, applied to ``context`` only when it succeeds, so a failed
    script leaves ``context`` unchanged. Names in ``external`` (e.g. BPMN data objects) can be
    read but not assigned; changes made to their values are discarded."""
    tree = parse_script(script)
    external = external or {}
    working = _copy_data({**external, **context})
    readonly = frozenset(name for name in external if name not in context)
    interpreter = Interpreter(working, readonly=readonly, mutating=True)
    _guarded(interpreter, lambda: interpreter.run_script(tree))
    updates = {name: value for name, value in working.items() if name not in readonly}
    for name, value in updates.items():
        _check_storable(f"variable '{name}'", interpreter, value)
    context.update(updates)


def _copy_data(data: dict) -> dict:
    try:
        return copy.deepcopy(data)
    except Exception as err:  # the data is ours, but may hold something that cannot be copied
        raise ScriptFailed(f"the task data cannot be copied: {_describe(err)}") from err


def _check_storable(label: str, interpreter: Interpreter, value) -> None:
    """Values going back to task data must stay serialisable: bounded size, no cycles.
    (No line number: the problem is the value, wherever it was built.)"""
    try:
        interpreter.weigh(value)
    except ScriptFailed as err:
        raise ScriptFailed(f"{label} is too large or too deeply nested to keep ({err.message})") \
            from None


def _guarded(interpreter: Interpreter, action):
    """Run ``action``; turn any failure into a SandboxError carrying the current line."""
    try:
        return action()
    except SandboxError as err:
        if err.line is None:
            err.line = interpreter.line
        raise
    except Exception as err:  # anything the code triggered: TypeError, KeyError, RecursionError...
        raise ScriptFailed(_describe(err), interpreter.line) from err


def _describe(err: Exception) -> str:
    if isinstance(err, ZeroDivisionError):
        text = "division by zero"
    elif isinstance(err, KeyError):
        text = f"key not found: {err.args[0]!r}" if err.args else "key not found"
    else:
        text = f"{type(err).__name__}: {err}"
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE] + "..."

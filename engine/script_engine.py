"""SpiffWorkflow script engine that runs every expression and script in ``engine.sandbox``.

SpiffWorkflow's default engine hands diagram text to eval/exec with full builtins; diagrams
are written by analysts, so that text is untrusted. Both entry points are replaced: the
engine's ``evaluate``/``execute`` and its ``environment`` (SpiffWorkflow calls
``script_engine.environment.evaluate`` directly for completion conditions and message
correlations).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine import sandbox

SERVICE_TASKS_UNSUPPORTED = "service tasks are not supported"


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """Environment whose evaluate/execute go through the sandbox; raises SandboxError."""

    def __init__(self):
        super().__init__(environment_globals={})

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context=None):
        """Evaluate against ``context``; ``external_context`` names are visible, read-only."""
        return sandbox.evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script: str, context: dict, external_context=None) -> bool:
        """Run a script updating ``context`` in place (only if it succeeds)."""
        sandbox.execute(script, context, external=external_context)
        return True

    def call_service(self, context, **kwargs):
        """Service tasks would call external code: refused."""
        raise sandbox.UnsafeCode(SERVICE_TASKS_UNSUPPORTED)


_DURATION = r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
_DATETIME = r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
_TIMER_LITERAL = re.compile(
    rf"^(R\d*/({_DATETIME}/)?{_DURATION}|{_DURATION}|{_DATETIME}(/{_DURATION})?)$"
)


def is_timer_literal(expression: str) -> bool:
    """Whether the text is an ISO 8601 duration, date-time or repeating interval."""
    return bool(_TIMER_LITERAL.match(expression.strip()))


class SandboxedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine running untrusted diagram code in the sandbox.

    Failures are raised as WorkflowTaskException (the message names the sandbox's reason and
    line), so SpiffWorkflow marks the task as errored."""

    def __init__(self):
        # Never accept another environment: the default one would eval() diagram text.
        super().__init__(environment=SandboxedEnvironment())

    def validate(self, expression: str) -> None:
        """Statically check an expression; raise sandbox.UnsafeCode (a SyntaxError too when it
        does not parse, which SpiffWorkflow's DMN support relies on)."""
        sandbox.check_expression(expression)

    def validate_script(self, script: str) -> None:
        """Statically check a script; raise sandbox.UnsafeCode."""
        sandbox.check_script(script)

    def evaluate(self, task, expression: str, external_context=None):
        """Evaluate an expression against ``task.data`` (plus read-only external names).

        A bare ISO 8601 timer literal (``PT24H``, ``R/P1D``, ``2026-12-01T09:00:00``), written
        unquoted as Camunda Modeler writes timer definitions, is its own value.
        """
        if is_timer_literal(expression):
            return expression.strip()
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except sandbox.SandboxError as err:
            raise _task_error(task, f"Error evaluating expression {expression!r}", expression, err)

    def execute(self, task, script: str, external_context=None) -> bool:
        """Run a script task's script against ``task.data``; True when done (SpiffWorkflow
        reads the return value as 'task completed')."""
        try:
            return self.environment.execute(script, task.data, external_context)
        except sandbox.SandboxError as err:
            raise _task_error(task, "Script failed", script, err)

    def call_service(self, task, **kwargs):
        """Service tasks are not supported."""
        raise WorkflowTaskException(SERVICE_TASKS_UNSUPPORTED, task=task,
                                    exception=sandbox.UnsafeCode(SERVICE_TASKS_UNSUPPORTED))


def _task_error(task, prefix: str, source: str, err: sandbox.SandboxError) -> WorkflowTaskException:
    lines = source.splitlines()
    error_line = lines[err.line - 1] if err.line and 0 < err.line <= len(lines) else ""
    error = WorkflowTaskException(f"{prefix}: {err}", task=task, exception=err,
                                  line_number=err.line, error_line=error_line)
    error.__cause__ = err
    return error

"""Deploy-time checks: refuse what can be known to fail before any instance runs it.

Everything an analyst can write that the engine will evaluate is checked here by the sandbox
(conditions, scripts, assignee and due-date expressions), so unsafe code never reaches a run.
"""
from __future__ import annotations

from collections.abc import Callable

from engine import sandbox
from engine.errors import InvalidBpmn
from engine.spiff.diagram import BPMN, NS, Diagram, Element
from engine.script_engine import is_timer_literal
from engine.spiff.due_dates import is_expression, parse_due_date

# Elements whose semantics the service deliberately does not provide.
UNSUPPORTED = {
    "serviceTask": "service tasks call external code; use a user task or a script task",
    "sendTask": "send tasks are not supported",
    "receiveTask": "receive tasks are not supported; use a message catch event",
    "businessRuleTask": "DMN business rule tasks are not supported",
}


def check_diagram(diagram: Diagram, form_exists: Callable[[str], bool]) -> None:
    """Raise InvalidBpmn with every problem found, each naming its element and line."""
    problems: list[str] = []
    for element in diagram.elements.values():
        problems.extend(_element_problems(element, form_exists))
    problems.extend(_code_problems(diagram))
    if problems:
        raise InvalidBpmn("The diagram cannot be deployed: " + "; ".join(problems))


def _element_problems(element: Element, form_exists) -> list[str]:
    where = element.describe()
    if element.tag in UNSUPPORTED:
        return [f"{where}: {UNSUPPORTED[element.tag]}"]
    problems = []
    if element.form_key and not form_exists(element.form_key):
        problems.append(f"{where}: form '{element.form_key}' does not exist")
    if element.tag != "userTask":
        return problems
    if not element.form_key:
        problems.append(f"{where}: a user task needs camunda:formKey")
    if not (element.assignee or element.candidate_groups):
        problems.append(f"{where}: a user task needs camunda:assignee or camunda:candidateGroups")
    for label, text in (("assignee", element.assignee), ("candidateGroups", element.candidate_groups)):
        if text and is_expression(text):
            problems.extend(_expression_problem(where, label, text))
    if element.due_date:
        problems.extend(_due_date_problem(where, element.due_date))
    return problems


def _expression_problem(where: str, label: str, text: str) -> list[str]:
    try:
        sandbox.check_expression(text)
    except sandbox.SandboxError as err:
        return [f"{where}: {label} {text!r}: {err}"]
    return []


def _due_date_problem(where: str, text: str) -> list[str]:
    if is_expression(text):
        return _expression_problem(where, "dueDate", text)
    try:
        parse_due_date(text)
    except ValueError as err:
        return [f"{where}: dueDate {text!r}: {err}"]
    return []


def _code_problems(diagram: Diagram) -> list[str]:
    problems = []
    for node in diagram.tree.iter(f"{{{BPMN}}}conditionExpression", f"{{{BPMN}}}completionCondition",
                                  f"{{{BPMN}}}loopCardinality"):
        problems.extend(_checked(node, sandbox.check_expression))
    for node in diagram.tree.iterfind(".//bpmn:scriptTask/bpmn:script", NS):
        problems.extend(_checked(node, sandbox.check_script))
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for node in diagram.tree.iterfind(f".//bpmn:timerEventDefinition/bpmn:{kind}", NS):
            problems.extend(_checked(node, _check_timer))
    return problems


def _check_timer(text: str) -> None:
    """A timer is an ISO 8601 literal (``PT24H``, ``R/P1D``, a date) or a safe expression."""
    if is_expression(text):
        sandbox.check_expression(text)
    elif not is_timer_literal(text):
        raise sandbox.UnsafeCode(f"not an ISO 8601 date, duration or cycle: {text!r}")


def _checked(node, check) -> list[str]:
    owner = node.getparent()
    if owner.tag.endswith("multiInstanceLoopCharacteristics"):
        owner = owner.getparent()
    text = (node.text or "").strip()
    try:
        check(text)
    except sandbox.SandboxError as err:
        line = node.sourceline + (err.line - 1 if getattr(err, "line", None) else 0)
        name = f" ({owner.get('name')})" if owner.get("name") else ""
        return [f"element '{owner.get('id')}'{name}, line {line}: {err}"]
    return []

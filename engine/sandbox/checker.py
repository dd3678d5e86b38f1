"""Parsing and static validation: everything that can be refused without running the code."""
from __future__ import annotations

import ast
from functools import lru_cache

from engine.sandbox import policy
from engine.sandbox.errors import SandboxSyntaxError, UnsafeCode
from engine.sandbox.limits import MAX_AST_DEPTH, MAX_INT_BITS, MAX_SOURCE_CHARS


def strip_wrapper(source: str) -> tuple[str, int]:
    """Strip a Camunda/JUEL ``${ ... }`` wrapper around a whole expression.

    Returns the text and how many lines were dropped in front of it (to keep line numbers).
    Only the whole text is unwrapped: ``$`` is never valid Python, so a partly wrapped text
    such as ``${a} + ${b}`` simply fails to parse."""
    text, dropped = _strip_counting_lines(source)
    if text.startswith("${") and text.endswith("}"):
        text, more = _strip_counting_lines(text[2:-1])
        dropped += more
    return text, dropped


def _strip_counting_lines(text: str) -> tuple[str, int]:
    stripped = text.lstrip()
    return stripped.rstrip(), text[: len(text) - len(stripped)].count("\n")


# Parsed trees are cached (they are never modified), but only for short sources, which is
# nearly all of them, so the cache cannot hold much memory whatever is deployed.
_CACHED_SOURCE_CHARS = 2_000


def parse_expression(source: str) -> ast.Expression:
    """Parse and check an expression (``${...}`` allowed); the tree must not be modified."""
    source = _as_text(source)
    if len(source) <= _CACHED_SOURCE_CHARS:
        return _cached_expression(source)
    return _parse_expression(source)


def parse_script(source: str) -> ast.Module:
    """Parse and check a script; the tree must not be modified."""
    source = _as_text(source)
    if len(source) <= _CACHED_SOURCE_CHARS:
        return _cached_script(source)
    return _parse_and_check(source, "exec", 0)


def _as_text(source) -> str:
    # SpiffWorkflow passes None for an empty <script/> element.
    if source is None:
        return ""
    if not isinstance(source, str):
        raise UnsafeCode(f"code must be text, not {type(source).__name__}")
    return source


def _parse_expression(source: str) -> ast.Expression:
    text, dropped = strip_wrapper(source)
    return _parse_and_check(text, "eval", dropped)


@lru_cache(maxsize=512)
def _cached_expression(source: str) -> ast.Expression:
    return _parse_expression(source)


@lru_cache(maxsize=256)
def _cached_script(source: str) -> ast.Module:
    return _parse_and_check(source, "exec", 0)


def _parse_and_check(text: str, mode: str, dropped: int) -> ast.AST:
    if len(text) > MAX_SOURCE_CHARS:
        raise UnsafeCode(f"code is longer than {MAX_SOURCE_CHARS} characters")
    if mode == "eval" and not text:
        raise SandboxSyntaxError("the expression is empty", 1 + dropped)
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as err:
        raise SandboxSyntaxError(f"syntax error: {err.msg}", (err.lineno or 1) + dropped) from None
    except (MemoryError, RecursionError, ValueError):
        # CPython's parser gives up on very deep nesting with these (and ValueError on NUL).
        raise UnsafeCode("code is too deeply nested or malformed to parse") from None
    if dropped:
        ast.increment_lineno(tree, dropped)
    _check_depth(tree)
    _Checker(expression=mode == "eval").visit(tree)
    return tree


def _check_depth(tree: ast.AST) -> None:
    """Refuse deep trees iteratively, before anything walks them recursively."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_AST_DEPTH:
            raise UnsafeCode(f"code is nested more than {MAX_AST_DEPTH} levels deep",
                             getattr(node, "lineno", None))
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Checker:
    """Recursive validator (depth already bounded). Node types are checked on the way down,
    so a refused construct is named before its parts; names, calls and attributes are checked
    innermost first, so ``open(f).read()`` is refused for ``open``."""

    def __init__(self, expression: bool):
        self.allowed = policy.EXPRESSION_NODES if expression else policy.SCRIPT_NODES
        self.expression = expression
        self.loops = 0
        self.line: int | None = None

    def fail(self, message: str):
        raise UnsafeCode(message, self.line)

    def visit(self, node: ast.AST) -> None:
        self.line = getattr(node, "lineno", None) or self.line
        kind = type(node)
        if kind not in self.allowed:
            if self.expression and kind in policy.STATEMENT_NODES:
                self.fail(policy.STATEMENT_IN_EXPRESSION)
            self.fail(policy.node_message(kind))
        getattr(self, "visit_" + kind.__name__, self.visit_children)(node)

    def visit_children(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self.visit(child)

    def visit_Name(self, node: ast.Name) -> None:
        policy.check_identifier(node.id, self.line)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, policy.CONSTANT_TYPES):
            self.fail(f"{type(node.value).__name__} literals are not allowed")
        if isinstance(node.value, int) and node.value.bit_length() > MAX_INT_BITS:
            self.fail(f"integer literal is larger than {MAX_INT_BITS} bits")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """An attribute that is read, not called: only plain data attributes."""
        self.visit(node.value)
        policy.check_identifier(node.attr, self.line)
        if isinstance(node.ctx, ast.Store):
            self.fail("assigning to attributes is not allowed")
        if node.attr not in policy.ATTRIBUTE_NAMES:
            self.fail(f"attribute '{node.attr}' is not allowed")

    def visit_Call(self, node: ast.Call) -> None:
        allowed_keywords = self._check_callee(node.func)
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            if keyword.arg is None:
                self.fail("'**' arguments are not allowed")
            policy.check_identifier(keyword.arg, self.line)
            if keyword.arg not in allowed_keywords:
                self.fail(f"keyword argument '{keyword.arg}' is not allowed here")
            self.visit(keyword.value)

    def _check_callee(self, func: ast.expr):
        """Only builtins by name and whitelisted methods can be called; returns their keywords."""
        if isinstance(func, ast.Name):
            policy.check_identifier(func.id, self.line)
            if func.id not in policy.BUILTIN_NAMES:
                self.fail(f"calling '{func.id}' is not allowed")
            return policy.BUILTIN_KEYWORDS.get(func.id, set())
        if isinstance(func, ast.Attribute):
            self.visit(func.value)
            policy.check_identifier(func.attr, self.line)
            if func.attr not in policy.METHOD_NAMES:
                self.fail(f"calling method '{func.attr}' is not allowed")
            if self.expression and func.attr in policy.MUTATING_METHODS:
                self.fail(f"method '{func.attr}' changes data and is not allowed in an expression")
            return policy.METHOD_KEYWORDS
        self.visit(func)  # name what is wrong inside first, e.g. a lambda
        self.fail("only built-in functions and allowed methods can be called")

    def visit_Dict(self, node: ast.Dict) -> None:
        if any(key is None for key in node.keys):
            self.fail("'**' unpacking is not allowed")
        self.visit_children(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if spec is not None and not all(isinstance(part, ast.Constant) for part in spec.values):
            self.fail("nested replacement fields in a format specification are not allowed")
        self.visit(node.value)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        if node.is_async:
            self.fail("async comprehensions are not allowed")
        self._check_target(node.target, subscripts=False)
        self.visit_children(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._check_target(target, subscripts=True)
        self.visit_children(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_target(node.target, subscripts=True)
        self.visit_children(node)

    def visit_For(self, node: ast.For) -> None:
        self._check_target(node.target, subscripts=True)
        self.visit(node.target)
        self.visit(node.iter)
        self._visit_loop(node)

    def visit_While(self, node: ast.While) -> None:
        self.visit(node.test)
        self._visit_loop(node)

    def _visit_loop(self, node: ast.For | ast.While) -> None:
        self.loops += 1
        for statement in node.body:
            self.visit(statement)
        self.loops -= 1
        for statement in node.orelse:
            self.visit(statement)

    def visit_Break(self, node: ast.Break) -> None:
        if not self.loops:
            self.fail("'break' outside a loop")

    def visit_Continue(self, node: ast.Continue) -> None:
        if not self.loops:
            self.fail("'continue' outside a loop")

    def _check_target(self, target: ast.expr, subscripts: bool) -> None:
        """Assignment targets: names, tuples/lists of targets and (in scripts) ``x[k]``.
        Comprehension variables may only be names: ``for x[0] in ...`` would change data."""
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._check_target(element, subscripts)
        elif isinstance(target, ast.Subscript) and subscripts:
            return
        elif not isinstance(target, ast.Name):
            self.fail("only names" + (" and items" if subscripts else "") + " can be assigned to")

"""The AST-walking interpreter. It only ever sees trees the checker accepted, but refuses
disallowed nodes, names, calls and attributes again itself (defence in depth)."""
from __future__ import annotations

import ast
import time
from itertools import islice

from engine.sandbox import library, policy
from engine.sandbox.errors import ScriptFailed, UnsafeCode
from engine.sandbox.control import CONTROL_HANDLERS
from engine.sandbox.formatting import format_value
from engine.sandbox.handlers import BINARY, EXPRESSION_HANDLERS
from engine.sandbox.limits import (ALLOC_UNIT, CHARS_PER_UNIT, MAX_SIZE, MAX_STEPS, MAX_WEIGHT,
                                   SIZED, TIME_LIMIT, check_binop, check_result, is_container,
                                   weigh)

HANDLERS = {**EXPRESSION_HANDLERS, **CONTROL_HANDLERS}


class Interpreter:
    """Evaluates one checked tree against a namespace, within the limits of ``limits``.

    ``namespace`` is read and (for scripts) written directly; callers pass a copy.
    ``readonly`` names may be read but not assigned. ``mutating`` (scripts only) allows
    statements and methods that change values; without it only expression syntax runs."""

    def __init__(self, namespace: dict, readonly=frozenset(), mutating: bool = False):
        self.scopes = [namespace]
        self.readonly = readonly
        self.mutating = mutating
        self.allowed = policy.SCRIPT_NODES if mutating else policy.EXPRESSION_NODES
        self.steps = 0
        self.deadline = time.monotonic() + TIME_LIMIT
        self.line: int | None = None

    # --- accounting -----------------------------------------------------------------------

    def tick(self, cost: int = 1) -> None:
        """Charge steps; stop the run when the step budget or the time limit is used up."""
        self.steps += cost
        if self.steps > MAX_STEPS:
            raise ScriptFailed(f"the code ran more than {MAX_STEPS} steps (endless loop?)")
        if time.monotonic() > self.deadline:
            raise ScriptFailed(f"the code ran longer than {TIME_LIMIT} s (endless loop?)")

    def produced(self, value):
        """Check a newly allocated value against the size limits and charge for its size."""
        check_result(value)
        if isinstance(value, SIZED):
            self.tick(len(value) // ALLOC_UNIT)
        return value

    def weigh(self, value) -> int:
        """Bound the nested size of a value before a C operation whose cost grows with it."""
        if not is_container(value):
            return 1 + len(value) // CHARS_PER_UNIT if isinstance(value, str) else 1
        total = weigh(value)
        self.tick(total // ALLOC_UNIT)
        return total

    def guard_hash(self, key) -> None:
        """Hashing a tuple or frozenset recurses into it (and the hash is not cached)."""
        if isinstance(key, (tuple, frozenset)):
            self.weigh(key)

    def guard_compare(self, op: type, left, right) -> None:
        """Bound the cost of a comparison before running it."""
        if op in (ast.Is, ast.IsNot):
            return
        if op in (ast.In, ast.NotIn):
            self.guard_membership(left, right)
        else:
            self.weigh(left)
            self.weigh(right)

    def guard_membership(self, needle, container) -> None:
        """`needle in container`, list.index/count/remove: hashing for sets and dicts, else one
        comparison per element, each costing at most the needle's size."""
        if isinstance(container, str):
            return
        if isinstance(container, (dict, set, frozenset)):
            self.guard_hash(needle)
            return
        size = len(container) if isinstance(container, SIZED) else MAX_WEIGHT
        if self.weigh(needle) * max(size, 1) > MAX_WEIGHT:
            self.weigh(container)

    # --- dispatch -------------------------------------------------------------------------

    def run_expression(self, tree: ast.Expression):
        """Evaluate a checked expression tree and return its value."""
        return self.eval(tree.body)

    def run_script(self, tree: ast.Module) -> None:
        """Run a checked script tree; assignments go to the namespace."""
        self.run_block(tree.body)

    def eval(self, node: ast.AST):
        """Evaluate one node: charge a step, track the line, dispatch by exact node type."""
        self.tick()
        line = getattr(node, "lineno", None)
        if line is not None:
            self.line = line
        handler = HANDLERS.get(type(node))
        if handler is None or type(node) not in self.allowed:
            raise UnsafeCode(policy.node_message(type(node)), self.line)
        return handler(self, node)

    def run_block(self, statements: list[ast.stmt]) -> None:
        """Run statements in order."""
        for statement in statements:
            self.eval(statement)

    # --- names and assignment -------------------------------------------------------------

    def load_name(self, name: str):
        """Look a name up, innermost comprehension scope first."""
        policy.check_identifier(name, self.line)
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in policy.BUILTIN_NAMES:
            raise ScriptFailed(f"'{name}' can only be called, as in {name}(...)")
        raise ScriptFailed(f"unknown name '{name}'")

    def store_name(self, name: str, value) -> None:
        """Bind a name: in the innermost comprehension scope, else in the namespace."""
        policy.check_identifier(name, self.line)
        if len(self.scopes) == 1 and name in self.readonly:
            raise ScriptFailed(f"'{name}' is read-only here")
        self.scopes[-1][name] = value

    def assign(self, target: ast.expr, value) -> None:
        """Assign to a name, a tuple/list of targets (unpacking) or a list/dict item."""
        if isinstance(target, ast.Name):
            self.store_name(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self._unpack(target.elts, value)
        elif isinstance(target, ast.Subscript):
            container = self.eval(target.value)
            self.set_item(container, self.eval(target.slice), value)
        else:
            raise UnsafeCode("only names and items can be assigned to", self.line)

    def _unpack(self, targets: list[ast.expr], value) -> None:
        items = list(islice(iter(value), len(targets) + 1))
        if len(items) != len(targets):
            raise ScriptFailed(f"cannot unpack into {len(targets)} names: wrong number of values")
        for target, item in zip(targets, items):
            self.assign(target, item)

    def set_item(self, container, key, value) -> None:
        """``container[key] = value`` for lists and dicts only, without outgrowing MAX_SIZE."""
        if not self.mutating:
            raise UnsafeCode("changing data is not allowed in an expression", self.line)
        if not isinstance(container, (list, dict)):
            raise ScriptFailed(f"cannot assign items of a {type(container).__name__} value")
        if isinstance(key, slice) and isinstance(value, SIZED):
            if len(container) + len(value) > MAX_SIZE:
                raise ScriptFailed(f"the list would have more than {MAX_SIZE} elements")
        elif isinstance(container, dict):
            self.guard_hash(key)
            if key not in container and len(container) >= MAX_SIZE:
                raise ScriptFailed(f"the dict would have more than {MAX_SIZE} entries")
        container[key] = value

    # --- operations shared with the library ------------------------------------------------

    def binop(self, op: type, left, right, table=BINARY):
        """Apply a binary operator after checking that its result stays within the limits."""
        function = table.get(op)
        if function is None:
            raise UnsafeCode(policy.node_message(op), self.line)
        check_binop(op, left, right)
        return self.produced(function(left, right))

    def call_builtin(self, name: str, args: list, kwargs: dict):
        """Call a whitelisted builtin by name (never a value from the namespace)."""
        policy.check_identifier(name, self.line)
        implementation = library.BUILTINS.get(name)
        if implementation is None:
            raise UnsafeCode(f"calling '{name}' is not allowed", self.line)
        self._check_keywords(kwargs, policy.BUILTIN_KEYWORDS.get(name, ()))
        return implementation(self, *args, **kwargs)

    def call_method(self, value, name: str, args: list, kwargs: dict):
        """Call a whitelisted method of a str/list/dict/set/tuple/date value."""
        policy.check_identifier(name, self.line)
        if name not in policy.METHOD_NAMES:
            raise UnsafeCode(f"calling method '{name}' is not allowed", self.line)
        if name in policy.MUTATING_METHODS and not self.mutating:
            raise UnsafeCode(f"method '{name}' changes data and is not allowed in an expression",
                             self.line)
        self._check_keywords(kwargs, policy.METHOD_KEYWORDS)
        return library.call_method(self, value, name, args, kwargs)

    def _check_keywords(self, kwargs: dict, allowed) -> None:
        for keyword in kwargs:
            if keyword not in allowed:
                raise UnsafeCode(f"keyword argument '{keyword}' is not allowed here", self.line)

    def format_value(self, value, conversion: int, spec: str) -> str:
        """Format one f-string field, within the limits."""
        if is_container(value):
            self.weigh(value)
        return self.produced(format_value(value, conversion, spec))

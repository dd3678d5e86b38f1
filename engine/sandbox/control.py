"""Comprehensions and statements: one function per allowed node type."""
from __future__ import annotations

import ast

from engine.sandbox.errors import ScriptFailed, UnsafeCode
from engine.sandbox.handlers import IN_PLACE, add_to_set, put_in_dict
from engine.sandbox.limits import MAX_SIZE


class _Break(Exception):
    """Control flow for `break` (the checker guarantees it is inside a loop)."""


class _Continue(Exception):
    """Control flow for `continue`."""


# --- comprehensions (always materialised, so bounded by MAX_SIZE and the step budget) ------

def _comprehend(interp, generators, emit) -> None:
    interp.scopes.append({})  # comprehension variables do not leak, as in Python 3
    try:
        _generate(interp, generators, 0, emit)
    finally:
        interp.scopes.pop()


def _generate(interp, generators, index, emit) -> None:
    if index == len(generators):
        emit()
        return
    generator = generators[index]
    for item in interp.eval(generator.iter):
        interp.tick()
        interp.assign(generator.target, item)
        if all(interp.eval(condition) for condition in generator.ifs):
            _generate(interp, generators, index + 1, emit)


def _list_comprehension(interp, node):
    result = []

    def emit():
        if len(result) >= MAX_SIZE:
            raise ScriptFailed(f"a list may not have more than {MAX_SIZE} elements")
        result.append(interp.eval(node.elt))

    _comprehend(interp, node.generators, emit)
    return interp.produced(result)


def _set_comprehension(interp, node):
    result = set()
    _comprehend(interp, node.generators, lambda: add_to_set(interp, result, interp.eval(node.elt)))
    return interp.produced(result)


def _dict_comprehension(interp, node):
    result = {}

    def emit():
        key = interp.eval(node.key)
        put_in_dict(interp, result, key, interp.eval(node.value))

    _comprehend(interp, node.generators, emit)
    return interp.produced(result)


# --- statements -----------------------------------------------------------------------------

def _expression_statement(interp, node):
    interp.eval(node.value)


def _assign(interp, node):
    value = interp.eval(node.value)
    for target in node.targets:
        interp.assign(target, value)


def _aug_assign(interp, node):
    target, op = node.target, type(node.op)
    if isinstance(target, ast.Name):
        current = interp.load_name(target.id)
        interp.store_name(target.id, interp.binop(op, current, interp.eval(node.value), IN_PLACE))
    elif isinstance(target, ast.Subscript):
        container = interp.eval(target.value)
        key = interp.eval(target.slice)
        interp.guard_hash(key)
        current = container[key]
        new = interp.binop(op, current, interp.eval(node.value), IN_PLACE)
        interp.set_item(container, key, new)
    else:
        raise UnsafeCode("only names and items can be assigned to", interp.line)


def _if(interp, node):
    interp.run_block(node.body if interp.eval(node.test) else node.orelse)


def _for(interp, node):
    for item in interp.eval(node.iter):
        interp.tick()
        interp.assign(node.target, item)
        if _loop_body(interp, node.body):
            break
    else:
        interp.run_block(node.orelse)


def _while(interp, node):
    while interp.eval(node.test):
        if _loop_body(interp, node.body):
            break
    else:
        interp.run_block(node.orelse)


def _loop_body(interp, body) -> bool:
    """Run one iteration; True when it ended with `break`."""
    try:
        interp.run_block(body)
    except _Break:
        return True
    except _Continue:
        pass
    return False


def _break(interp, node):
    raise _Break()


def _continue(interp, node):
    raise _Continue()


def _pass(interp, node):
    return None


CONTROL_HANDLERS = {
    ast.ListComp: _list_comprehension, ast.GeneratorExp: _list_comprehension,
    ast.SetComp: _set_comprehension, ast.DictComp: _dict_comprehension,
    ast.Expr: _expression_statement, ast.Assign: _assign, ast.AugAssign: _aug_assign,
    ast.If: _if, ast.For: _for, ast.While: _while, ast.Break: _break,
    ast.Continue: _continue, ast.Pass: _pass,
}

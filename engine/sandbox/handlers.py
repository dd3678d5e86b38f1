"""Expression nodes: one function per allowed node type, ``handler(interpreter, node) -> value``.

Only node types listed in EXPRESSION_HANDLERS (and ``control.CONTROL_HANDLERS``) can ever be
evaluated; the interpreter refuses the rest."""
from __future__ import annotations

import ast
import operator

from engine.sandbox import policy
from engine.sandbox.errors import ScriptFailed, UnsafeCode
from engine.sandbox.limits import MAX_SIZE, check_result

BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.BitAnd: operator.and_,
}
# In-place forms, so that `x += [1]` also changes the list when it is shared, as in Python.
IN_PLACE = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul,
    ast.Div: operator.itruediv, ast.FloorDiv: operator.ifloordiv, ast.Mod: operator.imod,
    ast.Pow: operator.ipow, ast.LShift: operator.ilshift, ast.RShift: operator.irshift,
    ast.BitOr: operator.ior, ast.BitXor: operator.ixor, ast.BitAnd: operator.iand,
}
UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert,
         ast.Not: operator.not_}
COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: operator.contains, ast.NotIn: operator.contains,  # operands swapped below
}


# --- expressions ----------------------------------------------------------------------------

def _constant(interp, node):
    if not isinstance(node.value, policy.CONSTANT_TYPES):
        raise UnsafeCode(f"{type(node.value).__name__} literals are not allowed", interp.line)
    return node.value


def _name(interp, node):
    if not isinstance(node.ctx, ast.Load):
        raise UnsafeCode("unexpected assignment target", interp.line)
    return interp.load_name(node.id)


def _list(interp, node):
    return interp.produced([interp.eval(element) for element in node.elts])


def _tuple(interp, node):
    return interp.produced(tuple(interp.eval(element) for element in node.elts))


def _set(interp, node):
    result = set()
    for element in node.elts:
        add_to_set(interp, result, interp.eval(element))
    return interp.produced(result)


def _dict(interp, node):
    result = {}
    for key_node, value_node in zip(node.keys, node.values):
        if key_node is None:
            raise UnsafeCode("'**' unpacking is not allowed", interp.line)
        put_in_dict(interp, result, interp.eval(key_node), interp.eval(value_node))
    return interp.produced(result)


def add_to_set(interp, result: set, value) -> None:
    """Add to a set being built, hashing safely and within MAX_SIZE."""
    interp.guard_hash(value)
    if len(result) >= MAX_SIZE:
        raise ScriptFailed(f"a set may not have more than {MAX_SIZE} elements")
    result.add(value)


def put_in_dict(interp, result: dict, key, value) -> None:
    """Set an entry of a dict being built, hashing safely and within MAX_SIZE."""
    interp.guard_hash(key)
    if len(result) >= MAX_SIZE:
        raise ScriptFailed(f"a dict may not have more than {MAX_SIZE} entries")
    result[key] = value


def _subscript(interp, node):
    if not isinstance(node.ctx, ast.Load):
        raise UnsafeCode("unexpected assignment target", interp.line)
    value = interp.eval(node.value)
    key = interp.eval(node.slice)
    interp.guard_hash(key)
    result = value[key]
    # Only a slice allocates; an item is a value that already exists.
    return interp.produced(result) if isinstance(key, slice) else result


def _slice(interp, node):
    parts = (node.lower, node.upper, node.step)
    return slice(*(None if part is None else interp.eval(part) for part in parts))


def _unary(interp, node):
    function = UNARY.get(type(node.op))
    if function is None:
        raise UnsafeCode(policy.node_message(type(node.op)), interp.line)
    return check_result(function(interp.eval(node.operand)))


def _binary(interp, node):
    left = interp.eval(node.left)
    return interp.binop(type(node.op), left, interp.eval(node.right))


def _bool_op(interp, node):
    # Python semantics: return the deciding operand, short-circuiting.
    stop_when = bool(isinstance(node.op, ast.Or))
    value = None
    for operand in node.values:
        value = interp.eval(operand)
        if bool(value) == stop_when:
            return value
    return value


def _compare(interp, node):
    left = interp.eval(node.left)
    result = True
    for op_node, right_node in zip(node.ops, node.comparators):
        right = interp.eval(right_node)
        op = type(op_node)
        function = COMPARE.get(op)
        if function is None:
            raise UnsafeCode(policy.node_message(op), interp.line)
        interp.guard_compare(op, left, right)
        if op in (ast.In, ast.NotIn):
            result = function(right, left) if op is ast.In else not function(right, left)
        else:
            result = function(left, right)
        if not result:
            return result
        left = right
    return result


def _if_expression(interp, node):
    return interp.eval(node.body if interp.eval(node.test) else node.orelse)


def _joined_str(interp, node):
    parts = [interp.eval(part) if isinstance(part, ast.FormattedValue) else _literal_text(interp, part)
             for part in node.values]
    return interp.produced("".join(parts))


def _literal_text(interp, node) -> str:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        raise UnsafeCode("unexpected f-string part", interp.line)
    return node.value


def _formatted_value(interp, node):
    spec = "" if node.format_spec is None else "".join(
        _literal_text(interp, part) for part in node.format_spec.values)
    return interp.format_value(interp.eval(node.value), node.conversion, spec)


def _attribute(interp, node):
    """Reading (not calling) an attribute: plain data attributes of dates only."""
    policy.check_identifier(node.attr, interp.line)
    if node.attr not in policy.ATTRIBUTE_NAMES or not isinstance(node.ctx, ast.Load):
        raise UnsafeCode(f"attribute '{node.attr}' is not allowed", interp.line)
    value = interp.eval(node.value)
    if not policy.attribute_allowed(value, node.attr):
        raise ScriptFailed(f"{type(value).__name__} values have no attribute '{node.attr}'")
    return getattr(value, node.attr)


def _call(interp, node):
    func = node.func
    is_method = isinstance(func, ast.Attribute)
    allowed = policy.METHOD_KEYWORDS if is_method else policy.BUILTIN_KEYWORDS.get(
        getattr(func, "id", None), ())
    for keyword in node.keywords:  # refuse before evaluating anything
        if keyword.arg not in allowed:
            raise UnsafeCode(f"keyword argument '{keyword.arg}' is not allowed here", interp.line)
    receiver = interp.eval(func.value) if is_method else None
    args = [interp.eval(arg) for arg in node.args]
    kwargs = {keyword.arg: interp.eval(keyword.value) for keyword in node.keywords}
    if isinstance(func, ast.Name):
        return interp.call_builtin(func.id, args, kwargs)
    if isinstance(func, ast.Attribute):
        return interp.call_method(receiver, func.attr, args, kwargs)
    raise UnsafeCode("only built-in functions and allowed methods can be called", interp.line)


EXPRESSION_HANDLERS = {
    ast.Constant: _constant, ast.Name: _name, ast.List: _list, ast.Tuple: _tuple,
    ast.Set: _set, ast.Dict: _dict, ast.Subscript: _subscript, ast.Slice: _slice,
    ast.UnaryOp: _unary, ast.BinOp: _binary, ast.BoolOp: _bool_op, ast.Compare: _compare,
    ast.IfExp: _if_expression, ast.JoinedStr: _joined_str, ast.FormattedValue: _formatted_value,
    ast.Attribute: _attribute, ast.Call: _call,
}

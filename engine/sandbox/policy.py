"""What sandboxed code may use: syntax, builtins, methods and attributes. Shared by the static
checker and the interpreter, so that both refuse exactly the same things."""
from __future__ import annotations

import ast
from datetime import date, datetime

from engine.sandbox.errors import UnsafeCode

OPERATORS = {
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.LShift, ast.RShift, ast.BitOr, ast.BitXor, ast.BitAnd,
    ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Invert,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn,
    ast.Load, ast.Store,
}
EXPRESSION_NODES = {
    ast.Expression, ast.Constant, ast.Name, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.Subscript, ast.Slice, ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare, ast.IfExp,
    ast.JoinedStr, ast.FormattedValue, ast.ListComp, ast.SetComp, ast.DictComp,
    ast.GeneratorExp, ast.comprehension, ast.Call, ast.keyword, ast.Attribute,
} | OPERATORS
STATEMENT_NODES = {
    ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.While,
    ast.Break, ast.Continue, ast.Pass, ast.Expr,
}
SCRIPT_NODES = EXPRESSION_NODES | STATEMENT_NODES

# Why a construct is refused, for the author of the diagram.
NODE_MESSAGES = {
    ast.Import: "imports are not allowed",
    ast.ImportFrom: "imports are not allowed",
    ast.FunctionDef: "function definitions are not allowed",
    ast.AsyncFunctionDef: "function definitions are not allowed",
    ast.Lambda: "lambda functions are not allowed",
    ast.ClassDef: "class definitions are not allowed",
    ast.Global: "global declarations are not allowed",
    ast.Nonlocal: "nonlocal declarations are not allowed",
    ast.With: "with statements are not allowed",
    ast.AsyncWith: "with statements are not allowed",
    ast.Try: "try statements are not allowed",
    ast.TryStar: "try statements are not allowed",
    ast.Raise: "raise statements are not allowed",
    ast.Assert: "assert statements are not allowed",
    ast.Delete: "del statements are not allowed",
    ast.Return: "return statements are not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Await: "await is not allowed",
    ast.AsyncFor: "async loops are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.Starred: "star unpacking (*x) is not allowed",
    ast.AnnAssign: "annotated assignments are not allowed",
    ast.Match: "match statements are not allowed",
    ast.MatMult: "the '@' operator is not allowed",
}
STATEMENT_IN_EXPRESSION = "statements are not allowed in an expression"

# Callable by name only: a builtin can never be read as a value, passed around or shadowed.
BUILTIN_NAMES = frozenset({
    "len", "min", "max", "sum", "abs", "round", "sorted", "reversed", "any", "all",
    "set", "list", "dict", "tuple", "str", "int", "float", "bool", "range", "enumerate", "zip",
})
# Keyword arguments per builtin. No "key=": it would need a callable.
BUILTIN_KEYWORDS = {
    "sorted": {"reverse"}, "min": {"default"}, "max": {"default"}, "sum": {"start"},
    "enumerate": {"start"}, "round": {"ndigits"}, "int": {"base"},
}
METHOD_KEYWORDS = frozenset({"sep", "maxsplit"})

# Methods per value type, looked up on the type itself (never on the value) so a subclass
# cannot swap in its own. Order matters: datetime before date. No str.format/format_map:
# format fields such as "{0.__class__}" walk attributes.
METHODS = {
    str: {"lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split",
          "join", "replace", "count", "find"},
    list: {"append", "extend", "index", "count", "insert", "pop", "remove"},
    dict: {"get", "keys", "values", "items", "setdefault", "update", "pop"},
    set: {"add", "union", "intersection", "difference", "issubset", "issuperset", "discard"},
    frozenset: {"union", "intersection", "difference", "issubset", "issuperset"},
    tuple: {"count", "index"},
    datetime: {"isoformat"},
    date: {"isoformat"},
}
METHOD_NAMES = frozenset().union(*METHODS.values())
# Methods that change the value they are called on: refused in expressions, which must not
# change task data (a gateway condition is evaluated, not run).
MUTATING_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "setdefault",
                              "update", "add", "discard"})
# Plain data attributes, readable without a call.
ATTRIBUTES = {date: {"year", "month", "day"}}
ATTRIBUTE_NAMES = frozenset().union(*ATTRIBUTES.values())

CONSTANT_TYPES = (str, int, float, bool, type(None))


def node_message(kind: type) -> str:
    """Why a syntax node type is refused."""
    return NODE_MESSAGES.get(kind, f"'{kind.__name__}' syntax is not allowed")


def check_identifier(name: str, line: int | None = None) -> None:
    """Refuse any identifier starting with an underscore: that is how every known escape
    reaches interpreter internals (__class__, __globals__, __builtins__, _private...)."""
    if name.startswith("_"):
        raise UnsafeCode(f"names starting with an underscore are not allowed: {name}", line)


def method_owner(value, name: str):
    """The whitelisted type whose method ``name`` applies to ``value``, or None."""
    for kind, names in METHODS.items():
        if isinstance(value, kind) and name in names:
            return kind
    return None


def attribute_allowed(value, name: str) -> bool:
    """Whether reading ``value.name`` (not calling it) is allowed."""
    return any(isinstance(value, kind) and name in names for kind, names in ATTRIBUTES.items())

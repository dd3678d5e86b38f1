"""Whitelisted builtins and methods. Each is bounded BEFORE it runs (a C call cannot be
interrupted) and results are checked against the size limits afterwards.

Builtins returning lazy iterators in Python (range, enumerate, zip, reversed, dict views)
return lists here: they are bounded, cheap to check and safe to store in task data."""
from __future__ import annotations

import ast
from decimal import Decimal

from engine.sandbox import policy
from engine.sandbox.errors import ScriptFailed
from engine.sandbox.limits import (ALLOC_UNIT, MAX_INT_BITS, MAX_ROUND_DIGITS, MAX_SIZE, SIZED,
                                   check_result)

_DECIMAL_DIGITS_PER_BIT = 0.30103  # log10(2)


def _check_integral_size(value) -> None:
    """int(Decimal("1E+999999")) would build a million-digit int: refuse it before."""
    if isinstance(value, Decimal) and value.is_finite() and \
            value.adjusted() > MAX_INT_BITS * _DECIMAL_DIGITS_PER_BIT:
        raise ScriptFailed(f"number is too large to convert to an integer ({MAX_INT_BITS} bits)")


# --- builtins: implementation(interpreter, *args, **kwargs) -----------------------------------

def _len(interp, value):
    return len(value)


def _min(interp, *args, **kwargs):
    interp.weigh(args[0] if len(args) == 1 else args)
    return min(*args, **kwargs)


def _max(interp, *args, **kwargs):
    interp.weigh(args[0] if len(args) == 1 else args)
    return max(*args, **kwargs)


def _sum(interp, iterable, start=0):
    # Summed step by step so that every addition is checked (sum(lists, []) could explode).
    total = start
    for item in iterable:
        interp.tick()
        total = interp.binop(ast.Add, total, item)
    return total


def _abs(interp, value):
    return check_result(abs(value))


def _round(interp, number, ndigits=None):
    if ndigits is None:
        _check_integral_size(number)
        return check_result(round(number))
    if not isinstance(ndigits, int) or abs(ndigits) > MAX_ROUND_DIGITS:
        raise ScriptFailed(f"round() digits must be an integer between -{MAX_ROUND_DIGITS} "
                           f"and {MAX_ROUND_DIGITS}")
    return check_result(round(number, ndigits))


def _sorted(interp, iterable, reverse=False):
    interp.weigh(iterable)
    return interp.produced(sorted(iterable, reverse=reverse))


def _reversed(interp, sequence):
    return interp.produced(list(reversed(sequence)))


def _any(interp, iterable):
    return any(iterable)


def _all(interp, iterable):
    return all(iterable)


def _set(interp, iterable=()):
    interp.weigh(iterable)
    return interp.produced(set(iterable))


def _list(interp, iterable=()):
    return interp.produced(list(iterable))


def _dict(interp, iterable=()):
    interp.weigh(iterable)
    return interp.produced(dict(iterable))


def _tuple(interp, iterable=()):
    return interp.produced(tuple(iterable))


def _str(interp, value=""):
    interp.weigh(value)
    return interp.produced(str(value))


def _int(interp, value=0, base=None):
    _check_integral_size(value)
    return check_result(int(value) if base is None else int(value, base))


def _float(interp, value=0.0):
    return float(value)


def _bool(interp, value=False):
    return bool(value)


def _range(interp, *args):
    if not all(isinstance(arg, int) for arg in args):
        raise ScriptFailed("range() arguments must be integers")
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:
        count = MAX_SIZE + 1
    if count > MAX_SIZE:
        raise ScriptFailed(f"range() may not have more than {MAX_SIZE} elements")
    return interp.produced(list(numbers))


def _enumerate(interp, iterable, start=0):
    return interp.produced(list(enumerate(iterable, start)))


def _zip(interp, *iterables):
    return interp.produced(list(zip(*iterables)))


BUILTINS = {
    "len": _len, "min": _min, "max": _max, "sum": _sum, "abs": _abs, "round": _round,
    "sorted": _sorted, "reversed": _reversed, "any": _any, "all": _all, "set": _set,
    "list": _list, "dict": _dict, "tuple": _tuple, "str": _str, "int": _int, "float": _float,
    "bool": _bool, "range": _range, "enumerate": _enumerate, "zip": _zip,
}
assert set(BUILTINS) == policy.BUILTIN_NAMES

# --- methods ----------------------------------------------------------------------------------

_ALLOCATING = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "split", "join", "replace",
                         "union", "intersection", "difference", "keys", "values", "items"})
_VIEWS = frozenset({"keys", "values", "items"})


def call_method(interp, value, name: str, args: list, kwargs: dict):
    """Call method ``name`` of ``value``, looked up on its whitelisted type."""
    owner = policy.method_owner(value, name)
    if owner is None:
        raise ScriptFailed(f"{type(value).__name__} values have no method '{name}'")
    guard = _GUARDS.get(name)
    if guard is not None:
        guard(interp, value, args)
    result = getattr(owner, name)(value, *args, **kwargs)
    if name in _VIEWS:
        result = list(result)
    return interp.produced(result) if name in _ALLOCATING else result


def _sized(args: list) -> list:
    if not all(isinstance(arg, SIZED) for arg in args):
        raise ScriptFailed("argument must be a str, list, tuple, set or dict")
    return args


def _guard_growth(interp, value, args) -> None:
    """extend/update/union: the result is at most the sum of the sizes."""
    added = sum(len(arg) for arg in _sized(args))
    if len(value) + added > MAX_SIZE:
        raise ScriptFailed(f"result would have more than {MAX_SIZE} elements")
    interp.tick(added // ALLOC_UNIT)
    if not isinstance(value, list):
        for arg in args:
            interp.weigh(arg)  # elements get hashed


def _guard_hashing(interp, value, args) -> None:
    """intersection/difference/issubset/issuperset: only hashing, no growth."""
    for arg in args:
        interp.weigh(arg)


def _guard_one_more(interp, value, args) -> None:
    """append/insert/add/setdefault: one element more."""
    if args and not isinstance(value, list):
        interp.guard_hash(args[0])
    if len(value) >= MAX_SIZE:
        raise ScriptFailed(f"a {type(value).__name__} may not have more than {MAX_SIZE} elements")


def _guard_key(interp, value, args) -> None:
    """get/pop/discard: the key gets hashed."""
    if args:
        interp.guard_hash(args[0])


def _guard_search(interp, value, args) -> None:
    """index/count/remove compare the needle with every element."""
    if args:
        interp.guard_membership(args[0], value)


def _guard_join(interp, separator, args) -> None:
    items = _sized(args[:1])[0] if args else ()
    interp.tick(len(items) // ALLOC_UNIT)
    size = sum(len(item) for item in items if isinstance(item, str))
    if size + len(separator) * max(len(items) - 1, 0) > MAX_SIZE:
        raise ScriptFailed(f"join() would produce more than {MAX_SIZE} characters")


def _guard_replace(interp, text, args) -> None:
    if len(args) < 2 or not all(isinstance(arg, str) for arg in args[:2]):
        return  # str.replace itself raises the TypeError
    old, new = args[0], args[1]
    count = text.count(old) if old else len(text) + 1
    if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
        count = min(count, args[2])
    if len(text) + count * (len(new) - len(old)) > MAX_SIZE:
        raise ScriptFailed(f"replace() would produce more than {MAX_SIZE} characters")


_GUARDS = {
    "extend": _guard_growth, "update": _guard_growth, "union": _guard_growth,
    "intersection": _guard_hashing, "difference": _guard_hashing,
    "issubset": _guard_hashing, "issuperset": _guard_hashing,
    "append": _guard_one_more, "insert": _guard_one_more, "add": _guard_one_more,
    "setdefault": _guard_one_more,
    "get": _guard_key, "pop": _guard_key, "discard": _guard_key,
    "index": _guard_search, "count": _guard_search, "remove": _guard_search,
    "join": _guard_join, "replace": _guard_replace,
}

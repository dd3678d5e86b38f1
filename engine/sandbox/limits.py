"""Resource limits for sandboxed code, and the checks that enforce them.

Each constant bounds what ONE call of ``evaluate()`` / ``execute()`` may use, whatever the
untrusted code does. Single C-level operations (sorting, comparing, repeating a list...) cannot
be interrupted, so every operation that could be expensive is checked BEFORE it runs:

MAX_STEPS         AST node visits per call: the deterministic bound on run time. Operations
                  that touch many elements are charged one extra step per ``ALLOC_UNIT``
                  elements, so the budget also bounds the memory a call can allocate.
TIME_LIMIT        Wall-clock seconds per call, checked at every step: a backstop for machines
                  slow enough that MAX_STEPS alone would take too long.
MAX_SIZE          Longest str/list/tuple/dict/set an operation may produce (also caps range()).
MAX_INT_BITS      Largest int an operation may produce (4096 bits is about 1233 digits).
                  Powers, products and shifts are estimated and refused before computing.
MAX_WEIGHT        Largest nested size (objects, with long strs and ints counting more, shared
                  objects counted each time they appear) of a value handed to an operation
                  whose C cost grows with it: ==, <, in, sorted, min, max, set, dict, hashing,
                  str() and f-strings. Also checked on every value written back to task data,
                  so nothing stored can blow up the serializer.
MAX_NESTING       Deepest container nesting in such a value (bounds C recursion, catches cycles).
MAX_SOURCE_CHARS  Longest source text accepted; MAX_AST_DEPTH bounds the parse tree depth,
                  and with it the interpreter's own recursion.
"""
from __future__ import annotations

import ast
import math

from engine.sandbox.errors import ScriptFailed

MAX_STEPS = 100_000
TIME_LIMIT = 1.0
MAX_SIZE = 100_000
MAX_INT_BITS = 4096
MAX_WEIGHT = 250_000
MAX_NESTING = 32
ALLOC_UNIT = 10
MAX_SOURCE_CHARS = 20_000
MAX_AST_DEPTH = 100
MAX_ROUND_DIGITS = 100
# A long str costs one weight unit per this many characters (comparing is memcmp-fast).
CHARS_PER_UNIT = 64

CONTAINERS = (list, tuple, set, frozenset, dict)
SIZED = (str, bytes, bytearray, list, tuple, set, frozenset, dict)
_SEQUENCES = (str, bytes, bytearray, list, tuple)
_TEXT = (str, bytes, bytearray)


def is_container(value) -> bool:
    """Whether a value holds other values (so that comparing or hashing it recurses)."""
    return isinstance(value, CONTAINERS)


def check_result(value):
    """Refuse a freshly produced value that is over the size limits; return it otherwise."""
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ScriptFailed(f"integer result is larger than {MAX_INT_BITS} bits")
    if isinstance(value, SIZED) and len(value) > MAX_SIZE:
        raise ScriptFailed(f"result has {len(value)} elements or characters; the limit is {MAX_SIZE}")
    return value


def weigh(value, limit: int = MAX_WEIGHT) -> int:
    """Return the nested size of ``value``; raise ScriptFailed above ``limit`` or MAX_NESTING.

    Walks level by level without recursion; work is bounded by ``limit`` because the total is
    checked before a container's elements are queued. Cycles show up as too much nesting."""
    total, depth, level = 0, 0, [value]
    while level:
        if depth > MAX_NESTING:
            raise ScriptFailed(f"value is nested more than {MAX_NESTING} levels deep")
        queued = []
        for obj in level:
            total += _own_weight(obj)
            if total > limit:
                raise ScriptFailed(f"value is too large for this operation (limit {limit})")
            if isinstance(obj, dict):
                queued.extend(obj.keys())
                queued.extend(obj.values())
            elif isinstance(obj, CONTAINERS):
                queued.extend(obj)
        level, depth = queued, depth + 1
    return total


def _own_weight(obj) -> int:
    if isinstance(obj, CONTAINERS):
        return 1 + len(obj)
    if isinstance(obj, str):
        return 1 + len(obj) // CHARS_PER_UNIT
    if isinstance(obj, int):
        return 1 + obj.bit_length() // CHARS_PER_UNIT
    return 1


def check_binop(op: type, left, right) -> None:
    """Refuse, before computing it, an arithmetic result that would break the limits."""
    guard = _BINOP_GUARDS.get(op)
    if guard is not None:
        guard(left, right)


def _int(value) -> bool:
    return isinstance(value, int)


def _check_power(base, exponent) -> None:
    if not (_int(base) and _int(exponent)) or exponent < 0 or abs(base) <= 1:
        return  # float/Decimal powers overflow quickly instead of growing without bound
    if exponent > MAX_INT_BITS or math.log2(abs(base)) * exponent > MAX_INT_BITS:
        raise ScriptFailed(f"power result would be larger than {MAX_INT_BITS} bits")


def _repeat_count(left, right):
    """For ``seq * n`` in either order: (sequence, count), else None."""
    if isinstance(left, _SEQUENCES) and _int(right):
        return left, right
    if isinstance(right, _SEQUENCES) and _int(left):
        return right, left
    return None


def _check_multiply(left, right) -> None:
    repeat = _repeat_count(left, right)
    if repeat is not None:
        sequence, count = repeat
        if count > 0 and len(sequence) * count > MAX_SIZE:
            raise ScriptFailed(f"repetition would produce more than {MAX_SIZE} elements or characters")
    elif _int(left) and _int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
        raise ScriptFailed(f"product would be larger than {MAX_INT_BITS} bits")


def _check_concat(left, right) -> None:
    if isinstance(left, SIZED) and isinstance(right, SIZED) and len(left) + len(right) > MAX_SIZE:
        raise ScriptFailed(f"result would have more than {MAX_SIZE} elements or characters")


def _check_shift(left, right) -> None:
    if _int(left) and _int(right) and left.bit_length() + right > MAX_INT_BITS:
        raise ScriptFailed(f"shift result would be larger than {MAX_INT_BITS} bits")


def _check_modulo(left, _right) -> None:
    # "%" on a str is printf-style formatting: a width like "%999999999s" allocates unboundedly.
    if isinstance(left, _TEXT):
        raise ScriptFailed("'%' formatting of strings is not allowed; use an f-string")


_BINOP_GUARDS = {
    ast.Pow: _check_power,
    ast.Mult: _check_multiply,
    ast.Add: _check_concat,
    ast.BitOr: _check_concat,
    ast.LShift: _check_shift,
    ast.Mod: _check_modulo,
}

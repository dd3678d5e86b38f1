"""f-string fields: conversions and format specifications, restricted so that no field can
allocate without bound (a width such as ``{x:999999999}`` would)."""
from __future__ import annotations

import re
from datetime import date, time

from engine.sandbox.errors import ScriptFailed, UnsafeCode

# [[fill]align][sign][z][#][0][width][grouping][.precision][type], width/precision <= 3 digits.
_STANDARD_SPEC = re.compile(r"(.?[<>=^])?[-+ ]?z?#?0?\d{0,3}[,_]?(\.\d{1,3})?[bcdeEfFgGnosxX%]?\Z",
                            re.DOTALL)
# strftime directives and plain text; no digits, which some C libraries read as a field width.
_DATE_SPEC = re.compile(r"(%[a-zA-Z%]|[^%{}0-9])*\Z")

_CONVERSIONS = {-1: None, ord("s"): str, ord("r"): repr, ord("a"): ascii}


def format_value(value, conversion: int, spec: str) -> str:
    """Apply an f-string field's conversion (!s, !r, !a) and format specification."""
    if conversion not in _CONVERSIONS:
        raise UnsafeCode("unknown f-string conversion")
    convert = _CONVERSIONS[conversion]
    if convert is not None:
        value = convert(value)
    pattern = _DATE_SPEC if isinstance(value, (date, time)) else _STANDARD_SPEC
    if spec and not pattern.match(spec):
        raise ScriptFailed(f"format specification {spec!r} is not allowed")
    return format(value, spec)

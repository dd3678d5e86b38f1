"""Breaking a name into lines that fit a width in the diagram (no font metrics on the server)."""
from __future__ import annotations

# An average character of the diagram's 11 px sans-serif font, in pixels (Cyrillic included).
CHAR_WIDTH = 6.5


def wrap(text: str, width: float) -> list[str]:
    """Greedy word wrap of ``text`` into lines of at most ``width`` pixels (long words kept whole)."""
    per_line = max(6, int(width // CHAR_WIDTH))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines

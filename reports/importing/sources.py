"""An input file as rows with canonical column names, whatever its format."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

DEALS, HISTORY = "deals", "history"


class FileProblem(ValueError):
    """A file that cannot be imported at all (encoding, columns, format)."""


class RawRow(NamedTuple):
    """One row: where it is (``line`` in a CSV file, the record's number in JSON), its values by
    canonical column name, and how far into the file it ends (bytes, for the progress bar).
    ``problem`` is set instead of ``values`` when the row cannot even be read."""

    line: int
    values: dict | None
    position: int
    problem: str | None = None


@dataclass
class Source:
    """A file ready to be read: what it holds (``deals`` or ``history``) and its rows."""

    path: Path
    kind: str
    size: int
    rows: Callable[[], Iterator[RawRow]]
    label: str = "line"  # how its row numbers are named in reports ("line", "record")

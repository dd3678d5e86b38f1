"""CSV files as Excel and LibreOffice save them in Russian locales: UTF-8 with or without a BOM,
``;`` or ``,`` between fields, headers in English or Russian."""
from __future__ import annotations

import codecs
import csv
import io
from operator import itemgetter
from pathlib import Path

from reports.importing.rows import DEAL_COLUMNS, DEAL_REQUIRED, ENTRY_COLUMNS
from reports.importing.sources import DEALS, HISTORY, FileProblem, RawRow, Source

CHUNK = 1 << 20
ALIASES = {
    "external_id": ("external_id", "id", "deal_id", "deal", "ид", "id сделки", "сделка", "номер сделки"),
    "title": ("title", "name", "название", "название сделки"),
    "stage": ("stage", "stage_id", "стадия", "стадия сделки", "этап"),
    "source": ("source", "channel", "источник", "канал"),
    "manager": ("manager", "responsible", "ответственный", "менеджер"),
    "created_at": ("created_at", "created", "date_create", "дата создания", "создана"),
    "amount": ("amount", "opportunity", "sum", "сумма"),
    "currency": ("currency", "currency_id", "валюта"),
    "closed_at": ("closed_at", "closed", "closedate", "дата закрытия", "закрыта"),
    "entered_at": ("entered_at", "at", "created_time", "дата перехода", "дата изменения", "время"),
}
COLUMN_OF = {alias: column for column, aliases in ALIASES.items() for alias in aliases}


def check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8 before any of it is imported, naming the line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, offset = 1, 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                line = lines + chunk[:err.start].count(b"\n")
                raise FileProblem(f"line {line} is not UTF-8 (byte {offset + err.start + 1}): save the file as "
                                  "'CSV UTF-8' (Excel) or with the UTF-8 character set (LibreOffice)") from None
            lines += chunk.count(b"\n")
            offset += len(chunk)


def open_csv(path: Path) -> Source:
    """Check a CSV file's encoding and header; a ``Source`` of its rows."""
    check_utf8(path)
    with path.open("r", encoding="utf-8-sig", newline="") as stream:
        header_line = stream.readline()
    if not header_line.strip():
        raise FileProblem("the file is empty")
    delimiter = max(";,\t", key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter))
    columns = [COLUMN_OF.get(name.strip().casefold()) for name in header]
    kind = HISTORY if "entered_at" in columns else DEALS
    required = ENTRY_COLUMNS if kind == HISTORY else DEAL_REQUIRED
    missing = [name for name in required if name not in columns]
    if missing:
        raise FileProblem(f"missing columns: {', '.join(missing)} (a deals file has {', '.join(DEAL_COLUMNS)}; "
                          f"a stage history file has {', '.join(ENTRY_COLUMNS)})")
    repeated = {c for c in columns if c and columns.count(c) > 1}
    if repeated:
        raise FileProblem(f"columns named twice: {', '.join(sorted(repeated))}")
    return Source(path, kind, path.stat().st_size, lambda: _rows(path, delimiter, columns))


class _Counting(io.RawIOBase):
    """A binary stream that counts the bytes read (the progress bar's position)."""

    def __init__(self, stream):
        self.stream, self.count = stream, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        read = self.stream.readinto(buffer)
        self.count += read
        return read


def _rows(path: Path, delimiter: str, columns: list[str | None]):
    named = [(index, column) for index, column in enumerate(columns) if column]
    names, pick = [column for _index, column in named], itemgetter(*(index for index, _column in named))
    if len(named) == 1:
        pick = (lambda getter: lambda fields: (getter(fields),))(pick)
    width = len(columns)
    with path.open("rb") as raw:
        counting = _Counting(raw)
        text = io.TextIOWrapper(io.BufferedReader(counting, CHUNK), encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        next(reader)
        line = reader.line_num
        for fields in reader:
            start, line = line + 1, reader.line_num
            if len(fields) != width:
                if not any(field.strip() for field in fields):
                    continue  # an empty line
                if any(field.strip() for field in fields[width:]):
                    yield RawRow(start, None, counting.count, f"{len(fields)} fields, the header has {width}")
                    continue
                fields += [""] * (width - len(fields))  # trailing empty cells left out
            yield RawRow(start, dict(zip(names, pick(fields))), counting.count)

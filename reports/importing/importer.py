"""``invoiceflow deals import FILE...``: every file checked first, deals files before stage
histories, good rows in batches of one transaction each, bad rows reported with their line."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reports import bulk
from reports.importing.bitrix import load_mapping, open_bitrix
from reports.importing.csvfiles import open_csv
from reports.importing.rows import deal_record, entry_row
from reports.importing.sources import DEALS, FileProblem, Source
from reports.importing.values import RowProblem
from reports.importing.writer import BatchResult, write_deals, write_entries

BATCH = 10000  # rows per transaction
DEFAULT_MAPPING = Path(__file__).resolve().parent.parent / "bitrix_mapping.toml"


@dataclass
class FileReport:
    """What importing one file did."""

    path: Path
    kind: str | None = None
    rows: int = 0
    totals: BatchResult = field(default_factory=BatchResult)
    failure: str | None = None  # the whole file was refused
    label: str = "line"

    @property
    def problems(self) -> list[tuple[int, str]]:
        """Rows left out: (line or record number, reason)."""
        return self.totals.problems


class Importer:
    """Imports files into the deals of a ``Reports`` (its database, pipeline and time zone)."""

    def __init__(self, reports, mapping_path: Path | None = None):
        self.reports = reports
        self.mapping_path = Path(mapping_path or DEFAULT_MAPPING)
        self._mapping = None

    def open(self, path: Path) -> Source:
        """A file as a source of rows: Bitrix24 JSON when it starts like JSON, CSV otherwise."""
        with path.open("rb") as stream:
            start = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        if start[:1] in (b"{", b"["):
            if self._mapping is None:
                self._mapping = load_mapping(self.mapping_path, self.reports.pipeline)
            return open_bitrix(path, self._mapping)
        return open_csv(path)

    def run(self, paths, progress: Callable[[int], None] | None = None) -> list[FileReport]:
        """Import the files; ``progress`` is told how many bytes were read since its last call."""
        reports, sources = [], []
        for path in map(Path, paths):
            report = FileReport(path)
            reports.append(report)
            try:
                sources.append((self.open(path), report))
            except (FileProblem, OSError) as err:
                report.failure = str(err)
        for source, report in sorted(sources, key=lambda pair: pair[0].kind != DEALS):
            report.kind, report.label = source.kind, source.label
            self._import(source, report, progress or (lambda _n: None))
        self.reports.analyze()
        return reports

    def _import(self, source: Source, report: FileReport, progress) -> None:
        convert, write = (deal_record, write_deals) if source.kind == DEALS else (entry_row, write_entries)
        settings, pipeline = self.reports.settings, self.reports.pipeline
        batch, seen, position = [], {}, 0
        for row in source.rows():
            report.rows += 1
            try:
                if row.problem:
                    raise RowProblem(row.problem)
                item = convert(row.values, pipeline, settings.zone)
                if source.kind == DEALS:
                    _first_time(seen, item.external_id, row.line, source.label)
                batch.append((row.line, item))
            except RowProblem as problem:
                report.totals.problems.append((row.line, str(problem)))
            if len(batch) >= BATCH:
                self._write(write, batch, report)
                batch, position = [], self._advance(progress, position, row.position)
        if batch:
            self._write(write, batch, report)
        self._advance(progress, position, source.size)

    @staticmethod
    def _advance(progress, position: int, now: int) -> int:
        progress(now - position)
        return now

    def _write(self, write, batch, report: FileReport) -> None:
        with self.reports.unit_of_work() as ctx:
            bulk.prepare(ctx.session)
            done = write(ctx, batch)
        totals = report.totals
        for name in ("created", "updated", "unchanged", "added", "known"):
            setattr(totals, name, getattr(totals, name) + getattr(done, name))
        totals.problems.extend(done.problems)


def _first_time(seen: dict, external_id: str, line: int, label: str) -> None:
    if external_id in seen:
        raise RowProblem(f"deal {external_id!r} repeats {label} {seen[external_id]} (left out)")
    seen[external_id] = line


"""``invoiceflow deals import FILE...``: every file checked first, deals files before stage
histories, good rows in batches of one transaction each, bad rows reported with their line."""
from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reports import bulk
from reports.importing.bitrix import load_mapping, open_bitrix
from reports.importing.csvfiles import open_csv
from reports.importing.rows import deal_record, entry_row
from reports.importing.sources import DEALS, HISTORY, FileProblem, Source
from reports.importing.values import RowProblem
from reports.importing.writer import BatchResult, write_deals, write_entries

# Good rows per transaction: about 100,000 deals either way. Fewer, larger transactions write
# less: each commit writes out every page its rows touched, and a batch's deals lie all over the
# reports' indexes (SQLite writes whole pages to its WAL).
BATCH = {DEALS: 100_000, HISTORY: 400_000}
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
        # The cyclic garbage collector would walk the batches' millions of young objects (rows,
        # which make no cycles) again and again: it halves the rate rows are read at. Off while
        # importing (and back on after).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for source, report in sorted(sources, key=lambda pair: pair[0].kind != DEALS):
                report.kind, report.label = source.kind, source.label
                self._import(source, report, progress or (lambda _n: None))
        finally:
            if collecting:
                gc.enable()
        self.reports.analyze()
        return reports

    def _import(self, source: Source, report: FileReport, progress) -> None:
        """Read and check the rows in a thread of their own while the batches read so far are
        written (SQLite and psycopg let go of the GIL while the database works: two cores)."""
        write = write_deals if source.kind == DEALS else write_entries
        batches: queue.Queue = queue.Queue(maxsize=2)
        stop = threading.Event()
        reader = threading.Thread(target=self._read, args=(source, batches, stop), daemon=True,
                                  name=f"import {source.path.name}")
        reader.start()
        position = 0
        try:
            while True:
                item = batches.get()
                if isinstance(item, BaseException):
                    raise item
                if item is None:
                    break
                rows, problems, batch, at = item
                report.rows += rows
                report.totals.problems.extend(problems)
                if batch:
                    self._write(write, batch, report)
                position = self._advance(progress, position, at)
        finally:
            stop.set()
            while reader.is_alive():  # let a reader blocked on a full queue see the stop
                try:
                    batches.get_nowait()
                except queue.Empty:
                    reader.join(0.05)
        self._advance(progress, position, source.size)

    def _read(self, source: Source, batches: queue.Queue, stop: threading.Event) -> None:
        """Put (rows read, problems, good rows as (line, item), bytes read) per batch of good rows on
        ``batches``, then None (or the exception that stopped the reading)."""
        convert = deal_record if source.kind == DEALS else entry_row
        settings, pipeline = self.reports.settings, self.reports.pipeline
        deals, zone, label, size = source.kind == DEALS, settings.zone, source.label, BATCH[source.kind]
        try:
            batch, problems, seen, rows = [], [], {}, 0
            for row in source.rows():
                rows += 1
                try:
                    if row.problem:
                        raise RowProblem(row.problem)
                    item = convert(row.values, pipeline, zone)
                    if deals:
                        _first_time(seen, item.external_id, row.line, label)
                    batch.append((row.line, item))
                except RowProblem as problem:
                    problems.append((row.line, str(problem)))
                if len(batch) >= size:
                    batches.put((rows, problems, batch, row.position))
                    batch, problems, rows = [], [], 0
                    if stop.is_set():
                        return
            batches.put((rows, problems, batch, source.size))
            batches.put(None)
        except BaseException as err:  # handed to the writing thread, which raises it
            batches.put(err)

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


"""Reports at scale: N deals (1,000,000 by default) with about 4 stage entries each, imported
through the CSV path (``Reports.import_files``, what ``invoiceflow deals import`` runs), then
every report timed on SQLite and PostgreSQL; DuckDB computes the same numbers from the same CSV
files in the same run, independently (from the raw history, not from our derived columns), and
the answers must be identical.

    python bench/reports.py [--deals 1000000] [--keep DIR]
    INVOICEFLOW_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports

Needs ``pip install duckdb`` (the ``bench`` extra); the PostgreSQL database's schema is recreated.
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from collections import namedtuple
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import backends  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from engine.db import Database  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from reports import Reports, ReportsSettings  # noqa: E402
from reports.periods import Period  # noqa: E402
from reports.pipeline import load_pipeline  # noqa: E402

PATH = ["new", "consultation", "proposal_sent", "prepayment_received", "won"]
SOURCES = ["site", "instagram", "vk", "phone", "referral", "avito", "yandex", "repeat"]
MANAGERS = [f"manager{i:02d}" for i in range(40)]
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
Viewer = namedtuple("Viewer", "username groups")
ADMIN = Viewer("admin", ("admins",))
MONTH = dict(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
# (label, method, keyword arguments)
REPORTS = [
    ("conversion, 2 years", "conversion", {}),
    ("conversion by channel, 2 years", "conversion", {"by": "channel"}),
    ("conversion by manager, 2 years", "conversion", {"by": "manager"}),
    ("funnel, 2 years", "funnel", {}),
    ("conversion by channel, 1 month", "conversion", {"by": "channel", **MONTH}),
    ("funnel, 1 month", "funnel", MONTH),
    ("funnel of one manager, 2 years", "funnel", {"manager": "manager07"}),
]


def deal_stages(rng: random.Random) -> list[str]:
    """A deal's stage entries: mostly from `new`, sometimes created later on the path; moves on,
    skips a stage, steps back, is won, lost, or stays open."""
    rank = 0 if rng.random() < 0.88 else rng.randrange(1, 4)
    stages = [PATH[rank]]
    while rank < 4 and rng.random() < 0.86:
        if rank >= 2 and rng.random() < 0.15:
            stages.append(PATH[rank - 1])  # back for another round
        rank = min(4, rank + (2 if rng.random() < 0.1 else 1))
        stages.append(PATH[rank])
    if rank < 4 and rng.random() < 0.75:
        stages.append("lost")
    return stages


def generate(folder: Path, count: int, seed: int = 6) -> tuple[Path, Path, int]:
    """Write deals.csv and history.csv (UTF-8, ';', Cyrillic titles) for ``count`` deals."""
    rng = random.Random(seed)
    deals_path, history_path = folder / "deals.csv", folder / "history.csv"
    entries = 0
    with deals_path.open("w", encoding="utf-8", newline="") as d, history_path.open("w", encoding="utf-8", newline="") as h:
        deals, history = csv.writer(d, delimiter=";"), csv.writer(h, delimiter=";")
        deals.writerow(["external_id", "title", "stage", "source", "manager", "created_at", "amount", "currency"])
        history.writerow(["external_id", "stage", "entered_at"])
        for number in range(1, count + 1):
            created = START + timedelta(seconds=rng.randrange(730 * 86400))
            at, stages = created, deal_stages(rng)
            for stage in stages:
                history.writerow([f"D{number}", stage, at.isoformat()])
                at += timedelta(seconds=rng.randrange(3600, 20 * 86400))
            deals.writerow([f"D{number}", f"Праздник №{number}", stages[-1], rng.choice(SOURCES),
                            rng.choice(MANAGERS), created.isoformat(), f"{rng.randrange(5000, 200000)}.00", "RUB"])
            entries += len(stages)
    return deals_path, history_path, entries


def fresh(url: str) -> Database:
    """A migrated, empty database."""
    if url.startswith("postgresql"):
        sql = create_engine(url)
        with sql.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        sql.dispose()
    upgrade(url)
    return Database(url)


def vacuum(url: str) -> None:
    """PostgreSQL: set the visibility map after the bulk load, so index-only scans stay index-only."""
    if url.startswith("postgresql"):
        sql = create_engine(url, isolation_level="AUTOCOMMIT")
        with sql.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
        sql.dispose()


def timed(action, repeat: int = 3) -> tuple[float, object]:
    """Median seconds of ``action`` over ``repeat`` runs after one warm-up, and its result."""
    result, samples = action(), []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), result


def answers(method: str, report) -> object:
    """What must match DuckDB: counts per group, or per stage counts and medians."""
    if method == "conversion":
        return sorted((row.key or "", row.created, row.converted) for row in report.rows or [report.total])
    return [(row.stage.code, row.in_stage, row.reached, row.left,
             None if row.median_seconds is None else float(row.median_seconds)) for row in report.stages]


def run_backend(name: str, url: str, files: tuple[Path, Path]) -> dict:
    """Import the files, then time every report; seconds and answers by label."""
    database = fresh(url)
    reports = Reports(database.sessions, ReportsSettings())
    began = time.perf_counter()
    [deals_result] = reports.import_files([files[0]])
    deals_seconds = time.perf_counter() - began
    [history_result] = reports.import_files([files[1]])
    history_seconds = time.perf_counter() - began - deals_seconds
    assert not deals_result.problems and not history_result.problems, (deals_result.problems[:3], history_result.problems[:3])
    print(f"  {name:<10} CSV import: deals {deals_seconds:.0f} s + history {history_seconds:.0f} s "
          f"= {deals_seconds + history_seconds:.0f} s", flush=True)
    vacuum(url)
    out = {"import": (deals_seconds, history_seconds)}
    for label, method, kwargs in REPORTS:
        seconds, report = timed(lambda: getattr(reports, method)(ADMIN, **kwargs))
        out[label] = (seconds, answers(method, report))
        print(f"  {name:<10} {label:<34} {seconds * 1000:8.1f} ms", flush=True)
    database.dispose()
    return out


def main() -> None:
    """Generate the files, run every backend and DuckDB, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the CSV files here (and keep them)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="invoiceflow-bench-reports-"))
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    deals_path, history_path, entries = generate(folder, args.deals)
    print(f"generated {args.deals:,} deals, {entries:,} stage entries in {time.perf_counter() - began:.0f} s ({folder})")
    duck = DuckReports(deals_path, history_path, ReportsSettings())
    results = {name: run_backend(name, url, (deals_path, history_path)) for name, url in backends()}
    print_table(args.deals, entries, results, duck)


class DuckReports:
    """The same definitions in DuckDB, straight from the CSV files: a deal's passed stages and
    stays come from its raw history (window functions), not from anything our import derived."""

    def __init__(self, deals: Path, history: Path, settings: ReportsSettings):
        import duckdb  # the bench extra

        pipeline = load_pipeline(settings.pipeline_path)
        self.path = [stage.code for stage in pipeline.path]
        self.failures = [stage.code for stage in pipeline.failures]
        self.all = [stage.code for stage in pipeline.stages]
        self.settings, self.db = settings, duckdb.connect()
        began = time.perf_counter()
        self._load(deals, history)
        print(f"DuckDB loaded and derived the facts in {time.perf_counter() - began:.0f} s")

    def _load(self, deals: Path, history: Path) -> None:
        ranks = ", ".join(f"('{code}', {rank})" for rank, code in enumerate(self.path))
        self.db.execute(f"""
            CREATE TABLE deals AS SELECT * FROM read_csv('{deals}', delim=';', header=true, columns={{
              'external_id': 'VARCHAR', 'title': 'VARCHAR', 'stage': 'VARCHAR', 'source': 'VARCHAR',
              'manager': 'VARCHAR', 'created_at': 'TIMESTAMPTZ', 'amount': 'DECIMAL(14,2)', 'currency': 'VARCHAR'}});
            CREATE TABLE history AS SELECT row_number() OVER () AS n, * FROM read_csv('{history}', delim=';',
              header=true, columns={{'external_id': 'VARCHAR', 'stage': 'VARCHAR', 'entered_at': 'TIMESTAMPTZ'}});
            CREATE TABLE ranks(stage VARCHAR, rank INTEGER); INSERT INTO ranks VALUES {ranks};
            CREATE TABLE passed AS SELECT external_id, stage FROM history UNION SELECT external_id, stage FROM deals;
            CREATE TABLE facts AS SELECT d.*, d.stage IN ({self._list(self.failures)}) AS lost,
              (SELECT max(r.rank) FROM passed p JOIN ranks r USING (stage) WHERE p.external_id = d.external_id) AS furthest,
              (SELECT list(p.stage) FROM passed p WHERE p.external_id = d.external_id) AS stages FROM deals d;
            CREATE TABLE times AS SELECT external_id, stage, sum(floor(epoch(left_at) - epoch(entered_at)))::BIGINT AS seconds
              FROM (SELECT *, lead(entered_at) OVER (PARTITION BY external_id ORDER BY entered_at, n) AS left_at FROM history)
              WHERE left_at IS NOT NULL GROUP BY external_id, stage;""")

    @staticmethod
    def _list(codes) -> str:
        return ", ".join(f"'{code}'" for code in codes) or "NULL"

    def _reached(self, code: str) -> str:
        if code in self.failures:
            return f"list_contains(stages, '{code}')"
        rank = self.path.index(code)
        return f"(CASE WHEN lost THEN list_contains(stages, '{code}') ELSE coalesce(furthest >= {rank}, false) END)"

    def _where(self, kwargs: dict) -> tuple[str, list]:
        period = Period(kwargs.get("date_from"), kwargs.get("date_to"), self.settings.zone)
        found = [("f.created_at >= ?", period.start), ("f.created_at < ?", period.end),
                 ("f.source = ?", kwargs.get("source")), ("f.manager = ?", kwargs.get("manager"))]
        found = [(sql, value) for sql, value in found if value is not None]
        return " AND ".join(["TRUE", *(sql for sql, _v in found)]), [value for _s, value in found]

    def conversion(self, kwargs: dict):
        """(group, created, converted) rows, as ``answers`` shapes ours."""
        where, params = self._where(kwargs)
        key = {"none": "''", "channel": "coalesce(source, '')", "manager": "manager"}[kwargs.get("by", "none")]
        rows = self.db.execute(f"SELECT {key} AS k, count(*), sum(CASE WHEN {self._reached(self.settings.target_stage)} "
                               f"THEN 1 ELSE 0 END) FROM facts f WHERE {where} GROUP BY k", params).fetchall()
        return sorted((k, int(n), int(hits)) for k, n, hits in rows)

    def funnel(self, kwargs: dict):
        """(stage, in it, reached, left, median) rows, as ``answers`` shapes ours."""
        where, params = self._where(kwargs)
        sums = ", ".join(f"sum(CASE WHEN stage = '{c}' THEN 1 ELSE 0 END), sum(CASE WHEN {self._reached(c)} THEN 1 ELSE 0 END)"
                         for c in self.all)
        counts = self.db.execute(f"SELECT {sums} FROM facts f WHERE {where}", params).fetchone()
        times = dict((stage, (int(n), m)) for stage, n, m in self.db.execute(
            f"SELECT t.stage, count(*), quantile_cont(t.seconds, 0.5) FROM times t JOIN facts f USING (external_id) "
            f"WHERE {where} GROUP BY t.stage", params).fetchall())
        rows = [(c, int(counts[2 * i] or 0), int(counts[2 * i + 1] or 0), *times.get(c, (0, None)))
                for i, c in enumerate(self.all)]
        return sorted(rows, key=lambda row: row[0] in self.failures)  # path first, as ours

    def timed(self, method: str, kwargs: dict) -> tuple[float, object]:
        """Median seconds of one report in DuckDB, and its answers."""
        return timed(lambda: getattr(self, method)(kwargs))


def print_table(count: int, entries: int, results: dict, duck) -> None:
    """The figures as a Markdown table; fails when any answer differs from DuckDB's."""
    names = list(results)
    print(f"\n{count:,} deals, {entries:,} stage entries")
    for name in names:
        deals_s, history_s = results[name]["import"]
        print(f"CSV import on {name}: deals {deals_s:.0f} s + history {history_s:.0f} s = {deals_s + history_s:.0f} s")
    print("\n| report | " + " | ".join(names) + " | DuckDB | ratio to DuckDB | same answers |")
    print("|---|" + "---|" * (len(names) + 3))
    mismatches = []
    for label, method, kwargs in REPORTS:
        duck_seconds, expected = duck.timed(method, kwargs)
        ours = [results[name][label] for name in names]
        same = all(answer == expected for _s, answer in ours)
        if not same:
            mismatches.append((label, [answer for _s, answer in ours], expected))
        times = " | ".join(f"{seconds * 1000:.0f} ms" for seconds, _a in ours)
        ratios = " / ".join(f"{seconds / duck_seconds:.1f}×" for seconds, _a in ours)
        print(f"| {label} | {times} | {duck_seconds * 1000:.0f} ms | {ratios} | {'yes' if same else 'NO'} |")
    for label, got, expected in mismatches:
        print(f"MISMATCH {label}:\n  ours   {got}\n  duckdb {expected}")
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

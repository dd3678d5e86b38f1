"""What stage histories imply, derived in SQL for many deals at once (imports).

``reports.chain`` does this in Python for one deal at a time (the REST API); an import of
millions of entries does it here, set-based, for the deals one batch touched, in the batch's
transaction, with the same results (``tests/reports/test_derive.py`` feeds random histories
through both):

1. the batch's entries are loaded into a scratch table (COPY on PostgreSQL, ``executemany`` on
   SQLite: ``reports.bulk``);
2. the entries not recorded yet are kept once each (the first of repeated ones); the deals they
   belong to are the deals touched;
3. the touched deals' recorded entries and the new ones are ordered like ``chain`` orders them
   (by time; at the same moment recorded ones first, then new ones in the file's order) and a
   window function gives each its ``left_at`` (the next entry's time) and whole seconds spent;
4. the new entries are inserted with their ``left_at``; recorded ones whose ``left_at`` changed
   are updated;
5. per touched deal and stage, GROUP BY gives the time spent in the stays that ended; summing
   the distinct stages' bits (one bit per stage: the sum of distinct powers of two is their OR)
   gives ``passed_mask`` (the current stage included) and ``left_mask``; the deals whose masks
   changed are updated, the touched deals' ``deal_stage_times`` rewritten.

Scratch tables are temporary: dropped at commit on PostgreSQL; on SQLite, where they live as long
as the connection (in memory: ``bulk.prepare``), emptied before and after use.
"""
from __future__ import annotations

import sqlite3

from reports.bulk import _copy, _utc_text

SCRATCH = {
    # name: (PostgreSQL columns, SQLite columns)
    "import_entries": ("seq integer, deal_id integer, stage varchar(64), entered_at timestamptz",
                       "seq INTEGER, deal_id INTEGER, stage TEXT, entered_at TEXT"),
    "import_new": ("seq integer, deal_id integer, stage varchar(64), entered_at timestamptz",
                   "seq INTEGER, deal_id INTEGER, stage TEXT, entered_at TEXT"),
    "import_deals": ("id integer PRIMARY KEY", "id INTEGER PRIMARY KEY"),
    "import_merged": ("deal_id integer, id integer, seq integer, stage varchar(64), entered_at timestamptz, "
                      "left_at timestamptz, seconds bigint",
                      "deal_id INTEGER, id INTEGER, seq INTEGER, stage TEXT, entered_at TEXT, left_at TEXT, "
                      "seconds INTEGER"),
    "import_masks": ("id integer PRIMARY KEY, passed_mask bigint, left_mask bigint",
                     "id INTEGER PRIMARY KEY, passed_mask INTEGER, left_mask INTEGER"),
}


def _scratch(connection, postgres: bool, name: str) -> None:
    """An empty scratch table."""
    columns = SCRATCH[name][0 if postgres else 1]
    if postgres:
        connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DROP")
        connection.exec_driver_sql(f"TRUNCATE {name}")
    else:
        connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
        connection.exec_driver_sql(f"DELETE FROM {name}")


def _load(connection, postgres: bool, name: str, columns: list[str], rows: list[tuple]) -> None:
    """Fill an empty scratch table."""
    _scratch(connection, postgres, name)
    if postgres:
        _copy(connection, name, columns, rows)
    elif rows:
        connection.exec_driver_sql(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                                   rows)


def _seconds(postgres: bool) -> str:
    """SQL: whole seconds from ``entered_at`` to ``left_at``, rounded down (as ``chain``)."""
    if postgres:
        return "floor(extract(epoch FROM (left_at - entered_at)))::bigint"
    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): whole seconds, less one when the
    # microseconds went back (its own fractions are milliseconds, rounded: not used).
    epoch = "unixepoch(substr({}, 1, 19))" if sqlite3.sqlite_version_info >= (3, 38) \
        else "CAST(strftime('%s', substr({}, 1, 19)) AS INTEGER)"
    return (f"({epoch.format('left_at')} - {epoch.format('entered_at')} "
            f"- (CAST(substr(left_at, 21, 6) AS INTEGER) < CAST(substr(entered_at, 21, 6) AS INTEGER)))")


def add_entries(session, entries: list[tuple[int, str, object]]) -> int:
    """Record ``entries`` ((deal id, stage, aware entered_at), in the file's order; those already
    recorded, or repeated, are skipped) and rederive the deals they add to. Returns how many
    entries were added."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    convert = (lambda at: at) if postgres else _utc_text
    _load(connection, postgres, "import_entries", ["seq", "deal_id", "stage", "entered_at"],
          [(seq, deal_id, stage, convert(at)) for seq, (deal_id, stage, at) in enumerate(entries)])
    # The entries not recorded yet, once each (the first of repeated ones), and their deals.
    _scratch(connection, postgres, "import_new")
    added = connection.exec_driver_sql(
        "INSERT INTO import_new (seq, deal_id, stage, entered_at) "
        "SELECT min(seq), deal_id, stage, entered_at FROM import_entries s WHERE NOT EXISTS ("
        " SELECT 1 FROM deal_stage_history h WHERE h.deal_id = s.deal_id AND h.entered_at = s.entered_at"
        " AND h.stage = s.stage) GROUP BY deal_id, stage, entered_at").rowcount
    if added:
        _scratch(connection, postgres, "import_deals")
        connection.exec_driver_sql("INSERT INTO import_deals (id) SELECT DISTINCT deal_id FROM import_new")
        _rederive(connection, postgres, new_entries=True)
    _clean(connection, postgres)
    return added


def rederive(session, deal_ids) -> None:
    """Rewrite what the histories of ``deal_ids`` imply (after their stage, creation time, source
    or manager changed)."""
    rows = [(deal_id,) for deal_id in deal_ids]
    if not rows:
        return
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    _load(connection, postgres, "import_deals", ["id"], rows)
    _rederive(connection, postgres, new_entries=False)
    _clean(connection, postgres)


def _clean(connection, postgres: bool) -> None:
    """SQLite: empty the scratch tables used (they would hold their memory until the next batch)."""
    if not postgres:
        used = {row[0] for row in connection.exec_driver_sql("SELECT name FROM temp.sqlite_master WHERE type = 'table'")}
        for name in SCRATCH:
            if name in used:
                connection.exec_driver_sql(f"DELETE FROM {name}")


def _rederive(connection, postgres: bool, new_entries: bool) -> None:
    run = connection.exec_driver_sql
    # The scratch tables drive every join (SQLite's planner, without their statistics, would
    # rather scan the big table: CROSS JOIN keeps the written order there).
    join = "JOIN" if postgres else "CROSS JOIN"
    # Every entry of the touched deals, recorded (id) and new (id NULL, in the file's order),
    # with the next one's time and the whole seconds until then.
    recorded = (f"SELECT h.deal_id, h.id, 0 AS seq, h.stage, h.entered_at FROM import_deals t "
                f"{join} deal_stage_history h ON h.deal_id = t.id")
    rows = f"{recorded} UNION ALL SELECT deal_id, NULL, seq, stage, entered_at FROM import_new" if new_entries \
        else recorded
    _scratch(connection, postgres, "import_merged")
    run(f"INSERT INTO import_merged (deal_id, id, seq, stage, entered_at, left_at, seconds) "
        f"SELECT deal_id, id, seq, stage, entered_at, left_at, {_seconds(postgres)} FROM ("
        f" SELECT deal_id, id, seq, stage, entered_at, lead(entered_at) OVER ("
        f"  PARTITION BY deal_id ORDER BY entered_at, id IS NULL, id, seq) AS left_at FROM ({rows}) e) w")
    if new_entries:
        run("INSERT INTO deal_stage_history (deal_id, stage, entered_at, left_at) "
            "SELECT deal_id, stage, entered_at, left_at FROM import_merged WHERE id IS NULL "
            "ORDER BY deal_id, entered_at, seq")
    distinct = "IS DISTINCT FROM" if postgres else "IS NOT"
    run(f"UPDATE deal_stage_history SET left_at = m.left_at FROM import_merged m "
        f"WHERE m.id = deal_stage_history.id AND deal_stage_history.left_at {distinct} m.left_at")
    # The masks: the sum of the distinct bits of the stages passed (the current one included) and
    # of the stages left (one bit per stage, so the sum is their OR).
    _scratch(connection, postgres, "import_masks")
    bit = "(1::bigint << b.bit)" if postgres else "(1 << b.bit)"
    run(f"INSERT INTO import_masks (id, passed_mask, left_mask) "
        f"SELECT s.deal_id, coalesce(sum(DISTINCT {bit}), 0), "
        f"coalesce(sum(DISTINCT CASE WHEN s.left_at IS NULL THEN 0 ELSE {bit} END), 0) "
        f"FROM (SELECT deal_id, stage, left_at FROM import_merged UNION ALL "
        f" SELECT d.id, d.stage, NULL FROM import_deals t {join} deals d ON d.id = t.id) s "
        f"LEFT JOIN deal_stage_bits b ON b.code = s.stage GROUP BY s.deal_id")
    run("UPDATE deals SET passed_mask = m.passed_mask, left_mask = m.left_mask FROM import_masks m "
        "WHERE m.id = deals.id AND deals.id IN (SELECT id FROM import_masks) "  # (SQLite: no scan of deals)
        "AND (deals.passed_mask <> m.passed_mask OR deals.left_mask <> m.left_mask)")
    run("DELETE FROM deal_stage_times WHERE deal_id IN (SELECT id FROM import_deals)")
    # Per deal and stage left: the time in its ended stays.
    run(f"INSERT INTO deal_stage_times (deal_id, stage, seconds, deal_created_at, source, manager) "
        f"SELECT s.deal_id, s.stage, s.seconds, d.created_at, d.source, d.manager FROM ("
        f" SELECT deal_id, stage, sum(seconds) AS seconds FROM import_merged WHERE seconds IS NOT NULL"
        f" GROUP BY deal_id, stage) s {join} deals d ON d.id = s.deal_id")

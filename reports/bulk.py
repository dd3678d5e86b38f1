"""Many rows at once, in the caller's transaction: what ``session.execute(insert(table), rows)``
does, without SQLAlchemy's per-value work that dominates an import of millions of rows.

PostgreSQL gets COPY (updates: COPY into a temporary table, then one UPDATE ... FROM); SQLite a
bare ``executemany`` with each column's own bind processor, so values are stored exactly as the
ORM stores them (UTC text for times, which the reports compare as text)."""
from __future__ import annotations

import zlib
from datetime import timezone
from operator import itemgetter

from sqlalchemy import bindparam, insert, update

from reports.models import UtcDateTime


def _utc_text(value):
    # What UtcDateTime + SQLite's DATETIME store, without their generic machinery (hot in imports).
    if value is None:
        return None
    if value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    return value.isoformat(" ", "microseconds")[:26]


def _processors(table, columns, dialect):
    return [_utc_text if isinstance(table.c[name].type, UtcDateTime) else table.c[name].type.bind_processor(dialect)
            for name in columns]


def _tuples(rows: list[dict], columns: list[str], processors=None) -> list:
    get = itemgetter(*columns)
    if len(columns) == 1:
        get = (lambda getter: lambda row: (getter(row),))(get)
    processed = [(index, p) for index, p in enumerate(processors or ()) if p]
    if not processed:
        return [get(row) for row in rows]
    data = []
    for row in rows:
        values = list(get(row))
        for index, p in processed:
            values[index] = p(values[index])
        data.append(tuple(values))
    return data


def _copy(connection, table_name: str, columns: list[str], data: list[tuple]) -> None:
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in data:
            copy.write_row(row)


def prepare(session) -> None:
    """Tune the session's connection for a bulk write: SQLite gets a 1 GiB page cache (its
    default 2 MiB sends every index insert into a large database to the disk; the deals' indexes
    and the stage times' are written all over at a million deals) and keeps its scratch tables in
    memory."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size = -1048576")
        connection.exec_driver_sql("PRAGMA temp_store = MEMORY")


def insert_rows(session, table, rows: list[dict]) -> None:
    """INSERT every row (dicts with the same keys)."""
    if not rows:
        return
    columns, connection = list(rows[0]), session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        _copy(connection, table.name, columns, _tuples(rows, columns))
    elif dialect.name == "sqlite":
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        connection.exec_driver_sql(sql, _tuples(rows, columns, _processors(table, columns, dialect)))
    else:
        session.execute(insert(table), rows)


def update_rows(session, table, rows: list[dict], key: str = "id") -> None:
    """UPDATE each row's columns where ``key`` equals its ``key`` value."""
    if not rows:
        return
    columns, connection = [name for name in rows[0] if name != key], session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        scratch = f"bulk_{table.name}_{zlib.crc32(' '.join(columns).encode()):x}"  # one per column set
        connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {scratch} ON COMMIT DROP AS "
                                   f"SELECT {key}, {', '.join(columns)} FROM {table.name} WITH NO DATA")
        connection.exec_driver_sql(f"TRUNCATE {scratch}")
        _copy(connection, scratch, [key, *columns], _tuples(rows, [key, *columns]))
        assignments = ", ".join(f"{name} = s.{name}" for name in columns)
        connection.exec_driver_sql(f"UPDATE {table.name} SET {assignments} FROM {scratch} s "
                                   f"WHERE {table.name}.{key} = s.{key}")
    elif dialect.name == "sqlite":
        sql = f"UPDATE {table.name} SET {', '.join(f'{name} = ?' for name in columns)} WHERE {key} = ?"
        connection.exec_driver_sql(sql, _tuples(rows, [*columns, key], _processors(table, [*columns, key], dialect)))
    else:
        session.execute(update(table).where(table.c[key] == bindparam(f"b_{key}")).values(
            **{name: bindparam(f"b_{name}") for name in columns}),
            [{f"b_{name}": value for name, value in row.items()} for row in rows])

"""Alembic environment: the URL comes from the caller (engine.migrate), never from an ini file."""
from alembic import context

from engine.models import Base
from reports.models import metadata as reports_metadata

config = context.config
# The engine's tables and the reports module's (its own metadata, in the same database).
target_metadata = [Base.metadata, reports_metadata]


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        from engine.db import make_sql_engine

        engine = make_sql_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

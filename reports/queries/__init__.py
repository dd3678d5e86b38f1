"""The reports as SQL aggregations (SQLAlchemy Core), the same on SQLite and PostgreSQL."""

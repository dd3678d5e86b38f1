"""The reports module's tables, on its own metadata (Alembic migrates them with the engine's).

Reports are aggregations over ``deals``; so that they are computed by the database from a few
indexed columns instead of joining millions of history rows, each deal carries what its history
implies (``passed_mask``, ``left_mask``), and ``deal_stage_times`` holds, per deal and stage,
the time the deal spent there. ``reports.chain`` (one deal, in Python) and ``reports.derive``
(imports, in SQL) keep them in step with the history.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import (
    JSON, BigInteger, DateTime, ForeignKey, Index, Integer, MetaData, Numeric, String, Text,
    TypeDecorator, UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The same naming convention as the engine's tables, so migrations match on both databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonData = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite stores naive UTC, so text order is time order)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class ReportsBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


metadata = ReportsBase.metadata


class Deal(ReportsBase):
    """A CRM deal. ``external_id`` is the CRM's id; ``stage`` is where the deal is now."""

    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    stage: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(64))
    manager: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Bit i (``deal_stage_bits``) set: the history shows stage i, or the deal is in it now.
    passed_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    # Bit i set: the deal has left stage i at least once (it has a ``deal_stage_times`` row).
    left_mask: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        # One index per way the reports group, each covering what they read, so the database
        # walks an index in group order instead of sorting a million rows (SQLite has no hash
        # aggregation).
        Index("ix_deals_funnel", "stage", "passed_mask", "left_mask", "created_at", "source", "manager"),
        Index("ix_deals_source", "source", "created_at", "stage", "passed_mask", "manager"),
        Index("ix_deals_manager", "manager", "created_at", "stage", "passed_mask", "source"),
        Index("ix_deals_created_at", "created_at"),
    )


class StageEntry(ReportsBase):
    """The deal entered ``stage`` at ``entered_at`` (its stage history)."""

    __tablename__ = "deal_stage_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When the next entry began (None while this is the deal's latest entry).
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        # The same stage entered at the same moment is the same fact: imports are idempotent.
        UniqueConstraint("deal_id", "entered_at", "stage", name="uq_deal_stage_history_entry"),
    )


class StageTime(ReportsBase):
    """The time a deal spent in a stage it has left (the sum of its ended stays there).

    The deal's creation time, source and manager are copied here so the funnel's medians are
    read from one index, filtered like the deals, without joining them.
    """

    __tablename__ = "deal_stage_times"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    seconds: Mapped[int] = mapped_column(BigInteger)
    deal_created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str | None] = mapped_column(String(64))
    manager: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_deal_stage_times_median", "stage", "seconds", "deal_created_at", "source", "manager"),
    )


class StageBit(ReportsBase):
    """The bit of a stage code in the deals' masks: assigned once, never reused, so changing the
    pipeline's order or names never invalidates stored masks."""

    __tablename__ = "deal_stage_bits"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    bit: Mapped[int] = mapped_column(Integer, unique=True)


class AutomationRun(ReportsBase):
    """One automation rule applied to one entry into a stage: the process it started, or why not.

    Unique per (entry, rule): a stage entry starts each rule's process at most once.
    """

    __tablename__ = "deal_automation_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("deal_stage_history.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(64))
    process_key: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    instance_id: Mapped[str | None] = mapped_column(String(36))
    error: Mapped[str | None] = mapped_column(Text)
    error_fields: Mapped[dict | None] = mapped_column(JsonData)

    __table_args__ = (UniqueConstraint("entry_id", "rule_id", name="uq_deal_automation_runs_entry_rule"),)


class ReportsSetting(ReportsBase):
    """A setting admins change at run time (the automation rules), stored as JSON."""

    __tablename__ = "reports_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JsonData)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

"""Tables. Storage is an adapter: domain objects are built from rows, never the rows themselves.

Statistics are revisioned: each import of a (region, year, period) adds a row to
``statistics_revisions``; computations use the latest approved one; old ones are kept.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ecer.storage.types import ExactDecimal

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PlanRecord(Base):
    """A loaded plan, kept as its YAML text so it is validated by the same loader as a file."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(50))
    base_year: Mapped[int] = mapped_column(Integer)
    target_year: Mapped[int] = mapped_column(Integer)
    source_file: Mapped[str] = mapped_column(String(500))
    yaml_text: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    loaded_by: Mapped[str] = mapped_column(String(100))


class ImportBatch(Base):
    """One accepted workbook: what was imported, from where, by whom."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    source_file: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    channel: Mapped[str] = mapped_column(String(20))  # cli | web | demo
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_added: Mapped[int] = mapped_column(Integer)


class StatisticsRevision(Base):
    __tablename__ = "statistics_revisions"
    __table_args__ = (Index("ix_statistics_key", "region", "year", "period", "id"),
                      Index("ix_statistics_period", "year", "period"),  # the web's "missing data" per period
                      Index("ix_statistics_reviewed_at", "reviewed_at"))  # data version (derived_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    region: Mapped[str] = mapped_column(String(50))  # the plan's region name
    region_code: Mapped[str | None] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(10))
    vintage: Mapped[str] = mapped_column(String(10))  # 快报 | 初步核实 | 最终核实
    status: Mapped[str] = mapped_column(String(10))  # draft | submitted | approved | returned
    return_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source_file: Mapped[str] = mapped_column(String(500))
    source_row: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    gdp_100m_yuan: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    gdp_index: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    energy_10k_tce: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    coal_10k_tce: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    nonfossil_10k_tce: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    renewable_electricity_100m_kwh: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    feedstock_10k_tce: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    listed_projects_10k_tce: Mapped[Decimal | None] = mapped_column(ExactDecimal())


class IndicatorValue(Base):
    """A reported value of one of the plan's indicators (ecer import indicators)."""

    __tablename__ = "indicator_values"
    __table_args__ = (Index("ix_indicator_values_key", "plan_id", "indicator_id", "region", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    plan_id: Mapped[str] = mapped_column(String(100))
    indicator_id: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(50))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(ExactDecimal())
    source: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Append-only record of changes and logins (who, when, what, before and after).

    Each entry carries the SHA-256 of its content and of the previous entry's hash
    (``ecer.storage.audit``); the hook below seals new entries however they were added.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict | None] = mapped_column(JSON)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(Session, "before_flush")
def _seal_audit_entries(session: Session, _context: object, _instances: object) -> None:
    from ecer.storage.audit import seal_pending

    seal_pending(session)

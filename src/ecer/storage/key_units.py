"""Tables of key energy-using units: registry, reports, two-high projects, budgets, meters, gateway tokens.

Monthly energy reports are revisioned like statistics: each import of a (unit, year, month) adds a
revision with its lines; computations use the latest approved one; old ones are kept.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecer.storage.models import Base, utcnow
from ecer.storage.types import ExactDecimal


class KeyUnit(Base):
    """A key energy-using unit (重点用能单位), identified by its unified social credit code."""

    __tablename__ = "key_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    industry_code: Mapped[str] = mapped_column(String(10))  # GB/T 4754-2017, e.g. C3011
    industry_name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(50))  # the one Annex region it counts to
    region_code: Mapped[str | None] = mapped_column(String(12))
    declared_energy_tce: Mapped[Decimal | None] = mapped_column(ExactDecimal())  # last year's, as registered
    energy_manager: Mapped[str | None] = mapped_column(String(100))
    manager_phone: Mapped[str | None] = mapped_column(String(50))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KeyUnitProduct(Base):
    """A product line (or process) and its capacity; ``product`` names a row of the levels table."""

    __tablename__ = "key_unit_products"
    __table_args__ = (UniqueConstraint("unit_id", "product", name="unit_product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("key_units.id"))
    product: Mapped[str] = mapped_column(String(60))
    name_zh: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    capacity_unit: Mapped[str | None] = mapped_column(String(30))
    new_large: Mapped[bool] = mapped_column(default=False)  # new large / very large data centre


class EnergyReportRevision(Base):
    __tablename__ = "energy_report_revisions"
    __table_args__ = (Index("ix_energy_report_key", "unit_id", "year", "month", "id"),
                      Index("ix_energy_report_reviewed_at", "reviewed_at"))  # data version (derived_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("key_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # draft | submitted | approved | returned
    return_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source_file: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))


class EnergyReportLine(Base):
    __tablename__ = "energy_report_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("energy_report_revisions.id"), index=True)
    item: Mapped[str] = mapped_column(String(20))  # ecer.domain.energy.reports.Item value
    name: Mapped[str] = mapped_column(String(60))  # carrier code, product code, or '' for money items
    product: Mapped[str | None] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    unit: Mapped[str] = mapped_column(String(30))
    source_row: Mapped[int | None] = mapped_column(Integer)


class AnnualReportNarrative(Base):
    """The narrative fields of the annual 能源利用状况报告 (the figures come from the months)."""

    __tablename__ = "annual_report_narratives"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="unit_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("key_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    management: Mapped[str | None] = mapped_column(Text)  # 能源管理及节能措施
    projects: Mapped[str | None] = mapped_column(Text)  # 节能改造项目
    problems: Mapped[str | None] = mapped_column(Text)  # 存在问题
    plans: Mapped[str | None] = mapped_column(Text)  # 下一步计划
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TwoHighProject(Base):
    """A project in the two-high inventory (“两高”项目清单)."""

    __tablename__ = "two_high_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("key_units.id"))
    industry_code: Mapped[str] = mapped_column(String(10))
    industry_name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(10))  # 存量 | 在建 | 拟建
    product: Mapped[str | None] = mapped_column(String(60))
    capacity: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    capacity_unit: Mapped[str | None] = mapped_column(String(30))
    unit_consumption: Mapped[Decimal | None] = mapped_column(ExactDecimal())  # in the level's unit
    energy_calorific_tce: Mapped[Decimal] = mapped_column(ExactDecimal())
    energy_primary_tce: Mapped[Decimal] = mapped_column(ExactDecimal())
    coal_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    coal_replacement: Mapped[str] = mapped_column(String(10))  # 减量替代 | 等量替代 | 无
    replacement_source: Mapped[str | None] = mapped_column(String(300))
    review_number: Mapped[str | None] = mapped_column(String(100))  # 节能审查意见文号
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    handling_class: Mapped[str | None] = mapped_column(String(30))
    actions: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TwoHighLogEntry(Base):
    """A dated supervision entry (动态监管) of a two-high project."""

    __tablename__ = "two_high_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("two_high_projects.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EnergyBudget(Base):
    """A yearly energy-use budget of a region, a key unit, or a new project drawn from a region's room."""

    __tablename__ = "energy_budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)  # year|scope|region|credit code|project
    year: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(10))  # region | unit | project
    region: Mapped[str] = mapped_column(String(50))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("key_units.id"))
    project: Mapped[str | None] = mapped_column(String(200))
    budget_tce: Mapped[Decimal] = mapped_column(ExactDecimal())  # 等价值
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Meter(Base):
    """A meter (计量器具) of a unit, as the gateway uploads it; ``unit`` is the physical unit it reads in."""

    __tablename__ = "meters"
    __table_args__ = (UniqueConstraint("unit_id", "code", name="unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("key_units.id"))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    carrier: Mapped[str] = mapped_column(String(40))  # GB/T 2589 carrier code
    unit: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MeterReading(Base):
    """A period total (day or month) of a meter; one row per (unit, meter, period, timestamp).

    The period is part of the key: a meter's month total and its first day's total share the stamp
    (the 1st, 00:00) and are different data items.
    """

    __tablename__ = "meter_readings"
    __table_args__ = (UniqueConstraint("unit_id", "meter_id", "period", "at", name="unit_meter_period_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("key_units.id"))
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))  # local time as sent
    period: Mapped[str] = mapped_column(String(5))  # day | month
    value: Mapped[Decimal] = mapped_column(ExactDecimal())  # in the meter's unit
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))


class ApiToken(Base):
    """A machine client's bearer token; only its SHA-256 is stored.

    ``scope``: ``unit`` (an enterprise gateway: that unit's data, may upload), ``region`` (a district
    system: its region, read-only) or ``city`` (another government system: everything, read-only).
    Tokens made before scopes existed are unit tokens (the column's server default)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10), default="unit", server_default="unit")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("key_units.id"))
    region: Mapped[str | None] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(200))  # name / purpose
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(100))

"""Environmental-quality tables: stations and sections, air concentrations, water samples, alarms.

A value that a device flagged as invalid, or that the validity rules reject, is stored with its
flag and never replaced by an estimate: evaluations skip it and show the gap.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecer.storage.models import Base, utcnow
from ecer.storage.types import ExactDecimal


class EnvStation(Base):
    """An air-quality station (medium ``air``) or a surface-water section (medium ``water``)."""

    __tablename__ = "env_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    medium: Mapped[str] = mapped_column(String(10))  # air | water
    region: Mapped[str] = mapped_column(String(50))  # the plan's Annex region name
    water_kind: Mapped[str | None] = mapped_column(String(10))  # river | lake (water only)
    water_body: Mapped[str | None] = mapped_column(String(100))  # 所在水体, e.g. 松花江
    target_class: Mapped[str | None] = mapped_column(String(4))  # 水质目标 I..V (water only)
    mn: Mapped[str | None] = mapped_column(String(30), unique=True)  # HJ 212 设备唯一标识
    longitude: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    latitude: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    active: Mapped[bool] = mapped_column(default=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AirReading(Base):
    """Concentrations of one station for one hour (``hour`` 0–23, the hour's start) or one day.

    Columns follow ``ecer air aqi``: μg/m³, CO mg/m³. ``flags`` maps a pollutant to its HJ 212
    data flag (Table 8) when it is not ``N``; such a value is kept but does not count.
    """

    __tablename__ = "air_readings"
    __table_args__ = (
        UniqueConstraint("station_id", "resolution", "date", "hour", name="uq_air_readings_key"),
        Index("ix_air_readings_date", "date", "station_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("env_stations.id"))
    resolution: Mapped[str] = mapped_column(String(5))  # hour | day
    date: Mapped[dt.date] = mapped_column(Date)
    hour: Mapped[int] = mapped_column(Integer, default=0)  # 0 for daily rows
    so2: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    no2: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    pm10: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    co: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    o3_1h: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    o3_8h: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    pm2_5: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    flags: Mapped[dict | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(10))  # import | hj212
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WaterSample(Base):
    """One sample (or automatic-station reading) at a section; its values are ``WaterValue`` rows."""

    __tablename__ = "water_samples"
    __table_args__ = (UniqueConstraint("station_id", "sampled_at", name="uq_water_samples_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("env_stations.id"))
    sampled_at: Mapped[dt.datetime] = mapped_column(DateTime)  # Beijing time, naive
    source: Mapped[str] = mapped_column(String(10))  # import | hj212
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WaterValue(Base):
    """One parameter of a water sample (``ecer water classify`` column names; mg/L, coliform per L)."""

    __tablename__ = "water_values"
    __table_args__ = (UniqueConstraint("sample_id", "parameter", name="uq_water_values_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("water_samples.id", ondelete="CASCADE"))
    parameter: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal] = mapped_column(ExactDecimal())
    flag: Mapped[str] = mapped_column(String(2), default="N")  # HJ 212 Table 8; only N counts


class EnvAlarm(Base):
    """An environmental-quality warning; kept small until the monitoring alarm table lands."""

    __tablename__ = "env_alarms"
    __table_args__ = (UniqueConstraint("kind", "station_id", "date", name="uq_env_alarms_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # heavy_pollution | below_target | silent
    station_id: Mapped[int] = mapped_column(ForeignKey("env_stations.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[str] = mapped_column(String(50))  # the AQI, the class, or the last report date
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

"""Tables of online monitoring (issue 3 §2–§4): sources, marks, readings, quarantine, alarms, retention.

Readings are one row per (MN, CN, DataTime, code): the unique key makes storage idempotent, so a
re-sent packet or a back-fill of data already held adds nothing. Values are stored as double
precision: they arrive as N14.2-style decimal text and are measurements, not accounts.
Times are stored in UTC (timestamptz on PostgreSQL, naive UTC text on SQLite) and shown as +08:00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ecer.storage.models import Base, utcnow
from ecer.storage.types import ExactDecimal

SOURCE_KINDS = ("wastewater", "flue_gas", "air_station", "water_section")
MARK_KINDS = ("停产", "检修")
ALARM_STATUSES = ("open", "acknowledged", "closed")


class MonitoredSource(Base):
    """A registered data logger (数采仪) at one outlet: only these are accepted by the server."""

    __tablename__ = "monitoring_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    mn: Mapped[str] = mapped_column(String(64), unique=True)
    pw: Mapped[str] = mapped_column(String(32))
    enterprise: Mapped[str] = mapped_column(String(200))
    outlet: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # SOURCE_KINDS
    region: Mapped[str] = mapped_column(String(50))  # the plan's Annex region it counts to
    st: Mapped[str | None] = mapped_column(String(2))  # system code (Table 5), e.g. 32 wastewater, 31 flue gas
    version: Mapped[str | None] = mapped_column(String(4))  # 2005 | 2017 | 2025; None: whatever the Flag says
    #: CN → expected reporting interval in seconds, e.g. {"2011": 30, "2051": 600, "2061": 3600}
    intervals: Mapped[dict] = mapped_column(JSON, default=dict)
    accepted_deviations: Mapped[list] = mapped_column(JSON, default=list)  # codec DEVIATIONS allowed
    vendor_extensions: Mapped[list] = mapped_column(JSON, default=list)  # e.g. ["9021"]; off by default
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class SourcePollutant(Base):
    """A pollutant monitored at a source: its permitted concentration and annual amount."""

    __tablename__ = "monitoring_source_pollutants"
    __table_args__ = (UniqueConstraint("source_id", "code", name="uq_monitoring_source_pollutants_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("monitoring_sources.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))  # HJ 212-2017 Appendix B code, e.g. w01018
    limit_value: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    limit_unit: Mapped[str | None] = mapped_column(String(20))  # mg/L, mg/m3
    annual_permit_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())  # 许可排放量 [t/a]
    resolution: Mapped[Decimal | None] = mapped_column(ExactDecimal())  # instrument resolution


class OperatorMark(Base):
    """A period an operator marked 停产 or 检修: excluded from alarms and valid-data counts."""

    __tablename__ = "monitoring_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("monitoring_sources.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # MARK_KINDS
    start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Reading(Base):
    """One code's values in one upload; unique on (MN, CN, DataTime, code)."""

    __tablename__ = "monitoring_readings"
    # the unique key also serves every query (by MN, then CN and time); a second index on data_time
    # cost a quarter of the SQLite insert rate in benchmarks/hj212_ingest and was left out
    __table_args__ = (UniqueConstraint("mn", "cn", "data_time", "code", name="uq_monitoring_readings_key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    mn: Mapped[str] = mapped_column(String(64))
    cn: Mapped[str] = mapped_column(String(4))  # 2011 real-time, 2051 minute, 2061 hour, 2031 day, …
    data_time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    code: Mapped[str] = mapped_column(String(16))
    rtd: Mapped[float | None] = mapped_column(Float)
    min: Mapped[float | None] = mapped_column(Float)
    avg: Mapped[float | None] = mapped_column(Float)
    max: Mapped[float | None] = mapped_column(Float)
    cou: Mapped[float | None] = mapped_column(Float)
    zs_rtd: Mapped[float | None] = mapped_column(Float)
    zs_avg: Mapped[float | None] = mapped_column(Float)
    flag: Mapped[str | None] = mapped_column(String(4))  # Table 8: N F M S D C T B
    extra: Mapped[dict | None] = mapped_column(JSON)  # other suffixes: ZsMin, ZsMax, EFlag, RS, RT, Info, …
    qn: Mapped[str | None] = mapped_column(String(20))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class QuarantinedPacket(Base):
    """A packet the server refused (unknown MN, wrong PW, not decodable…), kept with its reason."""

    __tablename__ = "monitoring_quarantine"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    peer: Mapped[str | None] = mapped_column(String(100))
    mn: Mapped[str | None] = mapped_column(String(64))
    cn: Mapped[str | None] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(64))  # an error code from ecer.domain.errors
    detail: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class Alarm(Base):
    """An alarm episode: over-limit, missing data, suspicious data or permit nearly used up."""

    __tablename__ = "monitoring_alarms"
    __table_args__ = (UniqueConstraint("mn", "kind", "code", "start", name="uq_monitoring_alarms_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mn: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(String(16), default="")  # pollutant code, "" when none
    level: Mapped[str] = mapped_column(String(10))  # red | yellow
    start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(15), default="open")  # ALARM_STATUSES
    reason: Mapped[str | None] = mapped_column(Text)
    handled_by: Mapped[str | None] = mapped_column(String(100))
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RetentionSetting(Base):
    """How long readings of one CN are kept (days); absent means forever."""

    __tablename__ = "monitoring_retention"

    cn: Mapped[str] = mapped_column(String(4), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

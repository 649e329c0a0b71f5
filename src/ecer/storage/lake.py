"""Totals the lake accounting writes back (issue 9 §3): ``lake_emission_totals``, ``lake_energy_totals``.

The single-node emission-amount tables of the monitoring capability had not landed when the
scale tier was built, so the engines write here: one row per year, month, region and code, the
whole year replaced on each run (a re-run gives the same rows). Amounts are exact decimals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict
from decimal import Decimal

from sqlalchemy import DateTime, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ecer.storage.models import Base, utcnow
from ecer.storage.types import ExactDecimal


class LakeEmissionTotal(Base):
    """Emission amount [kg] (or, for flow codes w00000/a00000, volume [m³]) of one region-month."""

    __tablename__ = "lake_emission_totals"
    __table_args__ = (UniqueConstraint("year", "month", "region", "code", name="uq_lake_emission_totals_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(16))  # HJ 212-2017 Appendix B code
    mass_kg: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    volume_m3: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    readings: Mapped[int] = mapped_column(Integer)
    outlets: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(20))  # duckdb | spark
    lake: Mapped[str] = mapped_column(String(500))
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _replace(session: Session, model: type[LakeEmissionTotal] | type[LakeEnergyTotal], year: int,
             totals: Iterable[object], *, engine: str, lake: str) -> int:
    """Replace the year's rows of ``model`` with ``totals`` (dataclasses whose fields are its columns)."""
    session.execute(delete(model).where(model.year == year))
    rows = [model(**asdict(t), engine=engine, lake=lake) for t in totals]  # type: ignore[call-overload]
    session.add_all(rows)
    return len(rows)


def replace_year(session: Session, year: int, totals: Iterable[object], *, engine: str, lake: str) -> int:
    """Replace the year's rows with ``totals`` (``Total`` objects); returns the count."""
    return _replace(session, LakeEmissionTotal, year, totals, engine=engine, lake=lake)


def totals_for(session: Session, year: int) -> list[LakeEmissionTotal]:
    return list(session.scalars(select(LakeEmissionTotal).where(LakeEmissionTotal.year == year)
                                .order_by(LakeEmissionTotal.region, LakeEmissionTotal.month, LakeEmissionTotal.code)))


class LakeEnergyTotal(Base):
    """Metered energy of one region-month and carrier: amount [carrier's GB/T 2589 unit] and tce (当量值)."""

    __tablename__ = "lake_energy_totals"
    __table_args__ = (UniqueConstraint("year", "month", "region", "carrier", name="uq_lake_energy_totals_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(100))
    carrier: Mapped[str] = mapped_column(String(40))  # GB/T 2589-2020 carrier code
    unit: Mapped[str] = mapped_column(String(20))  # the carrier's Table A.1 unit
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    tce: Mapped[Decimal] = mapped_column(ExactDecimal())
    meters: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer)
    readings: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(20))  # duckdb | spark
    lake: Mapped[str] = mapped_column(String(500))
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def replace_energy_year(session: Session, year: int, totals: Iterable[object], *, engine: str, lake: str) -> int:
    """Replace the year's metered-energy rows with ``totals`` (``EnergyTotal`` objects); returns the count."""
    return _replace(session, LakeEnergyTotal, year, totals, engine=engine, lake=lake)


def energy_totals_for(session: Session, year: int) -> list[LakeEnergyTotal]:
    return list(session.scalars(select(LakeEnergyTotal).where(LakeEnergyTotal.year == year)
                                .order_by(LakeEnergyTotal.region, LakeEnergyTotal.month, LakeEnergyTotal.carrier)))

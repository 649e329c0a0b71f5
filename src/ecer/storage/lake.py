"""Totals the lake accounting writes back (issue 9 §3): ``lake_emission_totals``, ``lake_energy_totals``.

The single-node emission-amount tables of the monitoring capability had not landed when the
scale tier was built, so the engines write here: one row per year, month, region and code, the
whole year replaced on each run (a re-run gives the same rows). Amounts are exact decimals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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


def replace_year(session: Session, year: int, totals: Iterable[object], *, engine: str, lake: str) -> int:
    """Replace the year's rows with ``totals`` (objects with the ``Total`` fields); returns the count."""
    session.execute(delete(LakeEmissionTotal).where(LakeEmissionTotal.year == year))
    count = 0
    for t in totals:
        session.add(LakeEmissionTotal(
            year=t.year, month=t.month, region=t.region, code=t.code, mass_kg=t.mass_kg,  # type: ignore[attr-defined]
            volume_m3=t.volume_m3, readings=t.readings, outlets=t.outlets,  # type: ignore[attr-defined]
            engine=engine, lake=lake))
        count += 1
    return count


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
    session.execute(delete(LakeEnergyTotal).where(LakeEnergyTotal.year == year))
    count = 0
    for t in totals:
        session.add(LakeEnergyTotal(
            year=t.year, month=t.month, region=t.region, carrier=t.carrier, unit=t.unit,  # type: ignore[attr-defined]
            amount=t.amount, tce=t.tce, meters=t.meters, units=t.units,  # type: ignore[attr-defined]
            readings=t.readings, engine=engine, lake=lake))  # type: ignore[attr-defined]
        count += 1
    return count


def energy_totals_for(session: Session, year: int) -> list[LakeEnergyTotal]:
    return list(session.scalars(select(LakeEnergyTotal).where(LakeEnergyTotal.year == year)
                                .order_by(LakeEnergyTotal.region, LakeEnergyTotal.month, LakeEnergyTotal.carrier)))

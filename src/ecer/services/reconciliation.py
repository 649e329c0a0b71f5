"""Reconciliation: meter totals vs monthly reports (per unit, month, carrier), reports vs region statistics.

Meters and reports are compared in each carrier's physical unit (GB/T 2589 table unit); the key units
of a region against the region's statistics in tce on the 等价值 basis. Key units are part of a
region's consumption, so the region check lists the case where the units add up to more than the
region's reported total (and reports the units' share in every case).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.energy import meters as domain
from ecer.domain.energy.conversion import coefficient
from ecer.domain.energy.periods import Period
from ecer.domain.energy.reports import Item, energy_totals
from ecer.domain.units import parse_unit
from ecer.services.meter_data import meter_month_totals
from ecer.storage.energy_reports import approved_months
from ecer.storage.key_unit_registry import units
from ecer.storage.key_units import KeyUnit
from ecer.storage.statistics import latest_approved


def _discrepancy(d: domain.Discrepancy, **extra: Any) -> dict[str, Any]:
    return {**extra, "subject": d.subject, "left_source": d.left_source, "left_value": d.left_value,
            "right_source": d.right_source, "right_value": d.right_value, "difference": d.difference,
            "relative": d.relative}


def unit_meters_vs_reports(session: Session, unit: KeyUnit, year: int) -> list[dict[str, Any]]:
    """Every month and metered carrier where the meters and the approved report differ by more than 5 %."""
    months = approved_months(session, [unit.id], (year, year)).get(unit.id, {})
    found = []
    for (_, month), lines in sorted(months.items()):
        metered = meter_month_totals(session, unit, year, month)
        if not metered:
            continue
        reported: dict[str, Decimal] = {}
        for line in lines:
            if line.item in (Item.CONSUMED, Item.FEEDSTOCK):
                k = coefficient(line.name)
                amount = Decimal(str(line.as_quantity().to(parse_unit(k.unit)).magnitude))
                reported[k.carrier] = reported.get(k.carrier, Decimal(0)) + amount
        for carrier in sorted(metered):  # carriers without a registered meter have nothing to compare
            d = domain.compare(f"{unit.credit_code} {year}-{month:02d} {carrier}",
                               ("meters", metered[carrier]), ("report", reported.get(carrier, Decimal(0))))
            if d is not None:
                found.append(_discrepancy(d, kind="meters_vs_report", credit_code=unit.credit_code, year=year,
                                          month=month, carrier=carrier, unit=coefficient(carrier).unit))
    return found


def region_units_vs_statistics(session: Session, region: str, year: int) -> dict[str, Any]:
    """Σ of the region's key units (12 approved months, 等价值) against the region's 全年 statistics."""
    members = units(session, region)
    months = approved_months(session, [u.id for u in members], (year, year))
    total = Decimal(0)
    complete = 0
    for u in members:
        unit_months = months.get(u.id, {})
        if len(unit_months) == 12:
            complete += 1
            total += energy_totals([x for lines in unit_months.values() for x in lines], year).primary_tce
    stats = latest_approved(session, region).get(region, {}).get((year, Period.YEAR))
    statistics_tce = stats.energy_10k_tce * 10000 if stats and stats.energy_10k_tce is not None else None
    share = total / statistics_tce if statistics_tce else None
    return {"kind": "units_vs_statistics", "region": region, "year": year, "units": len(members),
            "units_with_full_year": complete, "units_total_tce": total, "statistics_tce": statistics_tce,
            "units_share": share, "discrepancy": share is not None and share > 1}


def reconcile(session: Session, year: int, region: str | None = None) -> dict[str, Any]:
    members = units(session, region)
    unit_rows = [d for u in members for d in unit_meters_vs_reports(session, u, year)]
    regions = sorted({u.region for u in members})
    return {"year": year, "meters_vs_reports": unit_rows,
            "units_vs_statistics": [region_units_vs_statistics(session, r, year) for r in regions]}

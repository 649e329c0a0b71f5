"""A key unit's year from its approved monthly reports: energy, products against the levels, budget.

Figures follow docs/key-energy-units.md: comprehensive energy on both bases (当量值, 等价值);
unit product energy on the basis each level prescribes; energy per value added on 等价值 (the
basis of the region's statistics); changes and savings against the same months of the year before.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.energy import benchmarks, budgets, reports
from ecer.domain.energy.key_units import category
from ecer.domain.energy.reports import Item, ReportLine
from ecer.storage.budgets import unit_budget
from ecer.storage.energy_reports import approved_months
from ecer.storage.key_unit_registry import products_of
from ecer.storage.key_units import KeyUnit

Months = Mapping[tuple[int, int], list[ReportLine]]


def _lines(months: Months, year: int, only: set[int] | None = None) -> list[ReportLine]:
    return [line for (y, m), lines in sorted(months.items()) if y == year and (only is None or m in only)
            for line in lines]


def monthly_primary_tce(months: Months) -> dict[int, dict[int, Decimal]]:
    """Year → month → comprehensive energy on the 等价值 basis [tce] (for budgets)."""
    result: dict[int, dict[int, Decimal]] = {}
    for (y, m), lines in months.items():
        result.setdefault(y, {})[m] = reports.energy_totals(lines, y).primary_tce
    return result


def _product_energy(lines: list[ReportLine], product: str, single: bool, year: int) -> reports.EnergyTotals | None:
    own = [line for line in lines if line.product == product]
    if not own and single:
        own = [line for line in lines if line.product is None]
    return reports.energy_totals(own, year) if own else None


def _unit_energy(lines: list[ReportLine], product: str, single: bool, year: int,
                 lvl: benchmarks.Level) -> tuple[Decimal | None, Decimal | None, Any]:
    """(unit energy in the level's unit, tce per output unit, output quantity)."""
    output = reports.product_output(lines, product)
    if lvl.value_unit == "dimensionless":  # data centre: PUE from total and IT electricity
        totals = reports.energy_totals([x for x in lines if x.item is not Item.IT_ELECTRICITY], year)
        it = sum((x.as_quantity().to("kWh").magnitude for x in lines if x.item is Item.IT_ELECTRICITY), Decimal(0))
        return (reports.pue(totals.electricity_kwh, Decimal(str(it))) if it else None), None, output
    totals = _product_energy(lines, product, single, year)
    if totals is None or output is None or output.magnitude == 0:
        return None, None, output
    energy = totals.primary_tce if lvl.electricity_basis == "primary" else totals.calorific_tce
    return (reports.unit_product_energy(energy, output, lvl.value_unit), energy / Decimal(str(output.magnitude)),
            output)


def unit_year(session: Session, unit: KeyUnit, year: int, edition: int = benchmarks.DEFAULT_EDITION, *,
              months: Months | None = None) -> dict[str, Any]:
    """Everything ``ecer units show`` prints for one year (``months``: the unit's approved months when
    the caller read them for many units at once)."""
    all_months = approved_months(session, [unit.id]).get(unit.id, {}) if months is None else months
    months_now = sorted(m for (y, m) in all_months if y == year)
    cur = _lines(all_months, year)
    prev_same = _lines(all_months, year - 1, set(months_now))
    totals = reports.energy_totals(cur, year)
    prev_totals = reports.energy_totals(prev_same, year - 1) if prev_same else None
    va = reports.money_10k_yuan(cur, Item.VALUE_ADDED)
    va_prev = reports.money_10k_yuan(prev_same, Item.VALUE_ADDED)
    intensity = reports.energy_per_value_added(totals.primary_tce, va)
    intensity_prev = reports.energy_per_value_added(prev_totals.primary_tce, va_prev) if prev_totals else None
    products = products_of(session, unit.id)
    single = len(products) == 1
    product_rows = []
    saved_product = Decimal(0)
    saved_any = False
    for p in products:
        lvl = benchmarks.level(p.product, edition)
        value, per_unit, output = _unit_energy(cur, p.product, single, year, lvl)
        _, per_unit_prev, _ = _unit_energy(prev_same, p.product, single, year - 1, lvl) if prev_same else (None,) * 3
        efficiency = benchmarks.classify(value, lvl.benchmark, lvl.baseline) if value is not None else None
        if per_unit is not None and per_unit_prev is not None and output is not None:
            saved_product += reports.energy_saved_product(per_unit_prev, per_unit, Decimal(str(output.magnitude)))
            saved_any = True
        product_rows.append({
            "product": p.product, "product_name": p.name_zh, "capacity": p.capacity, "capacity_unit": p.capacity_unit,
            "output": None if output is None else Decimal(str(output.magnitude)),
            "output_unit": None if output is None else str(output.units),
            "unit_energy": value, "value_unit": lvl.value_unit, "electricity_basis": lvl.electricity_basis,
            "benchmark": lvl.benchmark, "baseline": lvl.baseline, "limit_value": lvl.limit_value,
            "efficiency_class": efficiency.value if efficiency else None,
            "efficiency_class_zh": efficiency.label_zh if efficiency else None,
            "over_limit": None if value is None else benchmarks.over_limit(value, lvl),
            "pue_ok_new_large": benchmarks.data_centre_pue_ok(value, new_large=p.new_large)
            if value is not None and lvl.value_unit == "dimensionless" else None,
            "level_edition": lvl.edition, "level_needs_check": lvl.needs_check,
        })
    full_year = len(months_now) == 12
    unit_category = category(totals.calorific_tce if full_year else unit.declared_energy_tce)
    saved_va = (reports.energy_saved_value_added(intensity_prev, intensity, va)
                if intensity is not None and intensity_prev is not None and va is not None else None)
    return {
        "credit_code": unit.credit_code, "name": unit.name, "region": unit.region,
        "industry_code": unit.industry_code, "industry_name": unit.industry_name, "year": year,
        "months_reported": len(months_now), "energy_manager": unit.energy_manager,
        "category": unit_category.value if unit_category else None,
        "category_zh": unit_category.label_zh if unit_category else None,
        "category_basis": "report" if full_year else "declared",
        "energy_calorific_tce": totals.calorific_tce, "energy_primary_tce": totals.primary_tce,
        "feedstock_calorific_tce": totals.feedstock_calorific_tce, "feedstock_primary_tce": totals.feedstock_primary_tce,
        "exported_calorific_tce": totals.exported_calorific_tce,
        "coal_t": totals.coal_t, "coal_tce": totals.coal_tce, "coal_rate_year": totals.coal_rate_year,
        "output_value_10k_yuan": reports.money_10k_yuan(cur, Item.OUTPUT_VALUE), "value_added_10k_yuan": va,
        "energy_per_value_added_tce_per_10k_yuan": intensity,
        "energy_change": reports.year_on_year_change(totals.calorific_tce,
                                                     prev_totals.calorific_tce if prev_totals else None),
        "intensity_change": reports.year_on_year_change(intensity, intensity_prev),
        "energy_saved_product_tce": saved_product if saved_any else None,
        "energy_saved_value_added_tce": saved_va,
        "products": product_rows,
        "budget": budget_of_unit(session, unit, year, all_months),
    }


def budget_of_unit(session: Session, unit: KeyUnit, year: int, months: Months) -> dict[str, Any] | None:
    """The unit's budget status for ``year``; None when no budget is set."""
    record = unit_budget(session, year, unit.id)
    if record is None:
        return None
    per_month = monthly_primary_tce(months)
    this_year = per_month.get(year, {})
    history = {y: v for y, v in per_month.items() if y < year}
    forecast = budgets.forecast_year_end(this_year, history)
    status = budgets.budget_status(record.budget_tce, forecast)
    return {"year": year, "budget_tce": status.budget, "to_date_tce": status.to_date,
            "months": forecast.months if forecast else 0, "forecast_tce": status.forecast,
            "forecast_method": forecast.method if forecast else None, "remaining_tce": status.remaining,
            "forecast_margin_tce": status.forecast_margin, "level": status.level.value,
            "level_zh": status.level.label_zh}


def capacity_shares(session: Session, year: int, edition: int = benchmarks.DEFAULT_EDITION,
                    region: str | None = None) -> list[dict[str, Any]]:
    """Share of capacity at the benchmark per industry and region (the plan's "> 30 %")."""
    from ecer.storage.key_unit_registry import units

    items = []
    for unit in units(session, region):
        summary = unit_year(session, unit, year, edition)
        for p in summary["products"]:
            if p["capacity"] is None:
                continue
            efficiency = benchmarks.EfficiencyClass(p["efficiency_class"]) if p["efficiency_class"] else None
            industry = benchmarks.level(p["product"], edition).industry_code
            items.append(benchmarks.CapacityItem(industry, unit.region, p["capacity"], efficiency))
    return [{"industry_code": s.industry_code, "region": s.region, "year": year, "capacity_total": s.capacity_total,
             "capacity_at_benchmark": s.capacity_at_benchmark, "capacity_unclassified": s.capacity_unclassified,
             "share_at_benchmark": s.share_at_benchmark, "target_share": benchmarks.SHARE_TARGET,
             "meets_target": s.meets_target} for s in benchmarks.share_at_benchmark(items)]

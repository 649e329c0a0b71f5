"""Online energy data: gateway uploads (unit info, meters, readings), quality checks, reconciliation."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.energy import meters as quality
from ecer.domain.energy.conversion import carrier_code, coefficient
from ecer.domain.errors import EcerError, Location, Problem
from ecer.domain.units import parse_unit, quantity
from ecer.storage import meter_data as store
from ecer.storage.key_units import KeyUnit, Meter

PERIODS = ("day", "month")


def upload_meters(session: Session, unit: KeyUnit, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Meter information upload: each meter's code, name, carrier and the unit it reads in."""
    problems: list[Problem] = []
    checked = []
    for n, item in enumerate(items):
        where = Location(field=f"meters[{n}]", value=item.get("code"))
        try:
            code = carrier_code(str(item["carrier"]))
            unit_text = str(item["unit"])
            if parse_unit(unit_text).dimensionality != parse_unit(coefficient(code).unit).dimensionality:
                raise EcerError("UNIT_MISMATCH", f"{item['carrier']} 不能以 {unit_text} 计量")
            checked.append((str(item["code"]), str(item.get("name") or item["code"]), code, unit_text))
        except EcerError as exc:
            problems.extend(Problem(p.code, p.detail, where) for p in exc.problems)
    if problems:
        raise EcerError(problems)
    changed = sum(store.upsert_meter(session, unit.id, *m)[1] for m in checked)
    return {"received": len(items), "changed": changed}


def upload_readings(session: Session, unit: KeyUnit, items: Sequence[dict[str, Any]],
                    token_id: int | None = None) -> dict[str, Any]:
    """Collected data upload: all readings checked first (meter known, period, unit of the meter's dimension)."""
    meters, incoming = check_readings(session, unit, items)
    result = store.ingest(session, unit.id, incoming, meters, token_id)
    return {"received": result.received, "stored": result.stored, "duplicates": result.duplicates,
            "conflicts": [{**c, "code": "READING_CONFLICT"} for c in result.conflicts]}


def check_readings(session: Session, unit: KeyUnit, items: Sequence[dict[str, Any]]
                   ) -> tuple[dict[str, Meter], list[store.IncomingReading]]:
    """The unit's meters and the readings in their meters' units; raises with every problem of the batch."""
    meters = store.meters_of(session, unit.id)
    problems: list[Problem] = []
    incoming = []
    factors: dict[tuple[str, str], Decimal] = {}  # (given unit, meter unit) → factor; pint once per pair
    for n, item in enumerate(items):
        meter = meters.get(str(item.get("meter")))
        where = None if meter is not None and item.get("period") in PERIODS else _where(n, item)
        if meter is None:
            problems.append(Problem("METER_UNKNOWN", str(item.get("meter")), where))  # type: ignore[arg-type]
            continue
        if item.get("period") not in PERIODS:
            problems.append(Problem("INPUT_INVALID", f"period 应为 day 或 month：{item.get('period')!r}",
                                    where))  # type: ignore[arg-type]
            continue
        try:
            pair = (str(item["unit"]), meter.unit)
            if pair not in factors:
                factors[pair] = _factor(*pair, meter.code)
            value = _plain(Decimal(str(item["value"])) * factors[pair])
        except EcerError as exc:
            problems.extend(Problem(p.code, p.detail, _where(n, item)) for p in exc.problems)
            continue
        at = item["at"]
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        incoming.append(store.IncomingReading(meter.code, at.replace(tzinfo=None), item["period"], value))
    if problems:
        raise EcerError(problems)
    return meters, incoming


def _where(n: int, item: dict[str, Any]) -> Location:
    return Location(field=f"readings[{n}]", value=item.get("meter"))


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros and without an exponent (100, not 1E+2)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def _factor(given: str, meter_unit: str, meter_code: str) -> Decimal:
    """How many of the meter's unit one ``given`` unit is; refuses another dimension."""
    amount = quantity(1, given)
    target = parse_unit(meter_unit)
    if amount.dimensionality != target.dimensionality:
        raise EcerError("UNIT_MISMATCH", f"计量器具 {meter_code} 以 {meter_unit} 计量，收到 {given}")
    return Decimal(str(amount.to(target).magnitude))


def month_quality(session: Session, unit: KeyUnit, year: int, month: int) -> list[dict[str, Any]]:
    """The national platform's three checks for every meter of the unit in one month."""
    start = dt.datetime(year, month, 1)
    end = start + dt.timedelta(days=calendar.monthrange(year, month)[1])
    found = store.readings_of(session, unit.id, start, end)
    readings = [r for _, r in found]
    rows = []
    for code in sorted(store.meters_of(session, unit.id)):
        q = quality.month_quality(code, year, month, readings)
        rows.append({"credit_code": unit.credit_code, "meter": code, "year": year, "month": month,
                     "expected_days": q.expected_days, "daily_readings": q.daily_readings,
                     "completeness": q.completeness, "completeness_ok": q.completeness_ok,
                     "daily_sum": q.daily_sum, "monthly_value": q.monthly_value, "deviation": q.deviation,
                     "deviation_ok": q.deviation_ok, "bad_timestamps": q.bad_timestamps, "ok": q.ok})
    return rows


def meter_month_totals(session: Session, unit: KeyUnit, year: int, month: int) -> dict[str, Decimal]:
    """Carrier → the month's metered total in the carrier's table unit (monthly reading, else Σ daily)."""
    start = dt.datetime(year, month, 1)
    end = start + dt.timedelta(days=calendar.monthrange(year, month)[1])
    found = store.readings_of(session, unit.id, start, end)
    by_meter: dict[str, tuple[Any, Decimal | None, Decimal]] = {}
    for meter, r in found:
        begin = quality.nominal_start(r)
        if (begin.year, begin.month) != (year, month):
            continue
        m, monthly, daily = by_meter.get(meter.code, (meter, None, Decimal(0)))
        if r.period == "month":
            monthly = r.value
        else:
            daily += r.value
        by_meter[meter.code] = (m, monthly, daily)
    totals: dict[str, Decimal] = {}
    for meter, monthly, daily in by_meter.values():
        value = monthly if monthly is not None else daily
        k = coefficient(meter.carrier)
        amount = Decimal(str(quantity(value, meter.unit).to(parse_unit(k.unit)).magnitude))
        totals[meter.carrier] = totals.get(meter.carrier, Decimal(0)) + amount
    return totals

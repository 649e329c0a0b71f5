"""Metered energy by region, carrier and month over the lake's meter rows, as one SQL text.

The single-node path (``ecer.services.meter_data.meter_month_totals``) gives, per key unit, month
and carrier, the metered total in the carrier's GB/T 2589-2020 Table A.1 unit: for each meter its
monthly reading when there is one (the latest by time), else the sum of its daily readings, a
reading counting in the month of its nominal period start. This query does the same per meter
and adds the meters up per region; the standard coal equivalent [tce] is the sum of the rows'
kgce (amount × Table A.1 coefficient, 当量值 basis) / 1000. DuckDB and Spark both add exact
decimals (``DECIMAL(38,12)`` columns), so they agree with each other and with the database path.

References
----------
.. [1] GB/T 2589-2020 综合能耗计算通则, clause 8 and Annex A, Table A.1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

KGCE_PER_TCE: Final = Decimal(1000)

_SQL = """
WITH r AS (
  SELECT region, month, credit_code, meter, carrier, unit, period, reading_at, amount, kgce
  FROM {relation}
  WHERE month >= '{year:04d}-01' AND month <= '{year:04d}-12'
), p AS (
  SELECT region, month, credit_code, meter, carrier, unit, period,
         max_by(amount, reading_at) AS last_amount, max_by(kgce, reading_at) AS last_kgce,
         sum(amount) AS sum_amount, sum(kgce) AS sum_kgce, count(*) AS readings
  FROM r
  GROUP BY region, month, credit_code, meter, carrier, unit, period
), m AS (
  SELECT region, month, credit_code, meter, carrier, unit,
         COALESCE(max(CASE WHEN period = 'month' THEN last_amount END),
                  max(CASE WHEN period = 'day' THEN sum_amount END)) AS amount,
         COALESCE(max(CASE WHEN period = 'month' THEN last_kgce END),
                  max(CASE WHEN period = 'day' THEN sum_kgce END)) AS kgce,
         sum(readings) AS readings
  FROM p
  GROUP BY region, month, credit_code, meter, carrier, unit
)
SELECT region, month, carrier, unit, sum(amount) AS amount, sum(kgce) AS kgce,
       count(*) AS meters, count(DISTINCT credit_code) AS units, sum(readings) AS readings
FROM m
GROUP BY region, month, carrier, unit
ORDER BY region, month, carrier
"""


def energy_sql(year: int, relation: str = "meter_readings") -> str:
    return _SQL.format(relation=relation, year=int(year))


@dataclass(frozen=True)
class EnergyTotal:
    """One region, month and carrier: metered amount [carrier's Table A.1 unit] and its tce (当量值)."""

    year: int
    month: int
    region: str
    carrier: str
    unit: str
    amount: Decimal
    tce: Decimal
    meters: int
    units: int
    readings: int

    def as_dict(self) -> dict[str, object]:
        return {"kind": "energy", "year": self.year, "month": self.month, "region": self.region,
                "carrier": self.carrier, "unit": self.unit, "amount": self.amount, "tce": self.tce,
                "meters": self.meters, "units": self.units, "readings": self.readings}


def plain(value: Decimal) -> Decimal:
    """Without trailing zeros and without an exponent (100, not 1E+2)."""
    value = Decimal(value).normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def combine(rows: Iterable[Sequence[object]]) -> list[EnergyTotal]:
    """Rows of the query (region, month, carrier, unit, amount, kgce, meters, units, readings) → totals."""
    totals = []
    for region, month, carrier, unit, amount, kgce, meters, units, readings in rows:
        year, mon = str(month).split("-")
        totals.append(EnergyTotal(int(year), int(mon), str(region), str(carrier), str(unit),
                                  plain(Decimal(str(amount))), plain(Decimal(str(kgce)) / KGCE_PER_TCE),
                                  int(meters), int(units), int(readings)))  # type: ignore[call-overload]
    return sorted(totals, key=lambda t: (t.region, t.month, t.carrier))

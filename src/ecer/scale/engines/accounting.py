"""Emission amounts and flow-meter totals by region, pollutant and month, as one SQL text.

The same query runs on DuckDB and on Spark SQL over the lake's ``readings`` rows; ``reference``
computes the same figures row by row in Python with ``Decimal``. The formula and constants are the
single-node path's (``ecer.domain.pollutants.emission_amounts``: ``hourly_amount``), written as SQL;
the golden test checks the three against ``ecer.services.monitoring.emission_totals``.

Method (HJ 212-2017 Appendix D), per hourly upload (CN 2061) of an outlet:

* a pollutant's amount is its ``-Cou`` when the device sent one [kg]; otherwise the measured
  dry-standard concentration ``-Avg`` (not the O2-converted ``-ZsAvg``) times the hour's flow
  volume, with the unit factors of eq. (8) for water, G = C × D × 10⁻³ [kg; mg/L, m³], and
  eq. (33) for flue gas, G = C × Q × 10⁻⁶ [kg; mg/m³, m³];
* the hour's flow volume is the flow code's ``-Cou`` [m³] (w00000 for water codes, a00000 for gas
  codes, Appendix B.1/B.2), or its ``-Avg`` × 3600 s (× 10⁻³ m³/L for water's L/s);
* the flow codes themselves give the meter totals [m³];
* a reading counts when its data flag is N (Table 8), as in ``emission_amounts.VALID_FLAGS`` of the
  single-node path; an upload logged twice (a
  re-send after the log's deduplication window) counts once: the first by log position wins, as
  the single-node table's unique key keeps the first stored (the writers drop later copies).

Values are cast to DECIMAL(18,4) (volumes DECIMAL(20,5)) before they are multiplied and summed,
so both engines add exact decimals and agree to the last digit; the unit factors are applied to
the sums in Python with ``Decimal``. Sums go per outlet, then per region: the same exact total,
and the outlet count without a ``count(DISTINCT mn)``.

References
----------
.. [1] HJ 212-2017, Appendix D, D.1.2 eq. (8)–(11), D.2.5 eq. (33)–(34); Appendix B.1, B.2 (units).
.. [2] HJ 75-2017 / HJ 76-2017 for flue-gas valid-data rules (only the data flag is applied here).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

from ecer.domain.pollutants import emission_amounts as ea

FLOWS: Final = tuple(sorted(ea.FLOW_CODES.values(), reverse=True))  # w00000, a00000
#: COD, NH3-N, NOx and NMHC (the default proxy for VOCs): the monitoring capability's Annex 2 codes.
DEFAULT_CODES: Final = tuple(ea.ANNEX2_CODES.values())
VALID_FLAGS: Final = tuple(sorted(ea.VALID_FLAGS))
HOURLY_CN: Final = "2061"
MASS_FACTOR: Final = {"w": Decimal("1e-3"), "a": Decimal("1e-6")}  # eq. (8), eq. (33)
SECONDS_FACTOR: Final = {"w": Decimal("3.6"), "a": Decimal("3600")}  # L/s → m³/h, m³/s → m³/h
VALUE_PLACES: Final = Decimal("0.0001")
VOLUME_PLACES: Final = Decimal("0.00001")

#: Each upload's first copy in the log, by (MN, DataTime, code): the plan for a lake that may hold
#: the same key twice (written before the writers kept first copies); ``collapse_keys=True``.
_COLLAPSED = """
  SELECT mn, data_time, code,
         min_by(region, seq) AS region, min_by(month, seq) AS month,
         min_by(avg, seq) AS avg, min_by(cou, seq) AS cou, min_by(flag, seq) AS flag,
         min_by(flow_avg, seq) AS flow_avg, min_by(flow_cou, seq) AS flow_cou
  FROM {relation}
  WHERE {where}
  GROUP BY mn, data_time, code
"""

_WHERE = "cn = '{cn}' AND month >= '{year:04d}-01' AND month <= '{year:04d}-12' AND code IN ({codes})"

#: Rows → exact decimal terms; summed per outlet first, then per region (``count(*)`` of the outlet
#: groups replaces a ``count(DISTINCT mn)``, which cost more than the sums).
_SQL = """
WITH v AS (
  SELECT region, month, code, mn,
    CASE WHEN code NOT IN ({flows}) THEN CAST(cou AS DECIMAL(18,4)) END AS cou_kg,
    CASE WHEN code NOT IN ({flows}) AND cou IS NULL THEN
      CAST(avg AS DECIMAL(18,4)) * COALESCE(CAST(flow_cou AS DECIMAL(20,5)),
        CAST(CAST(flow_avg AS DECIMAL(18,4)) * (CASE WHEN code LIKE 'w%' THEN 3.6 ELSE 3600 END) AS DECIMAL(20,5)))
    END AS conc_volume,
    CASE WHEN code IN ({flows}) THEN COALESCE(CAST(cou AS DECIMAL(20,5)),
      CAST(CAST(avg AS DECIMAL(18,4)) * (CASE WHEN code LIKE 'w%' THEN 3.6 ELSE 3600 END) AS DECIMAL(20,5)))
    END AS volume_m3
  FROM {source}
  WHERE {where_v}flag IN ({flags})
), o AS (
  SELECT region, month, code, mn, sum(cou_kg) AS cou_kg, sum(conc_volume) AS conc_volume,
         sum(volume_m3) AS volume_m3, count(*) AS readings
  FROM v
  GROUP BY region, month, code, mn
)
SELECT region, month, code, sum(cou_kg) AS cou_kg, sum(conc_volume) AS conc_volume,
       sum(volume_m3) AS volume_m3, sum(readings) AS readings, count(*) AS outlets
FROM o
GROUP BY region, month, code
ORDER BY region, month, code
"""


def _quoted(items: Iterable[str]) -> str:
    values = list(items)
    for item in values:
        if not item.isalnum():
            raise ValueError(f"not a code: {item!r}")
    return ", ".join(f"'{item}'" for item in values)


def accounting_sql(year: int, codes: Sequence[str] = DEFAULT_CODES, relation: str = "readings", *,
                   collapse_keys: bool = False) -> str:
    """The query; ``codes`` are the pollutants (flow codes are always added).

    The lake writers keep one row per (MN, DataTime, code), the first by log position
    (``ecer.scale.lake.dedup``), so the default plan just filters and sums. ``collapse_keys``
    keeps the first copy in the query instead (a lake from writers that did not; a check).
    """
    where = _WHERE.format(cn=HOURLY_CN, year=int(year), codes=_quoted([*codes, *FLOWS]))
    if collapse_keys:
        source, where_v = f"({_COLLAPSED.format(relation=relation, where=where)}) AS k", ""
    else:
        source, where_v = relation, f"{where} AND "
    return _SQL.format(source=source, where_v=where_v, flows=_quoted(FLOWS), flags=_quoted(VALID_FLAGS))


@dataclass(frozen=True)
class Total:
    """One region, month and code: emission amount [kg] or, for a flow code, volume [m³]."""

    year: int
    month: int
    region: str
    code: str
    mass_kg: Decimal | None
    volume_m3: Decimal | None
    readings: int
    outlets: int

    def as_dict(self) -> dict[str, object]:
        return {"year": self.year, "month": self.month, "region": self.region, "code": self.code,
                "mass_kg": self.mass_kg, "volume_m3": self.volume_m3, "readings": self.readings,
                "outlets": self.outlets}


def _norm(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value).normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def combine(rows: Iterable[Sequence[object]]) -> list[Total]:
    """Rows of the query (region, month, code, cou_kg, conc_volume, volume_m3, readings, outlets) → totals."""
    totals = []
    for region, month, code, cou_kg, conc_volume, volume_m3, readings, outlets in rows:
        mass: Decimal | None = None
        code = str(code)
        if code not in FLOWS and (cou_kg is not None or conc_volume is not None):
            mass = Decimal(str(cou_kg or 0)) + Decimal(str(conc_volume or 0)) * MASS_FACTOR[code[0]]
        volume = Decimal(str(volume_m3)) if volume_m3 is not None else None
        year, mon = str(month).split("-")
        totals.append(Total(int(year), int(mon), str(region), code, _norm(mass), _norm(volume),
                            int(readings), int(outlets)))  # type: ignore[call-overload]
    return sorted(totals, key=lambda t: (t.region, t.month, t.code))


def _dec(value: object, places: Decimal) -> Decimal | None:
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(places, ROUND_HALF_EVEN)  # type: ignore[arg-type]


def reference(rows: Iterable[Mapping[str, object]], year: int, codes: Sequence[str] = DEFAULT_CODES) -> list[Total]:
    """The same figures computed row by row (the single-node oracle; rows keyed like the lake)."""
    wanted = {*codes, *FLOWS}
    first: dict[tuple[object, object, object], Mapping[str, object]] = {}
    for row in rows:
        if row["cn"] != HOURLY_CN or row["code"] not in wanted or not str(row["month"]).startswith(f"{year:04d}-"):
            continue
        key = (row["mn"], row["data_time"], row["code"])
        if key not in first or int(row["seq"]) < int(first[key]["seq"]):  # type: ignore[call-overload]
            first[key] = row
    groups: dict[tuple[str, str, str], list[Mapping[str, object]]] = defaultdict(list)
    for row in first.values():
        if row["flag"] in VALID_FLAGS:
            groups[(str(row["region"]), str(row["month"]), str(row["code"]))].append(row)
    out = []
    for (region, month, code), members in groups.items():
        cou_kg = conc_volume = volume = None
        for row in members:
            factor = SECONDS_FACTOR[code[0]]
            if code in FLOWS:
                v = _dec(row["cou"], VOLUME_PLACES)
                if v is None and row["avg"] is not None:
                    v = (_dec(row["avg"], VALUE_PLACES) * factor).quantize(VOLUME_PLACES)  # type: ignore[operator]
                volume = _add(volume, v)
                continue
            cou_kg = _add(cou_kg, _dec(row["cou"], VALUE_PLACES))
            if row["cou"] is None and row["avg"] is not None:
                flow = _dec(row["flow_cou"], VOLUME_PLACES)
                if flow is None and row["flow_avg"] is not None:
                    flow = (_dec(row["flow_avg"], VALUE_PLACES) * factor).quantize(VOLUME_PLACES)  # type: ignore[operator]
                if flow is not None:
                    conc_volume = _add(conc_volume, _dec(row["avg"], VALUE_PLACES) * flow)  # type: ignore[operator]
        out.append((region, month, code, cou_kg, conc_volume, volume, len(members),
                    len({row["mn"] for row in members})))
    return combine(out)


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value

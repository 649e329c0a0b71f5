"""Emission amounts and flow-meter totals by region, pollutant and month, as one SQL text.

The query runs on DuckDB and on Spark SQL over the lake's ``readings`` rows, in one of three exact
plans (below); ``reference``
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

The decimal plan (DuckDB's) casts values to DECIMAL(18,4) (volumes DECIMAL(20,5)) and sums exact
decimals. The integer plan (Spark's) rounds them to the same places but holds scaled integers
(BIGINT): the -Cou ×10⁴, the volumes ×10⁵ and the product concentration × volume ×10⁹, split in limbs of 10⁷ so that every partial product and each outlet's
month sum fits a BIGINT. Sums go per outlet in BIGINT, then per region in DECIMAL(38,0), and the unit
factors are applied to the sums in Python with ``Decimal``; so both plans add exact numbers and
agree with the oracle to the last digit. On Spark it takes half the CPU of the decimal plan, whose
casts, products (precision > 18) and sum buffers (precision + 10) go through java BigDecimal per row.
The plan holds for |concentration|, |-Cou| < 10¹⁰, hourly volumes < 10⁹ m³ and mean flows < 10⁵ L/s
or m³/s (``VALUE_BOUND``, ``VOLUME_BOUND``, ``FLOW_BOUND``; physical values are orders of magnitude
below); a value beyond fails the query with an error naming it, and a BIGINT overflow is an error in
both engines (Spark in ANSI mode), never a wrong sum. Values with more decimals than kept are rounded
to the nearest; an exact tie (…5 in the fifth place) may round differently between engines, as before.
Sums go per outlet, then per region: the outlet count without a ``count(DISTINCT mn)``.

The keyed plan (Spark's default) is the integer plan grouped and filtered by the integer copies of
MN, code, month, CN and flag that the lake writers add (``ecer.scale.lake.rows.KEY_COLUMNS``: exact
encodings, not hashes) instead of the strings, whose per-row hashing and compares cost Spark most of
its time; rows without them (a non-standard MN or code, files written before the columns) are summed
by the strings in the same query.

References
----------
.. [1] HJ 212-2017, Appendix D, D.1.2 eq. (8)–(11), D.2.5 eq. (33)–(34); Appendix B.1, B.2 (units).
.. [2] HJ 75-2017 / HJ 76-2017 for flue-gas valid-data rules (only the data flag is applied here).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

from ecer.domain.pollutants import emission_amounts as ea
from ecer.scale.lake.rows import KEY_COLUMNS, ascii_id, ascii_of

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

#: The decimal plan (DuckDB's: its DECIMAL(38) sums are native 128-bit integers, faster there than
#: the integer plan's limbs): rows → exact decimal terms, summed per outlet first, then per region.
_DECIMAL_SQL = """
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


#: Bounds of the exact integer plan (see the module's docstring): beyond them a row fails the query
#: with a conversion error naming the value, never a silently wrong sum.
VALUE_BOUND: Final = 10**10  # |concentration| [mg/m³, mg/L] and |-Cou| [kg, m³]: ×10⁴ < 2⁵³
VOLUME_BOUND: Final = 10**9  # |hourly flow volume| [m³]: ×10⁵ < 10¹⁴ (two limbs)
FLOW_BOUND: Final = 10**5  # |mean flow| [L/s, m³/s] of a pollutant row: × 3600 s × 10⁵ < 10¹⁴
LIMB: Final = 10**7  # limbs < 10⁷: a limb product < 10¹⁴, p1 (two of them) < 2·10¹⁴; a BIGINT sums 4·10⁴ rows of them


def _scaled(column: str, places: int, bound: int) -> str:
    """``column`` × 10^places rounded to an integer (BIGINT) in double arithmetic, as the DECIMAL casts round.

    Exact for values with at most ``places`` decimals below ``bound`` (the product is within 0.2 of
    the integer); a larger value fails the query: a string that is not a number cast to BIGINT is an
    error in DuckDB, in Spark with ANSI mode, and in PostgreSQL; it names the value, so it cannot be
    constant-folded.
    """
    return (f"CASE WHEN abs({column}) < {bound} THEN CAST(floor({column} * {10**places} + 0.5) AS BIGINT) "
            f"WHEN {column} IS NOT NULL "  # NULL stays NULL
            f"THEN CAST(concat('{column} beyond the exact bound {bound}: ', {column}) AS BIGINT) END")


def _limbs(column: str) -> tuple[str, str]:
    """``column`` = hi × LIMB + lo, both |·| < LIMB (``%`` keeps the dividend's sign in all three
    engines; the division is exact, ``/`` gives a DOUBLE in Spark and DuckDB, a BIGINT in PostgreSQL)."""
    lo = f"({column} % {LIMB})"
    return f"CAST(({column} - {lo}) / {LIMB} AS BIGINT)", lo


#: Rows → exact scaled integers (BIGINT): a -Cou ×10⁴ [kg], a volume ×10⁵ [m³], and the product
#: concentration × volume ×10⁹ as three limb sums (p0 + p1·LIMB + p2·LIMB²). Each outlet's month
#: sums in BIGINT (at most 744 hourly rows; an overflow is an error in Spark's ANSI mode, DuckDB sums
#: BIGINT into HUGEINT); the sums over outlets in DECIMAL(38,0) (one row per outlet, not per reading).
#: ``count(*)`` of the outlet groups replaces a ``count(DISTINCT mn)``, which cost more than the sums.
_SQL = """
WITH s AS (
  SELECT region, month, code, mn,
    CASE WHEN code IN ({flows}) THEN 0 ELSE 1 END AS pollutant,
    CASE WHEN code LIKE 'w%' THEN 36 ELSE 36000 END AS per_hour,
    cou IS NULL AS no_cou,
    {cou4} AS cou4, CASE WHEN code IN ({flows}) THEN {cou5} END AS cou5, {avg4} AS avg4,
    {flow_avg4} AS flow_avg4, {flow_cou5} AS flow_cou5
  FROM {source}
  WHERE {where_v}flag IN ({flags})
), v AS (
  SELECT region, month, code, mn,
    CASE WHEN pollutant = 1 THEN cou4 END AS cou4,
    CASE WHEN pollutant = 1 AND no_cou THEN avg4 END AS c4,
    CASE WHEN pollutant = 1 AND no_cou THEN COALESCE(flow_cou5, flow_avg4 * per_hour) END AS v5,
    CASE WHEN pollutant = 0 THEN COALESCE(cou5, avg4 * per_hour) END AS volume5
  FROM s
), l AS (
  SELECT region, month, code, mn, cou4, volume5,
    {c_hi} AS c1, {c_lo} AS c0, {v_hi} AS v1, {v_lo} AS v0
  FROM v
), o AS (
  SELECT region, month, code, mn, sum(cou4) AS cou4, sum(c0 * v0) AS p0, sum(c0 * v1 + c1 * v0) AS p1,
         sum(c1 * v1) AS p2, sum(volume5) AS volume5, count(*) AS readings
  FROM l
  GROUP BY region, month, code, mn
)
SELECT region, month, code, sum(CAST(cou4 AS DECIMAL(38,0))) AS cou4, sum(CAST(p0 AS DECIMAL(38,0))) AS p0,
       sum(CAST(p1 AS DECIMAL(38,0))) AS p1, sum(CAST(p2 AS DECIMAL(38,0))) AS p2,
       sum(CAST(volume5 AS DECIMAL(38,0))) AS volume5, sum(readings) AS readings, count(*) AS outlets
FROM o
GROUP BY region, month, code
ORDER BY region, month, code
"""


#: One branch of the keyed plan (Spark's): rows → scaled integer terms (as ``_SQL``), summed per
#: outlet over ``{keys}``; ``{is_flow}`` and ``{is_water}`` say what the code is.
_BRANCH = """
{name}_s AS (
  SELECT {keys},
    {is_flow} AS is_flow, CASE WHEN {is_water} THEN 36 ELSE 36000 END AS per_hour, cou IS NULL AS no_cou,
    {cou4} AS cou4, CASE WHEN {is_flow} THEN {cou5} END AS cou5, {avg4} AS avg4,
    {flow_avg4} AS flow_avg4, {flow_cou5} AS flow_cou5
  FROM {relation}
  WHERE {where}
), {name}_v AS (
  SELECT {keys},
    CASE WHEN NOT is_flow THEN cou4 END AS cou4,
    CASE WHEN NOT is_flow AND no_cou THEN avg4 END AS c4,
    CASE WHEN NOT is_flow AND no_cou THEN COALESCE(flow_cou5, flow_avg4 * per_hour) END AS v5,
    CASE WHEN is_flow THEN COALESCE(cou5, avg4 * per_hour) END AS volume5
  FROM {name}_s
), {name}_l AS (
  SELECT {keys}, cou4, volume5, {c_hi} AS c1, {c_lo} AS c0, {v_hi} AS v1, {v_lo} AS v0
  FROM {name}_v
), {name}_o AS (
  SELECT {keys}, sum(cou4) AS cou4, sum(c0 * v0) AS p0, sum(c0 * v1 + c1 * v0) AS p1, sum(c1 * v1) AS p2,
         sum(volume5) AS volume5, count(*) AS readings
  FROM {name}_l
  GROUP BY {keys}
)"""

#: The keyed plan (Spark SQL only: ``conv``, ``RLIKE``): the integer plan's terms, grouped per outlet
#: by the lake's integer key columns (``ecer.scale.lake.rows.KEY_COLUMNS``) for rows that have them
#: (branch ``k``); rows without them (a non-standard MN or code, files written before the columns)
#: by the strings as before (branch ``t``), whose outlet groups then get the same integer keys. The
#: two branches part the rows exactly (``{keyed}`` and its negation). An outlet with rows in both
#: (a month partly written before the columns) is one group again in ``u``, so it counts once.
_KEYED_SQL = """
WITH {keyed_branch}, {string_branch}, b AS (
  SELECT region, month_id, code_id, CAST(NULL AS STRING) AS code_x, mn_hi, mn_lo, CAST(NULL AS STRING) AS mn_x,
         cou4, p0, p1, p2, volume5, readings
  FROM k_o
  UNION ALL
  SELECT region, CAST(concat(substr(month, 1, 4), substr(month, 6, 2)) AS INT) AS month_id,
         CASE code {code_ids} END AS code_id, CASE WHEN code NOT IN ({codes_with_id}) THEN code END AS code_x,
         CASE WHEN mn RLIKE '^[0-9A-F]{{24}}$' THEN CAST(conv(substr(mn, 1, 12), 16, 10) AS BIGINT) END AS mn_hi,
         CASE WHEN mn RLIKE '^[0-9A-F]{{24}}$' THEN CAST(conv(substr(mn, 13, 12), 16, 10) AS BIGINT) END AS mn_lo,
         CASE WHEN NOT mn RLIKE '^[0-9A-F]{{24}}$' THEN mn END AS mn_x,
         cou4, p0, p1, p2, volume5, readings
  FROM t_o
), u AS (
  SELECT region, month_id, code_id, code_x, sum(cou4) AS cou4, sum(p0) AS p0, sum(p1) AS p1, sum(p2) AS p2,
         sum(volume5) AS volume5, sum(readings) AS readings
  FROM b
  GROUP BY region, month_id, code_id, code_x, mn_hi, mn_lo, mn_x
)
SELECT region, month_id, code_id, code_x, sum(CAST(cou4 AS DECIMAL(38,0))) AS cou4,
       sum(CAST(p0 AS DECIMAL(38,0))) AS p0, sum(CAST(p1 AS DECIMAL(38,0))) AS p1,
       sum(CAST(p2 AS DECIMAL(38,0))) AS p2, sum(CAST(volume5 AS DECIMAL(38,0))) AS volume5,
       sum(readings) AS readings, count(*) AS outlets
FROM u
GROUP BY region, month_id, code_id, code_x
"""


def _keyed_sql(year: int, codes: Sequence[str], relation: str) -> str:
    """The keyed plan's text (see ``_KEYED_SQL``)."""
    wanted = [*codes, *FLOWS]
    ids = {code: ascii_id(code) for code in wanted}
    with_id = [code for code in wanted if ids[code] is not None]
    flow_ids = ", ".join(str(ids[code]) for code in FLOWS)
    water = (ascii_id("w") or 0, (ascii_id("x") or 0) - 1)  # ids of codes starting with w
    c_hi, c_lo = _limbs("c4")
    v_hi, v_lo = _limbs("v5")
    terms = {"cou4": _scaled("cou", 4, VALUE_BOUND), "cou5": _scaled("cou", 5, VOLUME_BOUND),
             "avg4": _scaled("avg", 4, VALUE_BOUND), "flow_avg4": _scaled("flow_avg", 4, FLOW_BOUND),
             "flow_cou5": _scaled("flow_cou", 5, VOLUME_BOUND), "c_hi": c_hi, "c_lo": c_lo, "v_hi": v_hi,
             "v_lo": v_lo, "relation": relation}
    keyed = " AND ".join(f"{name} IS NOT NULL" for name in KEY_COLUMNS)
    flag_ids = ", ".join(str(ascii_id(flag)) for flag in VALID_FLAGS)
    year = int(year)
    keyed_branch = _BRANCH.format(
        name="k", keys="region, month_id, code_id, mn_hi, mn_lo", is_flow=f"code_id IN ({flow_ids})",
        is_water=f"code_id BETWEEN {water[0]} AND {water[1]}",
        where=(f"{keyed} AND cn_id = {ascii_id(HOURLY_CN)} AND month_id BETWEEN {year:04d}01 AND {year:04d}12 "
               f"AND code_id IN ({', '.join(str(ids[c]) for c in with_id) or 'NULL'}) AND flag_id IN ({flag_ids})"),
        **terms)
    string_branch = _BRANCH.format(
        name="t", keys="region, month, code, mn", is_flow=f"code IN ({_quoted(FLOWS)})", is_water="code LIKE 'w%'",
        where=(f"NOT ({keyed}) AND {_WHERE.format(cn=HOURLY_CN, year=year, codes=_quoted(wanted))} "
               f"AND flag IN ({_quoted(VALID_FLAGS)})"), **terms)
    code_ids = " ".join(f"WHEN '{code}' THEN {ids[code]}" for code in with_id)
    return _KEYED_SQL.format(keyed_branch=keyed_branch.strip(), string_branch=string_branch.strip(),
                             code_ids=code_ids, codes_with_id=_quoted(with_id))


@dataclass(frozen=True)
class Mark:
    """An operator's 停产/检修 period of one outlet [start, end) (``monitoring_marks``), in UTC."""

    mn: str
    start: dt.datetime
    end: dt.datetime


MARKS_RELATION = "operator_marks"  # the engines register the year's marks under this name
MARK_COLUMNS = ("mn", "mark_start", "mark_end")


def unmarked(relation: str, marks_relation: str = MARKS_RELATION) -> str:
    """``relation`` without the hours an operator marked 停产/检修: an hour whose DataTime lies in a
    mark of its outlet does not count, as on the single node (``services.monitoring``'s hours with
    ``excluded``). Used only when the year has marks, so a year without any reads the lake as before."""
    return (f"(SELECT * FROM {relation} AS r WHERE NOT EXISTS (SELECT 1 FROM {marks_relation} AS m "
            f"WHERE m.mn = r.mn AND r.data_time >= m.mark_start AND r.data_time < m.mark_end)) AS unmarked")


def marks_in(marks: Iterable[Mark], year: int) -> list[Mark]:
    """The marks overlapping ``year`` (in UTC with a day's margin for the Beijing-time year)."""
    first = dt.datetime(int(year), 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
    last = dt.datetime(int(year) + 1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=1)
    return [m for m in marks if m.start < last and m.end > first]


def _quoted(items: Iterable[str]) -> str:
    values = list(items)
    for item in values:
        if not item.isalnum():
            raise ValueError(f"not a code: {item!r}")
    return ", ".join(f"'{item}'" for item in values)


def accounting_sql(year: int, codes: Sequence[str] = DEFAULT_CODES, relation: str = "readings", *,
                   collapse_keys: bool = False, plan: str = "integer") -> str:
    """The query; ``codes`` are the pollutants (flow codes are always added).

    The lake writers keep one row per (MN, DataTime, code), the first by log position
    (``ecer.scale.lake.dedup``), so the default plan just filters and sums. ``collapse_keys``
    keeps the first copy in the query instead (a lake from writers that did not; a check).
    ``plan`` is "keyed" (the integer plan grouped by the lake's integer key columns: Spark's),
    "integer" (scaled BIGINT limbs, grouped by the strings) or "decimal" (DECIMAL(18,4) terms:
    DuckDB's); all give the same exact figures through ``combine``. The keyed plan needs the
    relation to have the key columns (NULL where a file lacks them) and no ``collapse_keys``.
    """
    if plan == "keyed":
        if collapse_keys:
            raise ValueError("the keyed plan sums first copies only (no collapse_keys)")
        return _keyed_sql(year, codes, relation)
    where = _WHERE.format(cn=HOURLY_CN, year=int(year), codes=_quoted([*codes, *FLOWS]))
    if collapse_keys:
        source, where_v = f"({_COLLAPSED.format(relation=relation, where=where)}) AS k", ""
    else:
        source, where_v = relation, f"{where} AND "
    if plan == "decimal":
        return _DECIMAL_SQL.format(source=source, where_v=where_v, flows=_quoted(FLOWS), flags=_quoted(VALID_FLAGS))
    if plan != "integer":
        raise ValueError(f"no such plan: {plan!r}")
    c_hi, c_lo = _limbs("c4")
    v_hi, v_lo = _limbs("v5")
    return _SQL.format(source=source, where_v=where_v, flows=_quoted(FLOWS), flags=_quoted(VALID_FLAGS),
                       cou4=_scaled("cou", 4, VALUE_BOUND), cou5=_scaled("cou", 5, VOLUME_BOUND),
                       avg4=_scaled("avg", 4, VALUE_BOUND), flow_avg4=_scaled("flow_avg", 4, FLOW_BOUND),
                       flow_cou5=_scaled("flow_cou", 5, VOLUME_BOUND), c_hi=c_hi, c_lo=c_lo, v_hi=v_hi, v_lo=v_lo)


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
    """Rows of the query → totals. The integer plan's rows (region, month, code, cou ×10⁴, the
    product's limb sums p0, p1, p2 ×10⁹, volume ×10⁵, readings, outlets) become exact decimals here;
    the decimal plan's rows (region, month, code, cou_kg, conc_volume, volume_m3, readings, outlets) are."""
    def unscaled(value: object, places: int) -> Decimal | None:
        return None if value is None else Decimal(int(value)).scaleb(-places)  # type: ignore[call-overload]

    out: list[Sequence[object]] = []
    for row in rows:
        if len(row) == 8:  # the decimal plan
            out.append(row)
            continue
        if len(row) == 11:  # the keyed plan: (region, month_id, code_id, code_x, …) → the integer plan's
            region, month_id, ident, code_x, *rest = row
            month = f"{int(month_id) // 100:04d}-{int(month_id) % 100:02d}"  # type: ignore[call-overload]
            row = (region, month, code_x if ident is None else ascii_of(int(ident)), *rest)  # type: ignore[call-overload]
        region, month, code, cou4, p0, p1, p2, volume5, readings, outlets = row
        product = None
        if p0 is not None:
            product = Decimal(int(p2) * LIMB * LIMB + int(p1) * LIMB + int(p0)).scaleb(-9)  # type: ignore[call-overload]
        out.append((region, month, code, unscaled(cou4, 4), product, unscaled(volume5, 5), readings, outlets))
    return _totals(out)


def _totals(rows: Iterable[Sequence[object]]) -> list[Total]:
    """(region, month, code, cou_kg, conc_volume, volume_m3, readings, outlets) as decimals → totals."""
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


def reference(rows: Iterable[Mapping[str, object]], year: int, codes: Sequence[str] = DEFAULT_CODES,
              marks: Sequence[Mark] = ()) -> list[Total]:
    """The same figures computed row by row (the single-node oracle; rows keyed like the lake)."""
    wanted = {*codes, *FLOWS}
    first: dict[tuple[object, object, object], Mapping[str, object]] = {}
    for row in rows:
        if row["cn"] != HOURLY_CN or row["code"] not in wanted or not str(row["month"]).startswith(f"{year:04d}-"):
            continue
        if any(m.mn == row["mn"] and m.start <= row["data_time"] < m.end for m in marks):  # type: ignore[operator]
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
    return _totals(out)


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value

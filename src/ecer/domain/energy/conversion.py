"""Physical energy quantities to standard coal equivalent (折标准煤), after GB/T 2589-2020.

The coefficients live in ``ecer/data/gbt2589_2020_coefficients.csv`` (Table A.1) and the
year's thermal generation coal rate in ``ecer/data/generation_coal_rate.csv``; this module
only looks them up, checks units through :mod:`ecer.domain.units`, and multiplies in ``Decimal``.

Two bases (GB/T 2589-2020 clauses 3.2, 3.3):

- ``calorific`` (当量值): the energy's own heat content; electricity 0.1229 kgce/kWh.
- ``primary`` (等价值): the primary energy spent to make it; electricity at the year's average
  thermal power *generation* coal rate (发电煤耗, not the supply rate 供电煤耗). Fuels carry the
  same coefficient on both bases; heat and steam keep their 当量值 (Table A.1 gives no other).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pint

from ecer.data import load_table
from ecer.domain.errors import EcerError
from ecer.domain.units import parse_unit, registry

STANDARD = "GB/T 2589-2020"
COAL_RATE_TABLE = "thermal-generation-coal-rate"
BASES = ("calorific", "primary")
_GCE_PER_KGCE = Decimal(1000)


@dataclass(frozen=True)
class Coefficient:
    """One conversion coefficient and where it comes from.

    ``value`` is in kgce per one ``unit``; ``low``/``high`` are set when the standard prints a
    range; ``source`` names table and row, so a printed result can be traced back.
    """

    carrier: str
    name_zh: str
    value: Decimal
    unit: str
    basis: str
    source: str
    low: Decimal | None = None
    high: Decimal | None = None
    needs_check: bool = False

    @property
    def value_unit(self) -> str:
        return f"kgce/{self.unit}"


def _normalise(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")").casefold()


@lru_cache(maxsize=1)
def _carrier_index() -> Mapping[str, str]:
    """Code, Chinese name and every alias → code, all normalised."""
    index: dict[str, str] = {}
    for row in load_table(STANDARD).rows:
        code = str(row["code"])
        names = [code, str(row["name_zh"]), *str(row["aliases"] or "").split("|")]
        for name in names:
            if name.strip():
                index[_normalise(name)] = code
    return index


def carrier_code(carrier: str) -> str:
    """The table code of an energy carrier given by code, Chinese name or alias (原煤, raw_coal, 电)."""
    code = _carrier_index().get(_normalise(carrier))
    if code is None:
        known = "、".join(str(r["name_zh"]) for r in load_table(STANDARD).rows)
        raise EcerError("CARRIER_UNKNOWN", f"{carrier!r}；可用：{known}", field="carrier", value=carrier)
    return code


def generation_coal_rate(year: int, rates: Mapping[int, Decimal] | None = None) -> tuple[Decimal, str, bool]:
    """The year's thermal power generation coal rate [gce/kWh], its source, and whether it needs checking.

    ``rates`` overrides the shipped table year by year (a province's own figure, a newer release).
    """
    if rates and year in rates:
        return Decimal(str(rates[year])), f"user-supplied generation coal rate for {year}", False
    table = load_table(COAL_RATE_TABLE)
    try:
        row = table.row(year)
    except KeyError:
        years = "、".join(str(y) for y in table.keys)
        detail = f"{year}；表中年份：{years}"
        raise EcerError("COAL_RATE_YEAR_UNKNOWN", detail, field="year", value=year) from None
    source = f"{table.path.name} year {year} ({row['source']})"
    return Decimal(row["rate"]), source, bool(row["needs_check"])  # type: ignore[arg-type]


def coefficient(
    carrier: str,
    basis: str = "calorific",
    year: int | None = None,
    *,
    value: Decimal | None = None,
    generation_coal_rates: Mapping[int, Decimal] | None = None,
) -> Coefficient:
    """Look up the coefficient for ``carrier`` on ``basis``.

    Parameters
    ----------
    carrier : str
        Code, Chinese name or alias, e.g. ``'原煤'``, ``'天然气'``, ``'electricity'``.
    basis : {'calorific', 'primary'}
        当量值 or 等价值.
    year : int, optional
        Needed for electricity on the primary basis. [a]
    value : Decimal, optional
        A measured coefficient replacing the table's (e.g. from the gas supplier's calorific
        value, GB/T 2589-2020 clause 8). [kgce per physical unit]
    generation_coal_rates : mapping of int to Decimal, optional
        Per-year generation coal rates overriding ``generation_coal_rate.csv``. [gce/kWh]

    Returns
    -------
    Coefficient
        Ranges (natural gas, coke-oven gas, coal slime) resolve to the row's ``default``.
    """
    if basis not in BASES:
        raise EcerError("BASIS_UNKNOWN", f"{basis!r}", field="basis", value=basis)
    code = carrier_code(carrier)
    row = load_table(STANDARD).row(code)
    unit = str(row["unit"])
    low, high = row["low"], row["high"]
    source = f"{STANDARD} {row['clause']}"
    applied = "calorific" if row["basis"] == "calorific" else "both"
    chosen: Decimal = row["value"] if row["value"] is not None else row["default"]  # type: ignore[assignment]
    needs_check = bool(row["needs_check"])
    if low is not None:
        source += f"（范围 {low}–{high}，取默认值 {row['default']}：{row['default_source']}）"
    if code == "electricity" and basis == "primary":
        if year is None and value is None:
            raise EcerError("INPUT_MISSING", "电力按等价值折算需要年份（--year）", field="year")
        if value is None:
            rate, source, needs_check = generation_coal_rate(year, generation_coal_rates)  # type: ignore[arg-type]
            chosen = rate / _GCE_PER_KGCE
        applied, low, high = "primary", None, None
    elif basis == "primary" and row["basis"] == "calorific":
        applied = "calorific"  # heat, steam: Table A.1 gives only the 当量值
    if value is not None:
        chosen, source, needs_check = Decimal(str(value)), "user-supplied coefficient", False
    return Coefficient(
        carrier=code,
        name_zh=str(row["name_zh"]),
        value=chosen,
        unit=unit,
        basis=applied,
        source=source,
        low=low,  # type: ignore[arg-type]
        high=high,  # type: ignore[arg-type]
        needs_check=needs_check,
    )


def to_standard_coal(
    quantity: pint.Quantity,
    carrier: str,
    basis: str = "calorific",
    year: int | None = None,
    *,
    value: Decimal | None = None,
    generation_coal_rates: Mapping[int, Decimal] | None = None,
) -> pint.Quantity:
    """Convert a physical energy quantity to standard coal equivalent.

    Parameters
    ----------
    quantity : pint.Quantity
        Amount, from :func:`ecer.domain.units.quantity`, in any unit of the carrier's dimension
        (吨, 万吨 for a carrier in kg; 立方米, 万立方米 for one in m³; 千瓦时, 亿千瓦时; 吉焦 …).
    carrier, basis, year, value, generation_coal_rates
        As for :func:`coefficient`.

    Returns
    -------
    pint.Quantity
        Standard coal equivalent, Decimal magnitude. [kgce]

    Raises
    ------
    EcerError
        ``UNIT_MISMATCH`` when the unit's dimension is not the carrier's (m³ of raw coal),
        ``CARRIER_UNKNOWN``, ``BASIS_UNKNOWN``, ``COAL_RATE_YEAR_UNKNOWN``.

    Notes
    -----
    .. math:: E_{ce} = \\sum_i q_i \\, k_i

    with :math:`q_i` in the coefficient's physical unit and :math:`k_i` in kgce per unit
    (GB/T 2589-2020 clause 8, 折算为标准煤的要求: 1 kgce = 29 307.6 kJ).

    References
    ----------
    .. [1] GB/T 2589-2020 综合能耗计算通则, clause 8 and Annex A, Table A.1.

    Examples
    --------
    >>> from ecer.domain.units import quantity
    >>> to_standard_coal(quantity(1200, "吨"), "原煤").to("tce")
    <Quantity(857.1600..., 'tce')>
    """
    return registry().Quantity(_kgce(quantity, carrier, basis, year, value, generation_coal_rates), "kgce")


def standard_coal_tce(
    quantity: pint.Quantity,
    carrier: str,
    basis: str = "calorific",
    year: int | None = None,
    *,
    value: Decimal | None = None,
    generation_coal_rates: Mapping[int, Decimal] | None = None,
) -> Decimal:
    """``to_standard_coal(...).to("tce").magnitude``, the same figure, without a pint quantity per step:
    totals over every line of every monthly report spent most of their time inside pint. [tce]"""
    return _kgce(quantity, carrier, basis, year, value, generation_coal_rates) * _kgce_in_tce()


def _kgce(quantity: pint.Quantity, carrier: str, basis: str, year: int | None, value: Decimal | None,
          generation_coal_rates: Mapping[int, Decimal] | None) -> Decimal:
    """q × k with q in the coefficient's physical unit: the figure both public conversions give. [kgce]"""
    k = coefficient(carrier, basis, year, value=value, generation_coal_rates=generation_coal_rates)
    return physical_amount(quantity, k) * k.value


def magnitude_in(quantity: pint.Quantity, unit: str) -> Decimal:
    """``Decimal(str(quantity.to(unit).magnitude))`` with the conversion factor computed once per unit pair."""
    factor = conversion_factor(quantity.units, parse_unit(unit))
    if factor is None:
        raise EcerError("UNIT_MISMATCH", f"{quantity.units} → {unit}", field="unit", value=str(quantity.units))
    return Decimal(str(quantity.magnitude * factor))


@lru_cache(maxsize=4096)
def conversion_factor(source: pint.Unit, target: pint.Unit) -> Decimal | None:
    """How many ``target`` make one ``source`` (None: another dimension): pint's own factor, which pint
    multiplies the magnitude by, so converting with it gives pint's result to the last digit."""
    ureg = registry()
    if ureg.Quantity(1, source).dimensionality != ureg.Quantity(1, target).dimensionality:
        return None
    return ureg.Quantity(Decimal(1), source).to(target).magnitude  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _kgce_in_tce() -> Decimal:
    return conversion_factor(parse_unit("kgce"), parse_unit("tce"))  # type: ignore[return-value]


def physical_amount(quantity: pint.Quantity, k: Coefficient) -> Decimal:
    """``quantity`` expressed in the coefficient's physical unit; refuses a unit of another dimension."""
    target = parse_unit(k.unit)
    factor = conversion_factor(quantity.units, target) if isinstance(quantity, registry().Quantity) else None
    if factor is None:
        got = getattr(quantity, "units", type(quantity).__name__)
        detail = f"{k.name_zh} 以 {k.unit} 计量，收到 {got}"
        raise EcerError("UNIT_MISMATCH", detail, field="unit", value=str(got))
    return Decimal(str(quantity.magnitude * factor))


def comprehensive_energy_consumption(
    consumed: Iterable[pint.Quantity], exported: Iterable[pint.Quantity] = ()
) -> pint.Quantity:
    """Comprehensive energy consumption: energy consumed less energy exported. [kgce]

    Parameters
    ----------
    consumed : iterable of pint.Quantity
        Every energy consumed inside the accounting boundary, already in coal equivalent. [kgce]
    exported : iterable of pint.Quantity
        Energy delivered out of the boundary (power or heat sold), in coal equivalent. [kgce]

    Notes
    -----
    .. math:: E = \\sum E_{consumed} - \\sum E_{exported}

    GB/T 2589-2020 clauses 4–6 (计算原则, 边界划分, 计算范围): energy supplied out of the
    accounting boundary is deducted. The
    result may be negative only if the inputs are inconsistent; it is returned as computed.

    References
    ----------
    .. [1] GB/T 2589-2020 综合能耗计算通则, clauses 4 to 6.
    """
    ureg = registry()
    total = ureg.Quantity(Decimal(0), "kgce")
    for sign, items in ((1, consumed), (-1, exported)):
        for item in items:
            if not isinstance(item, ureg.Quantity) or item.dimensionality != total.dimensionality:
                got = getattr(item, "units", type(item).__name__)
                detail = f"综合能耗按标准煤计算，收到 {got}"
                raise EcerError("UNIT_MISMATCH", detail, field="unit", value=str(got))
            total = total + sign * item.to("kgce")
    return total

"""Energy reports of key units (能源利用状况报告): monthly lines to the figures the report asks for.

A monthly report is a list of lines, each an item (consumption per carrier, energy exported,
feedstock use, product output, output value, value added) with a physical quantity and its unit.
From them: comprehensive energy consumption on both bases, unit product energy consumption, energy
per value added, year-on-year change, energy saved against the previous year, coal consumption.

Accounting convention: 消费 lines are energy used as fuel or power, 原料 lines energy used as
feedstock (发改环资〔2022〕803号: coal, oil and gas made into olefins, aromatics, alkynes, alcohols,
synthetic ammonia …); comprehensive energy = 消费 + 原料 − 外供 (GB/T 2589-2020 clauses 4–6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import pint

from ecer.data import load_table
from ecer.domain.energy.conversion import COAL_RATE_TABLE, carrier_code, magnitude_in, standard_coal_tce
from ecer.domain.errors import EcerError
from ecer.domain.units import parse_unit, quantity, registry


class Item(StrEnum):
    CONSUMED = "消费"
    EXPORTED = "外供"
    FEEDSTOCK = "原料"
    OUTPUT = "产品产量"
    OUTPUT_VALUE = "工业总产值"
    VALUE_ADDED = "工业增加值"
    IT_ELECTRICITY = "IT设备用电"


ITEM_ALIASES = {
    "consumed": Item.CONSUMED, "exported": Item.EXPORTED, "feedstock": Item.FEEDSTOCK, "output": Item.OUTPUT,
    "output_value": Item.OUTPUT_VALUE, "value_added": Item.VALUE_ADDED, "it_electricity": Item.IT_ELECTRICITY,
    **{i.value.lower(): i for i in Item},
}
ENERGY_ITEMS = (Item.CONSUMED, Item.EXPORTED, Item.FEEDSTOCK)
MONEY_ITEMS = (Item.OUTPUT_VALUE, Item.VALUE_ADDED)

# Coal as counted in the key units' coal consumption (煤炭消费量): raw coal and the washed coals of
# GB/T 2589-2020 Table A.1 in physical tonnes; coke and coal gases are secondary products and not counted.
COAL_CARRIERS = ("raw_coal", "washed_coal", "middlings", "coal_slime")


def parse_item(text: str) -> Item:
    try:
        return ITEM_ALIASES[str(text).strip().lower()]
    except KeyError:
        raise EcerError("REPORT_ITEM_UNKNOWN", f"{text!r}", field="item", value=text) from None


@dataclass(frozen=True)
class ReportLine:
    """One line of a monthly report: ``name`` is the carrier (energy items) or product (output)."""

    item: Item
    name: str
    quantity: Decimal
    unit: str
    product: str | None = None  # the product whose process this energy serves; None = whole unit

    def as_quantity(self) -> pint.Quantity:
        return quantity(self.quantity, self.unit)


@dataclass(frozen=True)
class EnergyTotals:
    """Coal-equivalent totals of a set of lines. [tce]"""

    calorific_tce: Decimal
    primary_tce: Decimal
    feedstock_calorific_tce: Decimal
    feedstock_primary_tce: Decimal
    exported_calorific_tce: Decimal
    coal_t: Decimal
    coal_tce: Decimal
    electricity_kwh: Decimal
    coal_rate_year: int | None
    by_carrier: Mapping[str, Decimal] = field(default_factory=dict)  # carrier → net calorific tce


def coal_rate_for(year: int) -> tuple[int, Decimal]:
    """The generation coal rate of ``year`` or, when the table does not reach it, of its latest year.

    The rate table (CEC releases) lags the reports by a year or two; the year used is reported.
    """
    table = load_table(COAL_RATE_TABLE)
    years = sorted(int(y) for y in table.keys if int(y) <= year)  # type: ignore[call-overload]
    if not years:
        years = sorted(int(y) for y in table.keys)  # type: ignore[call-overload]
    used = years[-1]
    return used, Decimal(table.row(used)["rate"])  # type: ignore[arg-type]


def energy_totals(lines: Iterable[ReportLine], year: int) -> EnergyTotals:
    """Comprehensive energy consumption of ``lines`` on the 当量值 and 等价值 bases.

    Parameters
    ----------
    lines : iterable of ReportLine
        Energy lines (other items are ignored). [physical units]
    year : int
        Report year: electricity on the 等价值 basis uses that year's generation coal rate. [a]

    Returns
    -------
    EnergyTotals
        Tonnes of standard coal; feedstock is included in the totals and also given apart.

    Notes
    -----
    .. math:: E = \\sum_{消费} q_i k_i + \\sum_{原料} q_i k_i - \\sum_{外供} q_i k_i

    References
    ----------
    .. [1] GB/T 2589-2020 综合能耗计算通则, clauses 4–6 and Annex A.
    """
    rate_year: int | None = None
    rates: dict[int, Decimal] = {}
    zero = Decimal(0)
    cal = prim = feed_cal = feed_prim = exp_cal = coal_t = coal_tce = elec = zero
    by_carrier: dict[str, Decimal] = {}
    for line in lines:
        if line.item not in ENERGY_ITEMS:
            continue
        code = carrier_code(line.name)
        amount = line.as_quantity()
        if code == "electricity" and not rates:
            rate_year, rate = coal_rate_for(year)
            rates = {year: rate}
        c = standard_coal_tce(amount, code, "calorific")
        p = standard_coal_tce(amount, code, "primary", year, generation_coal_rates=rates or None)
        sign = -1 if line.item is Item.EXPORTED else 1
        cal += sign * c
        prim += sign * p
        by_carrier[code] = by_carrier.get(code, zero) + sign * c
        if line.item is Item.FEEDSTOCK:
            feed_cal += c
            feed_prim += p
        if line.item is Item.EXPORTED:
            exp_cal += c
        if code in COAL_CARRIERS and line.item is not Item.EXPORTED:
            coal_t += magnitude_in(amount, "metric_ton")
            coal_tce += c
        if code == "electricity":
            elec += sign * magnitude_in(amount, "kWh")
    return EnergyTotals(cal, prim, feed_cal, feed_prim, exp_cal, coal_t, coal_tce, elec, rate_year, by_carrier)


def money_10k_yuan(lines: Iterable[ReportLine], item: Item) -> Decimal | None:
    """Sum of an output-value or value-added item in 万元; None when not reported."""
    values = [Decimal(str(line.as_quantity().to("wan_yuan").magnitude)) for line in lines if line.item is item]
    return sum(values, Decimal(0)) if values else None


def product_output(lines: Iterable[ReportLine], product: str) -> pint.Quantity | None:
    """Total output of ``product`` in its reported unit; None when not reported."""
    found = [line.as_quantity() for line in lines if line.item is Item.OUTPUT and line.name == product]
    if not found:
        return None
    total = found[0]
    for q in found[1:]:
        total = total + q.to(total.units)
    return total


def unit_product_energy(energy_tce: Decimal, output: pint.Quantity, value_unit: str) -> Decimal:
    """Unit product energy consumption (单位产品综合能耗) in the level's unit, e.g. kgce/t.

    Parameters
    ----------
    energy_tce : Decimal
        Comprehensive energy consumption of the product's process. [tce]
    output : pint.Quantity
        Product output (吨, 重量箱, 吨·能量因数 …).
    value_unit : str
        The unit the result is wanted in (a pint expression such as ``kgce / t``).

    References
    ----------
    .. [1] GB/T 2589-2020 综合能耗计算通则, clause 3.7 (单位产品综合能耗).

    Examples
    --------
    >>> from ecer.domain.units import quantity
    >>> unit_product_energy(Decimal("36100"), quantity(100000, "吨"), "kgce / t")
    Decimal('361')
    """
    if output.magnitude == 0:
        raise EcerError("INPUT_INVALID", "产品产量为0，无法计算单位产品能耗", field="output")
    ratio = registry().Quantity(energy_tce, "tce") / output
    target = parse_unit(value_unit)
    try:
        return Decimal(str(ratio.to(target).magnitude)).normalize()
    except pint.errors.DimensionalityError as exc:
        raise EcerError("UNIT_MISMATCH", f"{output.units} 不能折算为 {value_unit}", field="unit") from exc


def energy_per_value_added(energy_tce: Decimal, value_added_10k_yuan: Decimal | None) -> Decimal | None:
    """Energy per value added [tce/万元]; None when value added is missing or zero."""
    if not value_added_10k_yuan:
        return None
    return energy_tce / value_added_10k_yuan


def year_on_year_change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """current / previous − 1 (negative: fell); None when either is missing or previous is 0."""
    if current is None or not previous:
        return None
    return current / previous - 1


def energy_saved_product(
    unit_energy_base: Decimal, unit_energy_report: Decimal, output_report: Decimal
) -> Decimal:
    """Energy saved through lower unit product consumption (产品节能量); positive = saved.

    Parameters
    ----------
    unit_energy_base : Decimal
        Unit product energy consumption in the base period (the previous year). [tce per product unit]
    unit_energy_report : Decimal
        The same in the report period. [tce per product unit]
    output_report : Decimal
        Product output in the report period. [product unit]

    Notes
    -----
    GB/T 2589 units cancel: :math:`S = (e_b - e_r) \\, M_r`. GB/T 13234-2018 writes the saving as
    :math:`\\Delta E = (e_r - e_b) M_r` with a negative value meaning energy saved; ECER reports
    :math:`S = -\\Delta E` so that saved energy is positive.

    References
    ----------
    .. [1] GB/T 13234-2018 用能单位节能量计算方法, clause 5 (产品节能量).
    """
    return (unit_energy_base - unit_energy_report) * output_report


def energy_saved_value_added(
    intensity_base: Decimal, intensity_report: Decimal, value_added_report: Decimal
) -> Decimal:
    """Energy saved through lower energy per value added (产值节能量); positive = saved. [tce]

    :math:`S = (i_b - i_r) \\, G_r` with intensities in tce/万元 and value added in 万元 at
    comparable prices (GB/T 13234-2018 clause 5, 产值节能量; sign as for :func:`energy_saved_product`).
    """
    return (intensity_base - intensity_report) * value_added_report


def pue(total_electricity_kwh: Decimal, it_electricity_kwh: Decimal) -> Decimal:
    """Power usage effectiveness: facility electricity over IT equipment electricity. [-]

    References
    ----------
    .. [1] GB 40879-2021 数据中心能效限定值及能效等级, clause 3 (电能使用效率).

    Examples
    --------
    >>> pue(Decimal("13000"), Decimal("10000"))
    Decimal('1.3')
    """
    if it_electricity_kwh <= 0:
        raise EcerError("INPUT_INVALID", "IT设备用电量须大于0", field="it_electricity")
    return total_electricity_kwh / it_electricity_kwh

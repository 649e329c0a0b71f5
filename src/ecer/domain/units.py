"""Physical units, with the Chinese forms the statistics use, through one pint registry.

Standard coal equivalent is its own dimension (``[coal_equivalent]``): a kgce is not a kg of
anything, so pint refuses to add it to a mass. Chinese multiples (万, 亿) are named units,
because pint does not accept a scaling factor inside a unit expression.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pint

from ecer.domain.errors import EcerError

_DEFINITIONS = """
gce = [coal_equivalent]
kgce = 1000 * gce
tce = 1000 * kgce
wan_tce = 10000 * tce
kgoe = 1.4286 * kgce
yuan = [currency]
wan_yuan = 10000 * yuan
yi_yuan = 100000000 * yuan
wan_t = 10000 * metric_ton
wan_m3 = 10000 * m ** 3
yi_m3 = 100000000 * m ** 3
wan_kWh = 10000 * kWh
yi_kWh = 100000000 * kWh
Nm3 = m ** 3
wan_Nm3 = 10000 * Nm3
accounting_year = 365 * day
weight_case = [flat_glass_weight_case]
t_ef = [refining_energy_factor_output]
"""
# kgoe: 1 kgoe = 41.816 MJ = 1.4286 kgce (GB/T 2589-2020 Annex A, crude oil row), used by the
# refining and ethylene energy-efficiency levels.
# weight_case: 重量箱, the flat-glass output unit (GB 21340); t_ef: 吨·能量因数, refining output weighted by the
# energy factor (GB 30251). Each is its own dimension: neither converts to a mass.
# accounting_year: emission-reduction accounting counts a year as 365 days (pint's `year`/`a` is the
# Julian 365.25 d); ecer.domain.pollutants.reductions reads a per-year input as per accounting_year.

UNIT_ALIASES_ZH: dict[str, str] = {
    "吨": "metric_ton",
    "t": "metric_ton",
    "千克": "kg",
    "公斤": "kg",
    "kg": "kg",
    "万吨": "wan_t",
    "立方米": "m ** 3",
    "m3": "m ** 3",
    "m³": "m ** 3",
    "万立方米": "wan_m3",
    "亿立方米": "yi_m3",
    "标准立方米": "Nm3",
    "千瓦时": "kWh",
    "度": "kWh",
    "kWh": "kWh",
    "万千瓦时": "wan_kWh",
    "亿千瓦时": "yi_kWh",
    "兆瓦时": "MWh",
    "吉焦": "GJ",
    "GJ": "GJ",
    "兆焦": "MJ",
    "MJ": "MJ",
    "百万千焦": "GJ",
    "克标准煤": "gce",
    "千克标准煤": "kgce",
    "吨标准煤": "tce",
    "万吨标准煤": "wan_tce",
    "kgce": "kgce",
    "tce": "tce",
    "万tce": "wan_tce",
    "元": "yuan",
    "万元": "wan_yuan",
    "亿元": "yi_yuan",
    "立方米/日": "m ** 3 / day",
    "立方米/年": "m ** 3 / year",
    "万立方米/年": "wan_m3 / year",
    "万m³/a": "wan_m3 / year",
    "万m3/a": "wan_m3 / year",
    "万立方米/日": "wan_m3 / day",
    "万m³/d": "wan_m3 / day",
    "万m3/d": "wan_m3 / day",
    "吨/年": "metric_ton / year",
    "t/a": "metric_ton / year",
    "重量箱": "weight_case",
    "吨·能量因数": "t_ef",
    "千克标准油": "kgoe",
}


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The one registry; quantities from different registries cannot be combined."""
    ureg = pint.UnitRegistry(non_int_type=Decimal)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit as written in a workbook: Chinese form, alias, or a pint expression."""
    ureg = registry()
    key = text.strip()
    expression = UNIT_ALIASES_ZH.get(key, key)
    try:
        return ureg.parse_units(expression)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError, AttributeError) as exc:
        raise EcerError("UNIT_UNKNOWN", f"{text!r}", field="unit", value=text) from exc


def quantity(value: Decimal | int | str, unit: str) -> pint.Quantity:
    """A Decimal-valued quantity in a unit given in any accepted form."""
    return registry().Quantity(Decimal(str(value)), parse_unit(unit))

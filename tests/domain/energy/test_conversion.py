"""Standard-coal conversion after GB/T 2589-2020 (Annex A, Table A.1; clause 8) and issue 2 §3.

Hand-worked figures use the Table A.1 coefficients, one intermediate per assertion.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecer.data import load_table
from ecer.domain.energy.conversion import (
    carrier_code,
    coefficient,
    comprehensive_energy_consumption,
    physical_amount,
    to_standard_coal,
)
from ecer.domain.errors import EcerError
from ecer.domain.units import quantity

amounts = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)
coefficients = st.decimals(min_value=Decimal("0.0001"), max_value=10, places=4)


# 1200 t of raw coal (the issue's example): 1200 t × 1000 kg/t × 0.7143 kgce/kg


def test_raw_coal_physical_amount_in_kg() -> None:
    assert physical_amount(quantity(1200, "吨"), coefficient("原煤")) == Decimal(1_200_000)


def test_raw_coal_in_kgce() -> None:
    assert to_standard_coal(quantity(1200, "吨"), "原煤").to("kgce").magnitude == Decimal(857_160)


def test_raw_coal_in_tce() -> None:
    assert to_standard_coal(quantity(1200, "吨"), "原煤").to("tce").magnitude == Decimal("857.16")


def test_raw_coal_in_10k_tce() -> None:
    assert to_standard_coal(quantity(1200, "吨"), "原煤").to("wan_tce").magnitude == Decimal("0.085716")


def test_result_is_decimal() -> None:
    assert isinstance(to_standard_coal(quantity("1.5", "万吨"), "焦炭").magnitude, Decimal)


# Issue 2 §3 pinned identities


@given(c=coefficients)
@example(c=Decimal("0.1229"))
def test_one_100m_kwh_times_c_is_10c_10k_tce(c: Decimal) -> None:
    """1 亿kWh × c kgce/kWh = 10·c 万tce (1e8 kWh × c kgce = 1e8·c kgce = 1e5·c tce = 10·c 万tce)."""
    result = to_standard_coal(quantity(1, "亿千瓦时"), "电力", value=c).to("wan_tce").magnitude
    assert result == 10 * c


def test_one_100m_kwh_at_the_table_value_is_1229_10k_tce() -> None:
    """GB/T 2589-2020 electricity 0.1229 kgce/kWh → 1 亿kWh = 1.229 万tce."""
    assert to_standard_coal(quantity(1, "亿千瓦时"), "电力").to("wan_tce").magnitude == Decimal("1.229")


@given(x=amounts)
def test_10k_tce_per_100m_yuan_is_tce_per_10k_yuan(x: Decimal) -> None:
    """万tce/亿元 = tce/万元: 1e4 tce / 1e8 yuan = 1 tce / 1e4 yuan."""
    intensity = quantity(x, "万tce") / quantity(1, "亿元")
    assert intensity.to("tce / wan_yuan").magnitude == x


# Hand-worked conversions, one carrier each


def test_natural_gas_uses_the_range_default() -> None:
    """3 万m³ × 1.2143 kgce/m³ (default inside Table A.1's 1.1000–1.3300) = 36 429 kgce."""
    assert to_standard_coal(quantity(3, "万立方米"), "天然气").magnitude == Decimal(36_429)


def test_natural_gas_with_a_measured_coefficient() -> None:
    """3 万m³ × 1.3300 kgce/m³ (supplier's calorific value, clause 8) = 39 900 kgce."""
    assert to_standard_coal(quantity(3, "万立方米"), "天然气", value=Decimal("1.33")).magnitude == 39_900


def test_natural_gas_coefficient_keeps_the_printed_range() -> None:
    k = coefficient("天然气")
    assert (k.low, k.high) == (Decimal("1.1000"), Decimal("1.3300"))


def test_heat_in_gigajoules() -> None:
    """2 GJ = 2000 MJ × 0.03412 kgce/MJ = 68.24 kgce."""
    assert to_standard_coal(quantity(2, "吉焦"), "热力").magnitude == Decimal("68.24")


def test_low_pressure_steam() -> None:
    """10 t × 1000 kg/t × 0.1286 kgce/kg = 1286 kgce."""
    assert to_standard_coal(quantity(10, "吨"), "蒸汽").magnitude == Decimal(1286)


def test_diesel_in_10k_tonnes() -> None:
    """2 万t × 1e7 kg/万t × 1.4571 kgce/kg = 29 142 tce."""
    assert to_standard_coal(quantity(2, "万吨"), "柴油").to("tce").magnitude == Decimal(29_142)


def test_electricity_in_10k_kwh() -> None:
    """500 万kWh × 1e4 × 0.1229 kgce/kWh = 614.5 tce."""
    assert to_standard_coal(quantity(500, "万千瓦时"), "电力").to("tce").magnitude == Decimal("614.5")


# Electricity at primary-energy value (等价值)


def test_primary_electricity_uses_the_year_generation_rate() -> None:
    """1 万kWh × 300 gce/kWh = 3 000 000 gce = 3 tce."""
    result = to_standard_coal(quantity(1, "万千瓦时"), "电力", "primary", 2030, generation_coal_rates={2030: 300})
    assert result.to("tce").magnitude == Decimal(3)


def test_primary_electricity_from_the_table() -> None:
    rate = load_table("thermal-generation-coal-rate").row(2020)["rate"]
    assert coefficient("电力", "primary", 2020).value == rate / 1000


def test_primary_electricity_is_flagged_when_the_rate_needs_checking() -> None:
    assert coefficient("电力", "primary", 2020).needs_check is True


def test_primary_electricity_needs_a_year() -> None:
    with pytest.raises(EcerError) as info:
        coefficient("电力", "primary")
    assert info.value.code == "INPUT_MISSING"


def test_primary_electricity_unknown_year() -> None:
    with pytest.raises(EcerError) as info:
        coefficient("电力", "primary", 1990)
    assert info.value.code == "COAL_RATE_YEAR_UNKNOWN"


def test_fuels_are_the_same_on_both_bases() -> None:
    assert coefficient("原煤", "primary", 2020).value == coefficient("原煤").value


def test_heat_keeps_its_calorific_value_on_the_primary_basis() -> None:
    k = coefficient("热力", "primary", 2020)
    assert (k.value, k.basis) == (Decimal("0.03412"), "calorific")


def test_unknown_basis() -> None:
    with pytest.raises(EcerError) as info:
        coefficient("原煤", "equivalent")
    assert info.value.code == "BASIS_UNKNOWN"


# Carrier look-up


ISSUE_CARRIERS = [
    "原煤", "洗精煤", "焦炭", "原油", "燃料油", "汽油", "煤油", "柴油", "液化石油气", "炼厂干气",
    "天然气", "液化天然气", "焦炉煤气", "高炉煤气", "热力", "蒸汽", "电力",
]


@pytest.mark.parametrize("name", ISSUE_CARRIERS)
def test_every_issue_carrier_is_known(name: str) -> None:
    assert carrier_code(name)


@pytest.mark.parametrize(
    ("name", "code"),
    [("原煤", "raw_coal"), ("raw_coal", "raw_coal"), ("RAW_COAL", "raw_coal"), ("煤炭", "raw_coal"),
     ("蒸汽（低压）", "steam"), ("蒸汽(低压)", "steam"), ("电", "electricity"), (" 天然气 ", "natural_gas")],
)
def test_carrier_by_code_name_or_alias(name: str, code: str) -> None:
    assert carrier_code(name) == code


def test_unknown_carrier() -> None:
    with pytest.raises(EcerError) as info:
        to_standard_coal(quantity(1, "吨"), "牛奶")
    assert info.value.code == "CARRIER_UNKNOWN"


# Unit checking


@pytest.mark.parametrize(
    ("amount", "unit", "carrier"),
    [(1, "立方米", "原煤"), (1, "吨", "天然气"), (1, "千瓦时", "柴油"), (1, "万吨标准煤", "原煤"), (1, "元", "电力")],
)
def test_unit_of_another_dimension_is_refused(amount: int, unit: str, carrier: str) -> None:
    with pytest.raises(EcerError) as info:
        to_standard_coal(quantity(amount, unit), carrier)
    assert info.value.code == "UNIT_MISMATCH"


def test_a_bare_number_is_refused() -> None:
    with pytest.raises(EcerError) as info:
        to_standard_coal(Decimal(5), "原煤")  # type: ignore[arg-type]
    assert info.value.code == "UNIT_MISMATCH"


def test_energy_units_are_interchangeable_for_heat() -> None:
    """1 kWh of heat = 3.6 MJ × 0.03412 kgce/MJ = 0.122832 kgce."""
    assert to_standard_coal(quantity(1, "千瓦时"), "热力").magnitude == Decimal("0.122832")


# Properties: conversion is additive and linear, whatever unit the amount is in


@given(a=amounts, b=amounts, carrier=st.sampled_from(["原煤", "柴油", "天然气", "电力", "热力"]))
def test_conversion_is_additive(a: Decimal, b: Decimal, carrier: str) -> None:
    unit = str(coefficient(carrier).unit)
    whole = to_standard_coal(quantity(a + b, unit), carrier)
    parts = to_standard_coal(quantity(a, unit), carrier) + to_standard_coal(quantity(b, unit), carrier)
    assert whole.magnitude == parts.to("kgce").magnitude


@given(a=amounts, k=st.integers(min_value=0, max_value=1000))
def test_conversion_is_linear(a: Decimal, k: int) -> None:
    scaled = to_standard_coal(quantity(a * k, "吨"), "焦炭")
    assert scaled.magnitude == k * to_standard_coal(quantity(a, "吨"), "焦炭").magnitude


@given(a=amounts)
def test_10k_tonnes_equal_10000_tonnes(a: Decimal) -> None:
    assert to_standard_coal(quantity(a, "万吨"), "原煤") == to_standard_coal(quantity(a * 10_000, "吨"), "原煤")


# Comprehensive energy consumption = consumed − exported (GB/T 2589-2020 clauses 4–6)


def test_comprehensive_energy_consumption_hand_worked() -> None:
    """5 tce + 1 万tce − 300 kgce = 5 000 + 10 000 000 − 300 = 10 004 700 kgce."""
    total = comprehensive_energy_consumption([quantity(5, "tce"), quantity(1, "万tce")], [quantity(300, "kgce")])
    assert total.to("kgce").magnitude == Decimal(10_004_700)


def test_comprehensive_energy_consumption_of_converted_carriers() -> None:
    """1200 t raw coal (857.16 tce) + 500 万kWh (614.5 tce) − 10 t steam sold (1.286 tce) = 1470.374 tce."""
    consumed = [to_standard_coal(quantity(1200, "吨"), "原煤"), to_standard_coal(quantity(500, "万千瓦时"), "电力")]
    exported = [to_standard_coal(quantity(10, "吨"), "蒸汽")]
    assert comprehensive_energy_consumption(consumed, exported).to("tce").magnitude == Decimal("1470.374")


def test_comprehensive_energy_consumption_refuses_physical_units() -> None:
    with pytest.raises(EcerError) as info:
        comprehensive_energy_consumption([quantity(5, "吨")])
    assert info.value.code == "UNIT_MISMATCH"


@given(consumed=st.lists(amounts, max_size=5), exported=st.lists(amounts, max_size=5))
def test_comprehensive_is_consumed_minus_exported(consumed: list[Decimal], exported: list[Decimal]) -> None:
    total = comprehensive_energy_consumption(
        [quantity(x, "tce") for x in consumed], [quantity(x, "tce") for x in exported]
    )
    assert total.to("tce").magnitude == sum(consumed, Decimal(0)) - sum(exported, Decimal(0))


UNITS = ["吨", "万吨", "千克", "立方米", "万立方米", "千瓦时", "万千瓦时", "亿千瓦时", "吉焦", "百万千焦"]


@given(amount=amounts, unit=st.sampled_from(UNITS), row=st.sampled_from(load_table("GB/T 2589-2020").rows),
       basis=st.sampled_from(["calorific", "primary"]))
@example(amount=Decimal("1234.5678"), unit="万千瓦时", row=load_table("GB/T 2589-2020").row("electricity"),
         basis="primary")
def test_factor_path_gives_pints_figure_to_the_last_digit(amount: Decimal, unit: str, row: dict, basis: str) -> None:
    """``standard_coal_tce`` and ``physical_amount`` multiply by a factor computed once per unit pair;
    the result must be pint's own conversion, digit for digit."""
    from ecer.domain.energy.conversion import conversion_factor, standard_coal_tce
    from ecer.domain.units import parse_unit, registry

    code = str(row["code"])
    rates = {2022: Decimal("300.7")} if code == "electricity" else None
    k = coefficient(code, basis, 2022, generation_coal_rates=rates)
    q = quantity(amount, unit)
    if conversion_factor(q.units, parse_unit(k.unit)) is None:
        with pytest.raises(EcerError):
            standard_coal_tce(q, code, basis, 2022, generation_coal_rates=rates)
        return
    physical = Decimal(str(q.to(parse_unit(k.unit)).magnitude))  # pint, step by step
    expected = registry().Quantity(physical * k.value, "kgce").to("tce").magnitude
    assert physical_amount(q, k) == physical
    assert standard_coal_tce(q, code, basis, 2022, generation_coal_rates=rates) == expected
    assert to_standard_coal(q, code, basis, 2022, generation_coal_rates=rates).to("tce").magnitude == expected

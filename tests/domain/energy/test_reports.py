"""Report figures from monthly lines, hand-worked from GB/T 2589-2020 Table A.1 coefficients."""

from decimal import Decimal

import pytest

from ecer.domain.energy import reports
from ecer.domain.energy.reports import Item, ReportLine
from ecer.domain.errors import EcerError
from ecer.domain.units import quantity

COAL = ReportLine(Item.CONSUMED, "原煤", Decimal(1200), "吨")  # 1200 t × 0.7143 = 857.16 tce
POWER = ReportLine(Item.CONSUMED, "电力", Decimal(500), "万千瓦时")  # 5e6 kWh × 0.1229 = 614.5 tce
STEAM_SOLD = ReportLine(Item.EXPORTED, "蒸汽", Decimal(10), "吨")  # 10 000 kg × 0.1286 = 1.286 tce
GAS_FEED = ReportLine(Item.FEEDSTOCK, "天然气", Decimal(100), "万立方米")  # 1e6 m³ × 1.2143 = 1214.3 tce
LINES = [COAL, POWER, STEAM_SOLD, GAS_FEED]


@pytest.fixture(scope="module")
def totals():
    return reports.energy_totals(LINES, 2022)


def test_calorific_total(totals):
    """857.16 + 614.5 + 1214.3 − 1.286 = 2684.674 tce (当量值)."""
    assert totals.calorific_tce == Decimal("2684.674")


def test_primary_total_uses_the_generation_coal_rate(totals):
    """Electricity at 2022's 283 gce/kWh: 5e6 kWh × 0.283 kgce = 1415 tce; 857.16 + 1415 + 1214.3 − 1.286."""
    assert totals.primary_tce == Decimal("3485.174")
    assert totals.coal_rate_year == 2022


def test_feedstock_and_export_apart(totals):
    assert totals.feedstock_calorific_tce == Decimal("1214.3")
    assert totals.exported_calorific_tce == Decimal("1.286")


def test_coal_consumption(totals):
    """Raw coal only: 1200 t, 857.16 tce."""
    assert (totals.coal_t, totals.coal_tce) == (Decimal(1200), Decimal("857.16"))


def test_rate_table_lag_falls_back_to_its_latest_year():
    """The CEC table ends before the report year: its latest year is used and reported."""
    later = reports.energy_totals([POWER], 2030)
    assert later.coal_rate_year == 2022 and later.primary_tce == Decimal(1415)


def test_blast_furnace_unit_energy():
    """36 100 tce / 100 000 t = 0.361 tce/t = 361 kgce/t."""
    assert reports.unit_product_energy(Decimal(36100), quantity(100000, "吨"), "kgce / t") == Decimal(361)


def test_ethylene_in_kgoe():
    """590 kgoe/t × 1.4286 kgce/kgoe = 842.874 kgce/t; 84 287.4 tce over 100 000 t."""
    assert reports.unit_product_energy(Decimal("84287.4"), quantity(100000, "吨"), "kgoe / t") == Decimal(590)


def test_flat_glass_per_weight_case():
    """8 000 tce / 1 000 000 重量箱 = 8 kgce per weight case."""
    assert reports.unit_product_energy(Decimal(8000), quantity(1000000, "重量箱"), "kgce / weight_case") == 8


def test_unit_of_the_wrong_kind_is_refused():
    with pytest.raises(EcerError) as caught:
        reports.unit_product_energy(Decimal(8000), quantity(1000, "吨"), "kgce / weight_case")
    assert caught.value.code == "UNIT_MISMATCH"


def test_energy_saved_product():
    """GB/T 13234-2018 产品节能量: (0.110 − 0.105) tce/t × 1 000 000 t = 5 000 tce saved (ΔE = −5 000)."""
    assert reports.energy_saved_product(Decimal("0.110"), Decimal("0.105"), Decimal(1000000)) == Decimal(5000)


def test_energy_saved_value_added():
    """产值节能量: (0.50 − 0.45) tce/万元 × 20 000 万元 = 1 000 tce."""
    assert reports.energy_saved_value_added(Decimal("0.50"), Decimal("0.45"), Decimal(20000)) == Decimal(1000)


def test_energy_per_value_added_and_change():
    assert reports.energy_per_value_added(Decimal("2684.674"), Decimal(5000)) == Decimal("0.5369348")
    assert reports.energy_per_value_added(Decimal(1), None) is None
    assert reports.year_on_year_change(Decimal(105), Decimal(100)) == Decimal("0.05")
    assert reports.year_on_year_change(Decimal(1), Decimal(0)) is None


def test_money_items_in_10k_yuan():
    lines = [ReportLine(Item.VALUE_ADDED, "", Decimal(1), "亿元"), ReportLine(Item.VALUE_ADDED, "", Decimal(50), "万元")]
    assert reports.money_10k_yuan(lines, Item.VALUE_ADDED) == Decimal(10050)
    assert reports.money_10k_yuan(lines, Item.OUTPUT_VALUE) is None


def test_pue():
    """GB 40879-2021: 13 000 kWh facility / 10 000 kWh IT = 1.3."""
    assert reports.pue(Decimal(13000), Decimal(10000)) == Decimal("1.3")


def test_parse_item_accepts_chinese_and_aliases():
    assert reports.parse_item("原料") is Item.FEEDSTOCK and reports.parse_item("value_added") is Item.VALUE_ADDED
    with pytest.raises(EcerError):
        reports.parse_item("库存")

"""Benchmark/baseline classing (lower is better, negative converter values) and the capacity share."""

import hashlib
from decimal import Decimal

import pytest

from ecer.data import load_table
from ecer.domain.energy import benchmarks
from ecer.domain.energy.benchmarks import CapacityItem, EfficiencyClass, classify
from ecer.domain.errors import EcerError

LEVELS_SHA256 = "52d1c167b905825a403a813d2b5f8fffc472259e932a102519c1a2b9e049fc4a"


def test_levels_file_rows_and_keys():
    table = load_table("energy-efficiency-levels")
    assert len(table.rows) == 34
    assert len(set(table.keys)) == 34
    assert {r["edition"] for r in table.rows} == {2021, 2023}
    assert all(r["needs_check"] for r in table.rows)


@pytest.mark.parametrize(("product", "benchmark", "baseline", "unit"), [
    ("blast_furnace", "361", "435", "kgce / t"), ("converter", "-30", "-10", "kgce / t"),
    ("coke_top_charged", "110", "135", "kgce / t"), ("coke_stamp_charged", "110", "140", "kgce / t"),
    ("cement_clinker", "100", "117", "kgce / t"), ("flat_glass_over_800", "8", "12", "kgce / weight_case"),
    ("flat_glass_500_800", "9.5", "13.5", "kgce / weight_case"), ("refining", "7.5", "8.5", "kgoe / t_ef"),
    ("ethylene", "590", "640", "kgoe / t"), ("ammonia_natural_gas", "1000", "1200", "kgce / t"),
])
def test_issue_figures(product, benchmark, baseline, unit):
    """The figures ECER issue 4 §3 lists, in both editions."""
    for edition in (2021, 2023):
        lvl = benchmarks.level(product, edition)
        assert (lvl.benchmark, lvl.baseline, lvl.value_unit) == (Decimal(benchmark), Decimal(baseline), unit)


def test_refining_and_ethylene_count_electricity_at_primary_value():
    assert benchmarks.level("ethylene").electricity_basis == "primary"
    assert benchmarks.level("refining").electricity_basis == "primary"
    assert benchmarks.level("cement_clinker").electricity_basis == "calorific"


def test_levels_file_is_pinned():
    path = load_table("energy-efficiency-levels").path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == LEVELS_SHA256


def test_unknown_product_and_edition():
    with pytest.raises(EcerError) as caught:
        benchmarks.level("unobtainium")
    assert caught.value.code == "PRODUCT_UNKNOWN"
    with pytest.raises(EcerError) as caught:
        benchmarks.levels(2019)
    assert caught.value.code == "LEVEL_EDITION_UNKNOWN"


@pytest.mark.parametrize(("value", "expected"), [
    ("-31", EfficiencyClass.BENCHMARK), ("-30", EfficiencyClass.BENCHMARK), ("-29.9", EfficiencyClass.BETWEEN),
    ("-10", EfficiencyClass.BETWEEN), ("-9.9", EfficiencyClass.BELOW_BASELINE),
])
def test_converter_negative_values(value, expected):
    """Converter −30/−10: at benchmark when ≤ −30, below baseline when > −10."""
    assert classify(Decimal(value), Decimal(-30), Decimal(-10)) is expected


@pytest.mark.parametrize(("value", "expected"), [
    ("361", EfficiencyClass.BENCHMARK), ("361.1", EfficiencyClass.BETWEEN), ("435", EfficiencyClass.BETWEEN),
    ("435.01", EfficiencyClass.BELOW_BASELINE),
])
def test_blast_furnace_edges(value, expected):
    assert classify(Decimal(value), Decimal(361), Decimal(435)) is expected


def test_over_limit():
    lvl = benchmarks.level("cement_clinker")
    assert benchmarks.over_limit(Decimal(118), lvl) is True
    assert benchmarks.over_limit(Decimal(117), lvl) is False
    assert benchmarks.over_limit(Decimal(500), benchmarks.level("ethylene")) is None


def test_share_exactly_30_percent_does_not_exceed_the_target():
    """The plan asks for more than 30 %: 300 of 1 000 is 0.3 and does not meet it."""
    items = [CapacityItem("C3011", "磐石市", Decimal(300), EfficiencyClass.BENCHMARK),
             CapacityItem("C3011", "磐石市", Decimal(700), EfficiencyClass.BETWEEN)]
    share = benchmarks.share_at_benchmark(items)[0]
    assert share.share_at_benchmark == Decimal("0.3")
    assert share.meets_target is False


def test_share_keeps_unclassified_capacity_in_the_denominator_and_groups():
    items = [CapacityItem("C3011", "磐石市", Decimal(400), EfficiencyClass.BENCHMARK),
             CapacityItem("C3011", "磐石市", Decimal(600), None),
             CapacityItem("C3110", "龙潭区", Decimal(500), EfficiencyClass.BELOW_BASELINE)]
    rows = {(r.industry_code, r.region): r for r in benchmarks.share_at_benchmark(items)}
    cement = rows[("C3011", "磐石市")]
    assert (cement.share_at_benchmark, cement.capacity_unclassified, cement.meets_target) == (
        Decimal("0.4"), Decimal(600), True)
    assert rows[("C3110", "龙潭区")].share_at_benchmark == 0


def test_data_centre_pue():
    assert benchmarks.data_centre_pue_ok(Decimal("1.3"), new_large=True) is True
    assert benchmarks.data_centre_pue_ok(Decimal("1.31"), new_large=True) is False
    assert benchmarks.data_centre_pue_ok(Decimal("1.6"), new_large=False) is None

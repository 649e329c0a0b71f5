"""``ecer convert``: GB/T 2589-2020 conversion from the command line (issue 2 §3 and §1 conventions)."""

from __future__ import annotations

import re


def test_json_is_one_array_with_one_object(cli) -> None:
    r = cli("convert", "1200", "吨", "原煤", "--json")
    assert r.exit_code == 0, r.stderr
    assert len(r.json()) == 1


def test_json_keys_are_snake_case(cli) -> None:
    row = cli("convert", "1200", "吨", "原煤", "--json").json()[0]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) for key in row)


def test_json_numbers_are_numbers(cli) -> None:
    row = cli("convert", "1200", "吨", "原煤", "--json").json()[0]
    for key in ("quantity", "coefficient", "standard_coal_kgce", "standard_coal_tce", "standard_coal_10k_tce"):
        assert isinstance(row[key], (int, float)) and not isinstance(row[key], bool), key


def test_raw_coal_hand_worked(cli) -> None:
    """1200 t × 0.7143 kgce/kg (GB/T 2589-2020 Table A.1 原煤) = 857 160 kgce = 857.16 tce."""
    row = cli("convert", "1200", "吨", "原煤", "--json").json()[0]
    assert (row["carrier"], row["coefficient"], row["coefficient_unit"]) == ("raw_coal", 0.7143, "kgce/kg")
    assert row["standard_coal_kgce"] == 857_160
    assert row["standard_coal_tce"] == 857.16
    assert row["standard_coal_10k_tce"] == 0.085716


def test_coefficient_names_its_source_row(cli) -> None:
    row = cli("convert", "1200", "吨", "原煤", "--json").json()[0]
    assert row["coefficient_source"] == "GB/T 2589-2020 Table A.1 原煤"


def test_range_carrier_reports_the_range(cli) -> None:
    row = cli("convert", "3", "万立方米", "天然气", "--json").json()[0]
    assert (row["coefficient_low"], row["coefficient_high"], row["coefficient"]) == (1.1, 1.33, 1.2143)
    assert row["standard_coal_kgce"] == 36_429


def test_measured_coefficient_replaces_the_default(cli) -> None:
    row = cli("convert", "3", "万立方米", "天然气", "--coefficient", "1.33", "--json").json()[0]
    assert row["standard_coal_kgce"] == 39_900


def test_primary_basis_with_own_coal_rate(cli) -> None:
    """1 万kWh × 300 gce/kWh = 3 tce."""
    r = cli("convert", "1", "万千瓦时", "电力", "--basis", "primary", "--year", "2024", "--coal-rate", "300", "--json")
    assert r.exit_code == 0, r.stderr
    row = r.json()[0]
    assert (row["basis"], row["coefficient"], row["standard_coal_tce"]) == ("primary", 0.3, 3)


def test_human_output_shows_the_results(cli) -> None:
    r = cli("convert", "1200", "吨", "原煤")
    assert r.exit_code == 0, r.stderr
    assert "857.16" in r.stdout and "857160" in r.stdout and "0.085716" in r.stdout
    assert "Table A.1 原煤" in r.stdout


def test_unit_mismatch_exits_1_with_code(cli) -> None:
    r = cli("convert", "3", "立方米", "原煤", "--json")
    assert r.exit_code == 1
    assert r.json()[0]["code"] == "UNIT_MISMATCH"


def test_unknown_carrier_exits_1_with_code(cli) -> None:
    r = cli("convert", "3", "吨", "牛奶", "--json")
    assert r.exit_code == 1
    assert r.json()[0]["code"] == "CARRIER_UNKNOWN"


def test_unknown_unit_exits_1_with_code(cli) -> None:
    r = cli("convert", "3", "箱", "原煤", "--json")
    assert r.exit_code == 1
    assert r.json()[0]["code"] == "UNIT_UNKNOWN"


def test_not_a_number_exits_1(cli) -> None:
    r = cli("convert", "abc", "吨", "原煤", "--json")
    assert r.exit_code == 1
    assert r.json()[0]["code"] == "INPUT_INVALID"


def test_primary_without_year_exits_1(cli) -> None:
    r = cli("convert", "1", "千瓦时", "电力", "--basis", "primary", "--json")
    assert r.exit_code == 1
    assert r.json()[0]["code"] == "INPUT_MISSING"


def test_bad_basis_is_a_usage_error(cli) -> None:
    assert cli("convert", "1", "吨", "原煤", "--basis", "equivalent").exit_code == 2

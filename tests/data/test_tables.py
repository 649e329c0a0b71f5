"""The reference-table loader and the two energy tables it ships (GB/T 2589-2020, coal rates).

Row figures are GB/T 2589-2020 Annex A, Table A.1 (折标准煤系数 and 平均低位发热量); each
coefficient is the row's calorific value over 7000 kcal/kgce (clause 8), which the consistency
test re-derives so a mistyped digit shows up.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from ecer.data import DATA_DIR, available_tables, load_table, read_table
from ecer.domain.errors import EcerError
from ecer.domain.units import parse_unit

GBT2589 = DATA_DIR / "gbt2589_2020_coefficients.csv"
COAL_RATE = DATA_DIR / "generation_coal_rate.csv"

# Pinned so that any edit of a reference table shows up in review.
PINNED_SHA256 = {
    GBT2589: "3a853638927c8db3b16db9506cfb614e561ba6c83c66e0c2a22aefc167374cda",
    COAL_RATE: "09244ae3287e2271629b03158a2275205955b4ff42407f73d136352dc574f5c4",
}


@pytest.mark.parametrize("path", list(PINNED_SHA256), ids=lambda p: p.name)
def test_file_is_the_reviewed_version(path: Path) -> None:
    assert hashlib.sha256(path.read_bytes()).hexdigest() == PINNED_SHA256[path]


def test_both_tables_are_found_by_id() -> None:
    tables = available_tables()
    assert tables["GB/T 2589-2020"] == GBT2589
    assert tables["thermal-generation-coal-rate"] == COAL_RATE


def test_gbt2589_row_count() -> None:
    """Table A.1 as transcribed: 27 carriers (coals, oils, gases, other gases, heat, steam, power)."""
    assert len(load_table("GB/T 2589-2020").rows) == 27


def test_gbt2589_codes_and_names_unique() -> None:
    rows = load_table("GB/T 2589-2020").rows
    assert len({r["code"] for r in rows}) == len(rows)
    assert len({r["name_zh"] for r in rows}) == len(rows)


def test_gbt2589_provenance_names_standard_and_annex() -> None:
    table = load_table("GB/T 2589-2020")
    assert table.provenance[0].startswith("source: GB/T 2589-2020")
    assert "Table A.1" in table.provenance[0]


@pytest.mark.parametrize(
    ("code", "value", "unit"),
    [
        ("raw_coal", "0.7143", "kg"),  # 5000 kcal/kg
        ("washed_coal", "0.9000", "kg"),  # 6300 kcal/kg
        ("coke", "0.9714", "kg"),  # 6800 kcal/kg
        ("diesel", "1.4571", "kg"),  # 10200 kcal/kg
        ("lng", "1.7572", "kg"),  # 51498 kJ/kg, new row in the 2020 edition
        ("blast_furnace_gas", "0.1286", "m³"),  # 900 kcal/m³
        ("heat", "0.03412", "MJ"),
        ("electricity", "0.1229", "kWh"),  # 860 kcal/kWh, 当量值
    ],
)
def test_gbt2589_single_values(code: str, value: str, unit: str) -> None:
    """GB/T 2589-2020 Table A.1, the commonly quoted rows."""
    row = load_table("GB/T 2589-2020").row(code)
    assert row["value"] == Decimal(value)
    assert row["unit"] == unit


def test_natural_gas_is_a_range_in_2020() -> None:
    """GB/T 2589-2020 Table A.1 天然气 1.1000–1.3300 kgce/m³ (2008: 1.2143 / 1.3300 by field)."""
    row = load_table("GB/T 2589-2020").row("natural_gas")
    assert row["value"] is None
    assert (row["low"], row["high"]) == (Decimal("1.1000"), Decimal("1.3300"))


def test_coke_oven_gas_is_a_range() -> None:
    """GB/T 2589-2020 Table A.1 焦炉煤气 0.5714–0.6143 kgce/m³ (4000–4300 kcal/m³)."""
    row = load_table("GB/T 2589-2020").row("coke_oven_gas")
    assert (row["low"], row["high"]) == (Decimal("0.5714"), Decimal("0.6143"))


def test_electricity_row_is_the_calorific_value() -> None:
    assert load_table("GB/T 2589-2020").row("electricity")["basis"] == "calorific"


@pytest.mark.parametrize("row", load_table("GB/T 2589-2020").rows, ids=lambda r: str(r["code"]))
def test_every_default_lies_in_its_range(row) -> None:
    if row["low"] is None:
        assert row["default"] == row["value"]
    else:
        assert row["low"] <= row["default"] <= row["high"]


@pytest.mark.parametrize(
    "row", [r for r in load_table("GB/T 2589-2020").rows if r["lhv_kcal"] is not None], ids=lambda r: str(r["code"])
)
def test_coefficient_is_calorific_value_over_7000_kcal(row) -> None:
    """GB/T 2589-2020 clause 8: 1 kgce = 7000 kcal, so k = LHV / 7000 to the table's 4 decimals."""
    pairs = [(row["value"] or row["low"], row["lhv_kcal"])]
    if row["high"] is not None:
        pairs.append((row["high"], row["lhv_kcal_high"]))
    for coefficient, kcal in pairs:
        assert abs(coefficient - kcal / Decimal(7000)) <= Decimal("0.0001")


@pytest.mark.parametrize("row", load_table("GB/T 2589-2020").rows, ids=lambda r: str(r["code"]))
def test_every_unit_parses_and_matches_value_unit(row) -> None:
    parse_unit(str(row["unit"]))
    assert row["value_unit"] == f"kgce/{row['unit']}"


def test_coal_rate_table_rows() -> None:
    table = load_table("thermal-generation-coal-rate")
    assert table.keys == (2019, 2020, 2021, 2022)
    assert all(row["unit"] == "gce/kWh" for row in table.rows)


def test_coal_rate_is_generation_not_supply() -> None:
    """Generation rate = supply rate × (1 − auxiliary power ratio), so it must be the smaller one."""
    for row in load_table("thermal-generation-coal-rate").rows:
        assert Decimal(250) < row["rate"] < row["supply_rate_for_reference"] < Decimal(350)


def test_coal_rate_rows_all_flagged_for_checking() -> None:
    assert all(row["needs_check"] is True for row in load_table("thermal-generation-coal-rate").rows)


def test_unknown_id_lists_the_valid_ones() -> None:
    with pytest.raises(EcerError) as info:
        load_table("GB/T 2589-2008")
    assert info.value.code == "DATA_TABLE_UNKNOWN"
    assert "GB/T 2589-2020" in str(info.value)
    assert "thermal-generation-coal-rate" in str(info.value)


HEADER = "# source: test table\n# key: code\n# decimal: value\n# boolean: flag\ncode,value,flag\n"


@pytest.mark.parametrize(
    ("body", "column"),
    [
        ("a,1.5,true\na,2,false\n", "code"),  # repeated key
        ("a,1.5,true\n,2,false\n", "code"),  # blank key
        ("a,one,true\n", "value"),  # number does not parse
        ("a,NaN,true\n", "value"),  # not finite
        ("a,1,maybe\n", "flag"),  # not a boolean
    ],
)
def test_read_table_refuses_bad_cells(tmp_path: Path, body: str, column: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(EcerError) as info:
        read_table(path)
    problem = info.value.problems[0]
    assert (problem.code, problem.location.column, problem.location.file) == (
        "COEFFICIENT_TABLE_INVALID",
        column,
        "bad.csv",
    )


def test_read_table_reports_the_file_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "a,1,true\nb,x,true\n", encoding="utf-8")
    with pytest.raises(EcerError) as info:
        read_table(path)
    assert info.value.problems[0].location.row == 7


def test_read_table_refuses_wrong_width(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "a,1\n", encoding="utf-8")
    with pytest.raises(EcerError, match="应有 3 列"):
        read_table(path)


def test_read_table_requires_a_source_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("code,value\na,1\n", encoding="utf-8")
    with pytest.raises(EcerError, match="source"):
        read_table(path)


def test_read_table_parses_types(tmp_path: Path) -> None:
    path = tmp_path / "good.csv"
    path.write_text(HEADER + "a,1.50,true\nb,,false\n", encoding="utf-8")
    table = read_table(path)
    assert table.row("a") == {"code": "a", "value": Decimal("1.50"), "flag": True}
    assert table.row("b")["value"] is None

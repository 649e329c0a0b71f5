"""The HJ 212 ambient-parameter table: codes from HJ 212-2017 Appendix B mapped to ECER columns."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from ecer.data import DATA_DIR, load_table
from ecer.domain.environment.daily import DAILY_KEYS
from ecer.domain.environment.water import parameters
from ecer.protocol.hj212.codes import load_codes

PATH = DATA_DIR / "hj212_ambient_parameters.csv"


@pytest.fixture(scope="module")
def table():
    return load_table(standard="HJ 212-2017 ambient parameters")


def test_pinned_sha256() -> None:
    assert hashlib.sha256(PATH.read_bytes()).hexdigest() == (
        "8d6939656a73fbf99bffc9e828f906155b453e1de22f52a04cf31cfadbd9e6a4")


def test_row_count_and_unique_codes(table) -> None:
    """6 air pollutants of GB 3095-2012 表1 and the 23 GB 3838-2002 表1 items with limits."""
    codes = [r["code"] for r in table.rows]
    assert (len(codes), len(set(codes))) == (29, 29)


def test_every_ecer_column_is_covered(table) -> None:
    air = {r["parameter"] for r in table.rows if r["medium"] == "air"}
    water = {r["parameter"] for r in table.rows if r["medium"] == "water"}
    assert air == {"SO2", "NO2", "PM10", "CO", "O3", "PM2_5"} and air - {"O3"} <= set(DAILY_KEYS)
    assert water == set(parameters())


@pytest.mark.parametrize(("code", "parameter", "hj212_unit", "factor"), [
    ("a21026", "SO2", "mg/m3", "1000"),   # B.2-42 二氧化硫 毫克/立方米
    ("a34004", "PM2_5", "ng/m3", "0.001"),  # B.2-111 细微颗粒物 PM2.5 纳克/立方米 (as printed)
    ("w20119", "As", "ug/L", "0.001"),     # B.1-30 总砷 微克/升
    ("w21003", "NH3N", "mg/L", "1"),       # B.1-48 氨氮 毫克/升
])
def test_rows_against_appendix_b(table, code: str, parameter: str, hj212_unit: str, factor: str) -> None:
    row = table.row(code)
    assert (row["parameter"], row["hj212_unit"], row["factor"]) == (parameter, hj212_unit, Decimal(factor))


def test_codes_other_than_ozone_are_in_appendix_b(table) -> None:
    known = load_codes()
    missing = [r["code"] for r in table.rows if known.get(str(r["code"])) is None]
    assert missing == ["a05024"]  # ozone: HJ 524-2009, not printed in Appendix B

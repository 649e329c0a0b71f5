"""The Appendix B code table (data/hj212_2017_codes.csv) and its lookups."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from ecer.data import DATA_DIR, load_table
from ecer.protocol.hj212.codes import load_codes

CSV = DATA_DIR / "hj212_2017_codes.csv"
PINNED_SHA256 = "16714305913b90c58764fed1f9aa395d2acf2fe5f294e19956e60584a694e484"


def test_file_is_the_reviewed_version() -> None:
    assert hashlib.sha256(CSV.read_bytes()).hexdigest() == PINNED_SHA256


def test_provenance_names_the_standard() -> None:
    assert CSV.read_text(encoding="utf-8").startswith("# source: HJ 212-2017")


def test_row_count() -> None:
    """B.1 63 + B.2 121 + B.3 12 + B.5 90 + B.7 55 + B.10 38 rows, as printed."""
    counts = Counter(row.table for row in load_codes().rows)
    assert counts == {"B.1": 63, "B.2": 121, "B.3": 12, "B.5": 90, "B.7": 55, "B.10": 38}


def test_codes_unique_but_for_the_standards_two_misprints() -> None:
    """B.5 prints e701xx twice and B.7 prints g119xx twice; nothing else repeats."""
    counts = Counter(row.code for row in load_codes().rows)
    assert sorted(code for code, n in counts.items() if n > 1) == ["e701xx", "g119xx"]


def test_old_codes_unique() -> None:
    olds = [row.old_code for row in load_codes().rows if row.old_code]
    assert len(olds) == len(set(olds)) == 93


@pytest.mark.parametrize(
    ("code", "name", "old", "unit"),
    [
        ("w01018", "化学需氧量", "011", "毫克/升"),  # Table B.1
        ("w21003", "氨氮", "060", "毫克/升"),  # Table B.1
        ("w00000", "污水", "B01", "升/秒"),  # Table B.1
        ("a21002", "氮氧化物", "03", "毫克/立方米"),  # Table B.2
        ("a19001", "氧气含量", "S01", "%"),  # Table B.2
        ("a24088", "非甲烷总烃", None, "毫克/立方米"),  # Table B.2
    ],
)
def test_rows_checked_against_print(code: str, name: str, old: str | None, unit: str) -> None:
    row = load_codes().get(code)
    assert row is not None
    assert (row.name_zh, row.old_code, row.unit) == (name, old, unit)


def test_pattern_rows_match_equipment_numbers() -> None:
    """B.5 note: xx is the equipment number, so e10101 is 进水口流量 and i33312 炉膛内上部焚烧温度."""
    assert load_codes().get("e10101").name_zh == "进水口流量"
    assert load_codes().get("i33312").name_zh == "炉膛内上部焚烧温度"


def test_old_code_maps_to_2017_code() -> None:
    """原编码 column: COD 011 → w01018, SO2 02 → a21026, flue-gas flow B02 → a00000."""
    codes = load_codes()
    assert (codes.from_old("011"), codes.from_old("02"), codes.from_old("B02")) == ("w01018", "a21026", "a00000")


def test_loadable_through_the_shared_loader() -> None:
    assert len(load_table("HJ 212-2017 Appendix B").rows) == 379

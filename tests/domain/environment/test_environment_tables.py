"""The environmental reference tables: row counts, unique codes, spot checks, pinned content."""

from __future__ import annotations

import hashlib
import itertools
from decimal import Decimal
from importlib import resources

import pytest

from ecer.domain.environment.reference import (
    aqi_categories,
    iaqi_breakpoints,
    read_rows,
    secondary_limits,
    water_limits,
)

D = Decimal

PINNED = {
    "hj633_2012_iaqi.csv": "ca8932e5ae0baaec26625b62bb4fbeaef238855fcc181597e523413f0b618b68",
    "hj633_2012_aqi_categories.csv": "a9b74ef5f87a400ba783a2979cacab42d684514d2f600dc53e984fb38661db08",
    "gb3838_2002_limits.csv": "bb810ce3715b3f419bc4d60437d7eacb2a85c0999a76b95e0d67244e9c35d6ec",
    "gb3095_2012_secondary_limits.csv": "6155f2395d6dc640782c93ed734fb727b0cffdc9722df6f9ecd18da0aebe6b51",
}


@pytest.mark.parametrize(("name", "digest"), PINNED.items())
def test_file_content_is_pinned(name: str, digest: str) -> None:
    """Any change to a reference table shows up here and in review."""
    data = resources.files("ecer.data").joinpath(name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest


@pytest.mark.parametrize("name", PINNED)
def test_file_names_its_source_and_clause(name: str) -> None:
    text = resources.files("ecer.data").joinpath(name).read_text(encoding="utf-8")
    assert text.startswith("# source: ")
    assert all(row["clause"] for row in read_rows(name))
    assert all(row["needs_check"] in ("true", "false") for row in read_rows(name))


def test_iaqi_table_rows() -> None:
    """HJ 633-2012 表1: ten rows; SO2 1h and O3 8h stop early (注2, 注3)."""
    table = iaqi_breakpoints()
    assert len(table) == 10
    assert table["PM2_5_24h"].points[2] == (D("75"), 100)
    assert table["CO_24h"].points[1] == (D("2"), 50)
    assert table["SO2_1h"].points[-1] == (D("800"), 200)
    assert table["SO2_1h"].beyond_last == "SO2_24h"
    assert table["O3_8h"].points[-1] == (D("800"), 300)
    assert table["O3_8h"].beyond_last == "O3_1h"


def test_iaqi_limits_increase() -> None:
    for row in iaqi_breakpoints().values():
        concentrations = [c for c, _ in row.points]
        assert concentrations == sorted(set(concentrations))


def test_categories() -> None:
    """HJ 633-2012 表2: six levels covering 0–∞ without gaps."""
    cats = aqi_categories()
    assert [c.level for c in cats] == [1, 2, 3, 4, 5, 6]
    assert [c.name_zh for c in cats] == ["优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"]
    assert all(a.aqi_high is not None and a.aqi_high + 1 == b.aqi_low for a, b in itertools.pairwise(cats))
    assert cats[-1].aqi_high is None
    assert cats[0].rgb == (0, 228, 0)


def test_water_limits() -> None:
    """GB 3838-2002 表1 items 2–24 with TP twice (river, lake): 24 rows, (code, kind) unique."""
    rows = water_limits()
    assert len(rows) == 24
    assert len({(r.code, r.applies_to) for r in rows}) == 24
    by_code = {(r.code, r.applies_to): r for r in rows}
    assert by_code[("COD", "all")].limits == (D("15"), D("15"), D("20"), D("30"), D("40"))
    assert by_code[("TP", "lake")].limits[1] == D("0.025")
    assert by_code[("Hg", "all")].limits[2] == D("0.0001")
    assert by_code[("DO", "all")].direction == "min"
    assert not by_code[("TN", "lake")].counted
    assert not by_code[("coliform", "all")].counted
    assert sum(r.counted for r in rows) == 22  # 21 counted items, TP listed twice


def test_secondary_limits() -> None:
    """GB 3095-2012 表1 二级: the six divisors of the comprehensive index."""
    assert secondary_limits() == {
        "SO2": D("60"), "NO2": D("40"), "PM10": D("70"), "PM2_5": D("35"), "CO": D("4"), "O3": D("160"),
    }

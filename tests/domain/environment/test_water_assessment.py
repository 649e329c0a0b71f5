"""Sections against their target class and the shares by region (GB 3838-2002, 地表水环境质量评价办法)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecer.domain.environment.water_assessment import class_worse_than, evaluate_section, shares
from ecer.domain.errors import EcerError

D = Decimal


def test_period_class_is_the_class_of_the_means() -> None:
    """NH3N 0.9 and 1.3 → mean 1.1 mg/L: above III (1.0), within IV (1.5) → IV, though 0.9 alone is III."""
    result = evaluate_section("S1", "龙潭区", "river", "III", [{"NH3N": D("0.9")}, {"NH3N": D("1.3")}])
    assert (result.water_class, result.meets_target) == ("IV", False)


def test_class_at_the_target_meets_it() -> None:
    """COD 20 mg/L is III (表1 III ≤ 20): meets a III target."""
    assert evaluate_section("S1", "船营区", "river", "III", [{"COD": D(20)}]).meets_target is True


def test_lake_total_phosphorus() -> None:
    """TP 0.03 mg/L: II in a river (≤ 0.1), III in a lake or reservoir (II ≤ 0.025, III ≤ 0.05)."""
    assert evaluate_section("S1", "丰满区", "river", "II", [{"TP": D("0.03")}]).water_class == "II"
    assert evaluate_section("S1", "丰满区", "lake", "II", [{"TP": D("0.03")}]).water_class == "III"


def test_section_without_samples_is_not_evaluated() -> None:
    result = evaluate_section("S1", "船营区", "river", "III", [])
    assert (result.water_class, result.meets_target) == (None, None)


def test_worse_than_v_is_worse_than_v() -> None:
    assert class_worse_than("劣V", "V") and not class_worse_than("II", "III")
    with pytest.raises(EcerError):
        class_worse_than("VI", "III")


def test_shares() -> None:
    """5 sections: I, III, IV, 劣V and one without data → 4 evaluated, 2 at I–III (0.5), 1 at 劣V (0.25)."""
    results = [
        evaluate_section("A", "R", "river", "III", [{"COD": D(15)}]),       # I? COD 15 is I
        evaluate_section("B", "R", "river", "III", [{"NH3N": D("0.8")}]),   # III
        evaluate_section("C", "R", "river", "III", [{"NH3N": D("1.2")}]),   # IV
        evaluate_section("D", "R", "river", "IV", [{"NH3N": D("2.5")}]),    # 劣V
        evaluate_section("E", "R", "river", "III", []),
    ]
    summary = shares(results, "R")
    assert (summary.sections, summary.evaluated) == (5, 4)
    assert (summary.good_share, summary.worse_than_v_share) == (D("0.5"), D("0.25"))
    assert summary.target_share == D("0.5")

"""Paths from five-year targets: hand-worked figures from issue 2 §3."""

from decimal import Decimal as D

import pytest

from ecer.domain.energy.targets import AccountingRules, path_annual_rate, rate_still_needed, required_progress

RULES = AccountingRules(base_year=2020, target_year=2025)


def test_annual_rate_for_14_5_percent():
    """1 − (1 − 0.145)^(1/5) = 0.030845…, i.e. 3.085 %/year."""
    assert round(path_annual_rate(D("0.145"), RULES), 5) == D("0.03085")


@pytest.mark.parametrize(("year", "expected"), [(2021, "0.0308"), (2022, "0.0607"), (2023, "0.0897"),
                                                 (2024, "0.1178")])
def test_geometric_progress(year, expected):
    """1 − 0.855^((t − 2020)/5): 3.08 / 6.07 / 8.97 / 11.78 % for 2021–24."""
    assert round(required_progress(D("0.145"), year, RULES), 4) == D(expected)


def test_progress_is_the_target_in_the_target_year_and_zero_in_the_base_year():
    assert required_progress(D("0.145"), 2025, RULES) == D("0.145")
    assert required_progress(D("0.145"), 2020, RULES) == 0


def test_linear_progress():
    """0.145 × 2/5 = 0.058."""
    rules = AccountingRules(2020, 2025, progress_path="linear")
    assert required_progress(D("0.145"), 2022, rules) == D("0.058")


def test_annual_targets_chain():
    """Given 3 % for 2021 and 3.5 % for 2022: 1 − 0.97 × 0.965 = 0.06395."""
    annual = {2021: D("0.03"), 2022: D("0.035")}
    assert required_progress(D("0.145"), 2022, RULES, annual) == D("0.06395")
    # 2023 has none: the path's annual rate fills in
    expected = 1 - D("0.97") * D("0.965") * (1 - path_annual_rate(D("0.145"), RULES))
    assert required_progress(D("0.145"), 2023, RULES, annual) == expected


def test_rate_still_needed():
    """R = 10 % after 2024: 1 − 0.855/0.9 = 0.05 in the one year left."""
    assert rate_still_needed(D("0.145"), D("0.10"), 2024, RULES) == D("0.05")


def test_rate_still_needed_floored_at_zero_and_none_in_target_year():
    assert rate_still_needed(D("0.145"), D("0.20"), 2023, RULES) == 0
    assert rate_still_needed(D("0.145"), D("0.10"), 2025, RULES) is None

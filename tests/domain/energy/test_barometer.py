"""Barometer rule sets at their boundaries."""

from decimal import Decimal as D

import pytest

from ecer.domain.warning.barometer import level_for_rule

REQ = D("0.10")
YEAR = D("0.03")


@pytest.mark.parametrize(("change", "expected"), [(D("0.001"), "red"), (D(0), "yellow"), (D("-0.0299"), "yellow"),
                                                  (D("-0.03"), "green"), (D("-0.05"), "green")])
def test_ndrc_2021h1(change, expected):
    assert level_for_rule("ndrc-2021h1", change, None, REQ, YEAR) == expected


@pytest.mark.parametrize(("change", "cumulative", "expected"), [(D("0.01"), D("0.2"), "red"),
                                                                (D("-0.01"), D("0.099"), "yellow"),
                                                                (D("-0.01"), D("0.10"), "green")])
def test_cumulative_path(change, cumulative, expected):
    assert level_for_rule("cumulative-path", change, cumulative, REQ, YEAR) == expected


@pytest.mark.parametrize(("cumulative", "expected"), [(D("0.0899"), "red"), (D("0.09"), "yellow"),
                                                      (D("0.0999"), "yellow"), (D("0.10"), "green")])
def test_ndrc_2021q1(cumulative, expected):
    """Red when short by more than 10 % of the requirement (0.09 is exactly 10 % short: yellow)."""
    assert level_for_rule("ndrc-2021q1", D("-0.01"), cumulative, REQ, YEAR) == expected


def test_missing_input_gives_no_level_and_unknown_rule_fails():
    assert level_for_rule("ndrc-2021h1", None, None, REQ, YEAR) is None
    with pytest.raises(ValueError, match="ndrc-2021h1"):
        level_for_rule("nope", D(0), D(0), REQ, YEAR)

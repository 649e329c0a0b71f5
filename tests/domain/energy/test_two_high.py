"""Two-high flags, handling classes and the effect on a region's room."""

from decimal import Decimal

import pytest

from ecer.domain.energy.benchmarks import EfficiencyClass
from ecer.domain.energy.two_high import (
    Replacement,
    Status,
    flags,
    handling,
    parse_replacement,
    parse_status,
    room_effect,
)
from ecer.domain.errors import EcerError


@pytest.mark.parametrize(("tce", "over10k", "over50k"), [
    ("9999.9", False, False), ("10000", True, False), ("49999", True, False), ("50000", True, True),
])
def test_flags(tce, over10k, over50k):
    """吉林市方案 五(三): 年综合能耗1万吨标准煤及以上; and the 5万 threshold."""
    f = flags(Decimal(tce))
    assert (f.over_10k_tce, f.over_50k_tce) == (over10k, over50k)


@pytest.mark.parametrize(("status", "efficiency", "code"), [
    (Status.EXISTING, EfficiencyClass.BENCHMARK, "keep"),
    (Status.EXISTING, EfficiencyClass.BETWEEN, "guide"),
    (Status.EXISTING, EfficiencyClass.BELOW_BASELINE, "upgrade_or_exit"),
    (Status.UNDER_CONSTRUCTION, EfficiencyClass.BENCHMARK, "build_to_benchmark"),
    (Status.UNDER_CONSTRUCTION, EfficiencyClass.BETWEEN, "rectify_build"),
    (Status.PLANNED, EfficiencyClass.BENCHMARK, "assess"),
    (Status.PLANNED, EfficiencyClass.BELOW_BASELINE, "reject"),
    (Status.PLANNED, None, "unknown"),
])
def test_handling(status, efficiency, code):
    assert handling(status, efficiency).code == code


def test_room_effect_of_a_planned_project():
    """20 000 tce of 80 000 tce room: 25 %, 60 000 left."""
    effect = room_effect(Decimal(20000), Status.PLANNED, Decimal(80000))
    assert (effect.share_of_room, effect.room_after_tce, effect.exceeds_room) == (
        Decimal("0.25"), Decimal(60000), False)


def test_existing_projects_claim_nothing_and_no_room_is_unknown():
    assert room_effect(Decimal(20000), Status.EXISTING, Decimal(1000)).project_tce == 0
    unknown = room_effect(Decimal(20000), Status.PLANNED, None)
    assert unknown.share_of_room is None and unknown.exceeds_room is None
    assert room_effect(Decimal(20000), Status.UNDER_CONSTRUCTION, Decimal(10000)).exceeds_room is True


def test_parsers():
    assert parse_status("在建") is Status.UNDER_CONSTRUCTION
    assert parse_replacement(None) is Replacement.NONE and parse_replacement("减量替代") is Replacement.REDUCED
    with pytest.raises(EcerError):
        parse_status("停建")
    with pytest.raises(EcerError):
        parse_replacement("替代")

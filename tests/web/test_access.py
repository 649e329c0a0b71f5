"""The role and scope rules themselves (ecer.web.access), one role at a time."""

from __future__ import annotations

import pytest

from ecer.web.access import ROLES, Principal

CITY = "吉林市"


def who(role: str, region: str | None = None, unit: int | None = None) -> Principal:
    return Principal(1, "u", "U", role, region, unit)


@pytest.mark.parametrize("role", ["admin", "city", "readonly"])
def test_city_wide_roles_read_every_region(role):
    assert who(role).can_read_region("舒兰市", CITY) and who(role).can_read_region(CITY, CITY)


def test_district_reads_its_region_and_the_city_summary_only():
    yongji = who("district", "永吉县")
    assert yongji.can_read_region("永吉县", CITY) and yongji.can_read_region(CITY, CITY)
    assert not yongji.can_read_region("舒兰市", CITY)
    assert yongji.readable(["吉林市", "永吉县", "舒兰市"], CITY) == ["吉林市", "永吉县"]


def test_who_may_submit_and_review():
    assert who("district", "永吉县").can_submit_for("永吉县") and not who("district", "永吉县").can_submit_for("舒兰市")
    assert who("city").can_submit_for("舒兰市") and not who("readonly").can_submit_for("舒兰市")
    assert [r for r in ROLES if who(r, "永吉县", 7).can_review] == ["admin", "city"]


def test_enterprise_reads_only_its_own_unit_and_no_region():
    plant = who("enterprise", unit=7)
    assert plant.can_read_unit(7) and not plant.can_read_unit(8)
    assert not plant.can_read_region(CITY, CITY) and not plant.can_submit


def test_read_only_token_principals_read_their_scope_and_change_nothing():
    """Region and city API tokens act as district and read-only users with every change refused."""
    region = Principal(0, "token:1", "区县系统", "district", "永吉县", via="token", read_only=True)
    city = Principal(0, "token:2", "省平台", "readonly", via="token", read_only=True)
    assert region.can_read_region("永吉县", CITY) and not region.can_read_region("舒兰市", CITY)
    assert not region.can_submit and not region.can_submit_for("永吉县")
    assert city.can_read_region("舒兰市", CITY) and city.can_read_unit(8)
    assert not city.can_submit and not city.can_review
    assert Principal(0, "token:3", "网关", "enterprise", unit_id=7, via="token").can_read_unit(7)

"""Roles and scopes (web issue §3), as plain rules the API, the pages and the tests share.

=========  ==========  ====================================================================
role       中文        may
=========  ==========  ====================================================================
admin      系统管理员  everything, including users and the audit log
city       市级用户    read every region; submit for any region; review (approve, return)
district   区县用户    read its own region and the city summary; submit for its own region
enterprise 企业用户    read the plan; its own unit's data (unit id on the user; units: issue 4)
readonly   只读        read every region; change nothing
=========  ==========  ====================================================================

API tokens of machine clients act as one of these (``TOKEN_SCOPES``): a unit token as the enterprise
user of its unit, a region token as a read-only district user, a city token as a read-only user.
Nothing here touches HTTP or the database, so a rule is tested once and holds everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: dict[str, str] = {
    "admin": "系统管理员",
    "city": "市级用户",
    "district": "区县用户",
    "enterprise": "企业用户",
    "readonly": "只读",
}
READ_ALL = frozenset({"admin", "city", "readonly"})
REVIEWERS = frozenset({"admin", "city"})
TOKEN_SCOPES: dict[str, str] = {
    "unit": "单位（企业采集网关）",
    "region": "地区只读（区县系统）",
    "city": "全市只读（其他政府系统）",
}


@dataclass(frozen=True)
class Principal:
    """Who is asking: a logged-in user (or, with issue 4, an API token acting for one)."""

    user_id: int
    username: str
    display_name: str
    role: str
    region: str | None = None
    unit_id: int | None = None
    via: str = "session"  # session | token
    read_only: bool = False  # region and city tokens: every change is refused

    @property
    def role_zh(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def reads_all_regions(self) -> bool:
        return self.role in READ_ALL

    @property
    def can_review(self) -> bool:
        return self.role in REVIEWERS and not self.read_only

    def can_read_region(self, region: str, city: str) -> bool:
        """District users read their own region and the city summary; enterprise users no region."""
        if self.reads_all_regions:
            return True
        if self.role == "district":
            return region in (self.region, city)
        return False

    def can_submit_for(self, region: str) -> bool:
        if self.read_only:
            return False
        if self.role in ("admin", "city"):
            return True
        return self.role == "district" and region == self.region

    def can_read_unit(self, unit_id: int) -> bool:
        """Key energy-using units (issue 4): enterprise users only their own."""
        if self.reads_all_regions:
            return True
        return self.role == "enterprise" and unit_id == self.unit_id

    def readable(self, regions: list[str], city: str) -> list[str]:
        return [r for r in regions if self.can_read_region(r, city)]

    @property
    def can_submit(self) -> bool:
        return self.role in ("admin", "city", "district") and not self.read_only

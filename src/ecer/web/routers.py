"""Modules whose ``router`` the application mounts; a capability adds one line here.

Every router requires a logged-in user unless its module sets ``PUBLIC = True`` (see ecer.web.app).
"""

from __future__ import annotations

ROUTERS: list[str] = [
    "ecer.web.api.meta",  # /api/v1/health (public)
    "ecer.web.api.account",  # /api/v1/me, /api/v1/users, /api/v1/audit
    "ecer.web.api.plan",  # /api/v1/plan, /api/v1/regions, /api/v1/indicators
    "ecer.web.api.statistics",  # /api/v1/statistics: revisions, check, upload, review, template
    "ecer.web.api.progress",  # /api/v1/progress: the dual-control barometer
    "ecer.web.pages.login",  # /login, /logout (public)
    "ecer.web.pages.dashboard",  # / 总览, /regions/{name} 地区, /indicators 指标
    "ecer.web.pages.submissions",  # /submissions 数据报送
    "ecer.web.pages.admin",  # /admin 系统管理
    "ecer.web.pages.placeholders",  # 重点用能单位, 在线监测, 重点工程 (coming)
    "ecer.web.api.energy_meters",  # /api/v1/energy: gateway uploads of key units (bearer token per unit)
    "ecer.web.api.monitoring",  # /api/v1/monitoring: sources, readings, alarms (+ acknowledge/close)
    "ecer.web.api.pollution",  # /api/v1/emissions (projects, progress), /api/v1/environment (air, water)
    "ecer.web.pages.pollution",  # /monitoring 在线监测, /projects 重点工程, /environment 环境质量
    "ecer.web.api.key_units",  # /api/v1/units, /api/v1/twohigh, /api/v1/budgets
    "ecer.web.pages.key_units",  # /units 重点用能单位, /twohigh “两高”项目
    "ecer.web.api.assessment",  # /api/v1/assessment: results, a region's items, self/review/appeal/decide/publish
    "ecer.web.pages.assessment",  # /assessment 考核评价, /assessment/{region}
    "ecer.web.pages.reports",  # /reports/situation, /reports/assessment: the official documents (.docx/.pdf/.xlsx)
]

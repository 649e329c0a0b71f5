"""“Two-high” projects (高耗能、高排放项目): flags, handling class and the effect on a region's room.

吉林市方案 五(三): 清单管理、分类处置、动态监管; 在建项目对照能效标杆水平建设实施; 拟建项目分析评估
对本地能耗强度的影响; 对年综合能耗1万吨标准煤及以上的“两高”项目加强工作指导. The handling classes
follow 发改产业〔2021〕1609号 (能效低于基准水平的存量项目限期分批改造升级和淘汰; 介于标杆和基准之间的
引导改造; 在建、拟建项目对照标杆水平).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ecer.domain.energy.benchmarks import EfficiencyClass
from ecer.domain.errors import EcerError

GUIDANCE_THRESHOLD_TCE = Decimal(10000)  # 吉林市方案 五(三): 年综合能耗1万吨标准煤及以上
LARGE_THRESHOLD_TCE = Decimal(50000)  # 5万吨标准煤及以上: the threshold of provincial/national energy review


class Status(StrEnum):
    EXISTING = "存量"
    UNDER_CONSTRUCTION = "在建"
    PLANNED = "拟建"


class Replacement(StrEnum):
    REDUCED = "减量替代"
    EQUAL = "等量替代"
    NONE = "无"


def parse_status(text: str) -> Status:
    try:
        return Status(str(text).strip())
    except ValueError:
        raise EcerError("TWOHIGH_BAD_STATUS", f"{text!r}", field="status", value=text) from None


def parse_replacement(text: str | None) -> Replacement:
    if text is None or not str(text).strip():
        return Replacement.NONE
    try:
        return Replacement(str(text).strip())
    except ValueError:
        raise EcerError("TWOHIGH_BAD_REPLACEMENT", f"{text!r}", field="coal_replacement", value=text) from None


@dataclass(frozen=True)
class Flags:
    over_10k_tce: bool
    over_50k_tce: bool


def flags(annual_energy_primary_tce: Decimal) -> Flags:
    """The ≥ 10 000 tce (plan guidance) and ≥ 50 000 tce flags on the project's 等价值 energy.

    Examples
    --------
    >>> flags(Decimal(10000))
    Flags(over_10k_tce=True, over_50k_tce=False)
    """
    return Flags(annual_energy_primary_tce >= GUIDANCE_THRESHOLD_TCE,
                 annual_energy_primary_tce >= LARGE_THRESHOLD_TCE)


@dataclass(frozen=True)
class Handling:
    code: str
    label_zh: str
    actions_zh: str


HANDLING = {
    "keep": Handling("keep", "保持", "已达标杆水平：保持并纳入动态监管"),
    "guide": Handling("guide", "引导改造", "介于标杆与基准之间：引导实施节能降碳改造，力争达到标杆水平"),
    "upgrade_or_exit": Handling("upgrade_or_exit", "限期改造或淘汰",
                                "低于基准水平：制定改造升级和淘汰计划，限期分批实施"),
    "build_to_benchmark": Handling("build_to_benchmark", "对照标杆建设",
                                   "在建项目：对照能效标杆水平建设实施"),
    "rectify_build": Handling("rectify_build", "整改后建设",
                              "在建项目能效未达标杆：按标杆水平整改设计，整改前暂停"),
    "assess": Handling("assess", "评估论证", "拟建项目：评估对本地能耗强度、碳排放、产业和环境质量的影响"),
    "reject": Handling("reject", "不予准入", "拟建项目能效未达标杆水平：不符合要求，坚决拿下"),
    "unknown": Handling("unknown", "待评估", "缺少能效数据：补充单位产品能耗后分类"),
}


def handling(status: Status, efficiency: EfficiencyClass | None) -> Handling:
    """The handling class (分类处置) from the project's status and efficiency class."""
    if efficiency is None:
        return HANDLING["unknown"]
    at = efficiency is EfficiencyClass.BENCHMARK
    if status is Status.EXISTING:
        return HANDLING[{EfficiencyClass.BENCHMARK: "keep", EfficiencyClass.BETWEEN: "guide",
                         EfficiencyClass.BELOW_BASELINE: "upgrade_or_exit"}[efficiency]]
    if status is Status.UNDER_CONSTRUCTION:
        return HANDLING["build_to_benchmark" if at else "rectify_build"]
    return HANDLING["assess" if at else "reject"]


@dataclass(frozen=True)
class RoomEffect:
    """A project's claim on its region's room for the year. [tce]"""

    room_before_tce: Decimal | None
    project_tce: Decimal
    room_after_tce: Decimal | None
    share_of_room: Decimal | None
    exceeds_room: bool | None


def room_effect(project_primary_tce: Decimal, status: Status, room_tce: Decimal | None) -> RoomEffect:
    """Effect of a new project (在建, 拟建) on the region's remaining room; an existing one adds nothing.

    Existing projects are already inside the region's consumption, so their claim is 0.

    Examples
    --------
    >>> room_effect(Decimal(20000), Status.PLANNED, Decimal(80000)).share_of_room
    Decimal('0.25')
    """
    claim = Decimal(0) if status is Status.EXISTING else project_primary_tce
    if room_tce is None:
        return RoomEffect(None, claim, None, None, None)
    share = claim / room_tce if room_tce > 0 else None
    return RoomEffect(room_tce, claim, room_tce - claim, share, claim > room_tce)

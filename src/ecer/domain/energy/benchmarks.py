"""Energy-efficiency benchmark and baseline levels (能效标杆水平、基准水平) and the capacity share at benchmark.

The levels live in ``ecer/data/energy_efficiency_levels.csv`` (2021 and 2023 editions). Lower is
better, and some values are negative (a converter recovers more energy than it uses):

- at benchmark when the unit consumption ≤ the benchmark;
- below baseline (未达基准) when it is > the baseline;
- between otherwise.

The plan's indicator (吉林市方案 三(一)): "重点行业产能和数据中心达到能效标杆水平的比例超过30%".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ecer.data import load_table
from ecer.domain.errors import EcerError

TABLE = "energy-efficiency-levels"
DEFAULT_EDITION = 2023
SHARE_TARGET = Decimal("0.30")  # 吉林市方案 三(一): 达到能效标杆水平的比例超过30%
NEW_LARGE_DATA_CENTRE_PUE = Decimal("1.3")  # 吉林市方案 三(一): 新建大型和超大型数据中心 PUE 不高于1.3


class EfficiencyClass(StrEnum):
    BENCHMARK = "benchmark"  # ≤ 标杆
    BETWEEN = "between"  # 标杆 < x ≤ 基准
    BELOW_BASELINE = "below_baseline"  # > 基准

    @property
    def label_zh(self) -> str:
        return {"benchmark": "达到标杆水平", "between": "介于标杆与基准之间", "below_baseline": "未达到基准水平"}[
            self.value]


@dataclass(frozen=True)
class Level:
    """One row of the levels table."""

    code: str
    edition: int
    product: str
    industry_code: str
    industry_zh: str
    product_zh: str
    scope_zh: str
    benchmark: Decimal
    baseline: Decimal
    value_unit: str
    electricity_basis: str
    limit_value: Decimal | None
    limit_standard: str
    source: str
    needs_check: bool


def _level(row: Mapping[str, object]) -> Level:
    return Level(**{k: row[k] for k in Level.__dataclass_fields__})  # type: ignore[arg-type]


def levels(edition: int = DEFAULT_EDITION) -> list[Level]:
    """Every level of one edition, in file order."""
    rows = [_level(r) for r in load_table(TABLE).rows if r["edition"] == edition]
    if not rows:
        editions = sorted({int(r["edition"]) for r in load_table(TABLE).rows})  # type: ignore[call-overload]
        raise EcerError("LEVEL_EDITION_UNKNOWN", f"{edition}；可用：{editions}", field="edition", value=edition)
    return rows


def level(product: str, edition: int = DEFAULT_EDITION) -> Level:
    """The level of ``product`` (the table's ``product`` column, e.g. ``blast_furnace``)."""
    for row in levels(edition):
        if row.product == product:
            return row
    known = "、".join(f"{r.product}（{r.product_zh} {r.scope_zh}）" for r in levels(edition))
    raise EcerError("PRODUCT_UNKNOWN", f"{product!r}；可用：{known}", field="product", value=product)


def classify(value: Decimal, benchmark: Decimal, baseline: Decimal) -> EfficiencyClass:
    """Class of a unit consumption against the levels; lower is better.

    Examples
    --------
    >>> classify(Decimal("-31"), Decimal("-30"), Decimal("-10"))
    <EfficiencyClass.BENCHMARK: 'benchmark'>
    >>> classify(Decimal("436"), Decimal("361"), Decimal("435"))
    <EfficiencyClass.BELOW_BASELINE: 'below_baseline'>
    """
    if value <= benchmark:
        return EfficiencyClass.BENCHMARK
    if value > baseline:
        return EfficiencyClass.BELOW_BASELINE
    return EfficiencyClass.BETWEEN


def over_limit(value: Decimal, lvl: Level) -> bool | None:
    """Whether the value exceeds the mandatory limit (能耗限额); None where no limit is recorded."""
    return None if lvl.limit_value is None else value > lvl.limit_value


@dataclass(frozen=True)
class CapacityItem:
    """A product line's capacity and its class (None: no figure yet)."""

    industry_code: str
    region: str
    capacity: Decimal
    efficiency: EfficiencyClass | None


@dataclass(frozen=True)
class CapacityShare:
    industry_code: str
    region: str
    capacity_total: Decimal
    capacity_at_benchmark: Decimal
    capacity_unclassified: Decimal
    share_at_benchmark: Decimal | None
    meets_target: bool | None


def share_at_benchmark(items: Iterable[CapacityItem]) -> list[CapacityShare]:
    """Share of capacity at the benchmark level per industry and region (the plan's "> 30 %").

    Capacity without a classified figure stays in the denominator (it is not shown to be at the
    benchmark) and is reported as ``capacity_unclassified``. Capacities are summed within one
    industry, which uses one capacity unit.

    Examples
    --------
    >>> rows = [CapacityItem("C3011", "龙潭区", Decimal(300), EfficiencyClass.BENCHMARK),
    ...         CapacityItem("C3011", "龙潭区", Decimal(700), EfficiencyClass.BETWEEN)]
    >>> share_at_benchmark(rows)[0].share_at_benchmark
    Decimal('0.3')
    """
    groups: dict[tuple[str, str], list[CapacityItem]] = {}
    for item in items:
        groups.setdefault((item.industry_code, item.region), []).append(item)
    result = []
    for (industry, region), group in sorted(groups.items()):
        total = sum((i.capacity for i in group), Decimal(0))
        at = sum((i.capacity for i in group if i.efficiency is EfficiencyClass.BENCHMARK), Decimal(0))
        unclassified = sum((i.capacity for i in group if i.efficiency is None), Decimal(0))
        share = at / total if total else None
        result.append(CapacityShare(industry, region, total, at, unclassified, share,
                                    None if share is None else share > SHARE_TARGET))
    return result


def data_centre_pue_ok(pue_value: Decimal, *, new_large: bool) -> bool | None:
    """Whether a new large or very large data centre meets PUE ≤ 1.3; None for other data centres."""
    return pue_value <= NEW_LARGE_DATA_CENTRE_PUE if new_large else None

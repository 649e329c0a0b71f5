"""A synthetic statistics dataset for every Annex 1 region, base year to 2024, yearly and year-to-date.

Magnitudes are plausible for Jilin City (GDP about 1 450 亿元 and energy about 1 700 万tce in 2020)
but every figure is invented: the workbook says so in its name and its instructions sheet, and the
import batch is recorded with the channel ``demo``. The 2024 year-on-year changes are chosen so that
every barometer level (red, yellow, green) appears.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ecer.importers.statistics import COLUMNS
from ecer.importers.templates import write_template

LAST_YEAR = 2024
# region → (2020 GDP 亿元, 2020 energy 万tce, feedstock share, scenario for the last year)
# scenario: the last year's intensity change vs the previous year
PROFILES: dict[str, tuple[str, str, str, str]] = {
    "吉林市": ("1452.6", "1712.0", "0.08", "-0.036"),
    "永吉县": ("96.3", "78.5", "0", "-0.041"),
    "舒兰市": ("88.1", "61.2", "0", "-0.012"),
    "磐石市": ("132.4", "140.7", "0", "0.018"),
    "蛟河市": ("86.9", "70.3", "0", "-0.034"),
    "桦甸市": ("71.5", "66.8", "0", "-0.039"),
    "船营区": ("205.7", "92.4", "0", "-0.045"),
    "昌邑区": ("231.2", "118.6", "0", "-0.021"),
    "龙潭区": ("178.4", "682.5", "0.20", "0.009"),
    "丰满区": ("97.6", "45.1", "0", "-0.033"),
    "高新区": ("121.3", "98.2", "0", "-0.052"),
    "经开区": ("84.2", "203.6", "0.05", "-0.029"),
    "中新食品区": ("12.8", "6.9", "0", "-0.038"),
    "冰雪试验区": ("4.6", "2.1", "0", "-0.047"),
}
YTD_SHARE = {"一季度": Decimal("0.29"), "上半年": Decimal("0.50"), "前三季度": Decimal("0.71")}
GDP_YTD_SHARE = {"一季度": Decimal("0.21"), "上半年": Decimal("0.46"), "前三季度": Decimal("0.72")}
TWO = Decimal("0.01")


def _q(value: Decimal, step: Decimal = TWO) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def demo_rows(regions: list[str], base_year: int, last_year: int = LAST_YEAR, seed: int = 20211) -> list[list[Any]]:
    """Rows in the statistics workbook's column order (see ``ecer.importers.statistics.COLUMNS``)."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    for region in regions:
        gdp0, energy0, feed_share, last_change = (Decimal(x) for x in PROFILES.get(region, ("50", "40", "0", "-0.035")))
        gdp_current = gdp0
        net_energy = energy0 * (1 - feed_share)  # E − F
        feedstock = energy0 * feed_share
        re_base = _q(energy0 / Decimal(90))
        for year in range(base_year, last_year + 1):
            if year == base_year:
                index = Decimal("102.4")
            else:
                index = _q(Decimal("104.5") + Decimal(rng.randint(-20, 20)) / 10, Decimal("0.1"))
                change = last_change if year == last_year else Decimal(rng.randint(-48, -22)) / 1000
                net_energy = net_energy * (index / 100) * (1 + change)
                feedstock = feedstock * Decimal("1.02")
                gdp_current = gdp_current * (index / 100) * Decimal("1.012")  # with a little inflation
            listed = Decimal("38.5") if region in ("吉林市", "龙潭区") and year >= last_year - 1 else Decimal(0)
            energy = net_energy + feedstock + listed
            renewables = _q(re_base * (1 + Decimal("0.11") * (year - base_year)))
            nonfossil = _q(energy * Decimal("0.105") + Decimal("0.4") * (year - base_year))
            for period in ("一季度", "上半年", "前三季度", "全年"):
                if period == "全年":
                    e_share, g_share, p_index = Decimal(1), Decimal(1), index
                else:
                    noise = Decimal(rng.randint(-6, 6)) / 1000
                    e_share, g_share = YTD_SHARE[period] * (1 + noise), GDP_YTD_SHARE[period]
                    p_index = _q(index + Decimal(rng.randint(-8, 8)) / 10, Decimal("0.1"))
                is_year = period == "全年"
                rows.append([
                    region, year, period, _q(gdp_current * g_share), p_index, _q(energy * e_share),
                    _q(energy * e_share * Decimal("0.52")),
                    nonfossil if is_year else None,
                    renewables if is_year else None,
                    _q(feedstock * e_share), _q(listed * e_share),
                    "最终核实" if year < last_year else "快报",
                ])
    return rows


def write_demo_workbook(path: Path, regions: list[str], base_year: int) -> Path:
    write_template(
        path, "合成演示数据（SYNTHETIC DEMO DATA）— 统计数据", "统计数据", COLUMNS,
        ["本工作簿由 ecer demo-data 确定性生成，全部数字均为合成数据，仅供演示与测试，不代表任何真实统计。"],
        examples=demo_rows(regions, base_year),
    )
    return path


def import_demo(url: str, out: Path) -> list[dict[str, Any]]:
    """Write the demo workbooks into ``out`` and import them through the normal importers."""
    from ecer.services.imports import import_statistics
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    with session_scope(url) as session:
        plan = active_plan(session)
    regions = [r.name for r in plan.annex1_regions()]
    out.mkdir(parents=True, exist_ok=True)
    workbook = write_demo_workbook(out / "合成演示_统计数据.xlsx", regions, plan.metadata.base_year)
    result = import_statistics(url, workbook, actor="demo-data", channel="demo", vintage="最终核实")
    return [result]

"""``ecer progress``: the dual-control barometer (能耗双控晴雨表) of every Annex 1 region."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json

LEVEL_ZH = {"red": "[bold red]● 红[/]", "yellow": "[bold yellow]● 黄[/]", "green": "[bold green]● 绿[/]"}


def _pct(value: Decimal | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def _met(value: bool | None) -> str:
    return "" if value is None else (" ✓" if value else " ✗")


def progress(
    year: Annotated[int, typer.Option("--year", help="年份")],
    period: Annotated[str, typer.Option("--period", help="全年、一季度、上半年、前三季度")] = "全年",
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """各地区能耗双控晴雨表（吉林市取本级统计数据，不是各地区之和）。"""
    from rich.table import Table

    from ecer.domain.energy.periods import parse_period
    from ecer.services.energy import barometer, has_demo_data
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    chosen = parse_period(period)
    with session_scope(config.database_url()) as session:
        plan = active_plan(session)
        results = barometer(session, year, chosen)
        uses_demo_data = has_demo_data(session)
    codes = {r.name: r.code for r in plan.annex1_regions()}
    if json_output:
        print_json(
            {
                "region": r.region,
                "region_code": codes.get(r.region),
                "year": r.year,
                "period": r.period.value,
                "intensity_change": r.intensity_change,
                "cumulative_reduction": r.cumulative_reduction,
                "required_progress": r.required_progress,
                "gap": r.gap,
                "level": r.level,
                "basic_target": r.basic_target,
                "incentive_target": r.incentive_target,
                "basic_met": r.basic_met,
                "incentive_met": r.incentive_met,
                "required_annual_rate_remaining": r.required_annual_rate_remaining,
                "missing": r.missing,
            }
            for r in results
        )
        return
    table = Table(title=f"{plan.metadata.title} — {year}年{chosen.value} 能耗双控晴雨表", padding=(0, 1))
    for header in ("地区", "强度同比", "累计降低", "进度要求", "差距", "预警", "基本目标", "激励目标", "后续年均需降"):
        table.add_column(header, justify="left" if header in ("地区", "预警") else "right", no_wrap=True)
    for r in results:
        table.add_row(
            r.region, _pct(r.intensity_change), _pct(r.cumulative_reduction), _pct(r.required_progress),
            _pct(r.gap), LEVEL_ZH.get(r.level or "", "— 数据不全"), f"{_pct(r.basic_target, 1)}{_met(r.basic_met)}",
            f"{_pct(r.incentive_target, 1)}{_met(r.incentive_met)}", _pct(r.required_annual_rate_remaining),
        )
    out = console()
    if not out.is_terminal:
        out.width = max(out.width, 132)
    out.print(table)
    for r in results:
        if r.missing:
            out.print(f"  {r.region} 缺报：{'、'.join(r.missing)}", highlight=False)
    out.print(f"规划：{plan.metadata.title}（{plan.metadata.status}）；预警规则 {plan.metadata.barometer_rule}；"
              "强度同比为负表示下降，差距为负表示落后于进度；✓ 达到进度 ✗ 未达到。", highlight=False)
    if uses_demo_data:
        out.print("[bold magenta]注意：当前数据含合成演示数据（SYNTHETIC DEMO DATA），不代表真实统计。[/]")


def register(app: typer.Typer) -> None:
    app.command("progress")(progress)

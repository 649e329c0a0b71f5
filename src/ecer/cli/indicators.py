"""``ecer template|import indicators`` and ``ecer indicators``: the plan's indicators and their progress."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table
from ecer.cli.workbooks import import_app, template_app

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def template_indicators(out: Annotated[Path, typer.Argument(help="输出文件 .xlsx")]) -> None:
    """写出指标数值导入模板。"""
    from ecer.importers.indicators import COLUMNS
    from ecer.importers.templates import write_template

    write_template(out, "规划指标数值导入模板", "指标数值", COLUMNS, [
        "每行一个指标、一个地区、一个年份的数值；指标可填编号或中文名称（ecer plan show 列出全部指标）。",
        "百分比指标填百分数：78.5 表示 78.5%（也可写作 78.5%）。地区空白表示全市。",
        "任何一处错误都会使整个文件不被导入，并列出全部错误。"],
        examples=[["城区清洁取暖比例", None, 2024, 76.5, "市住建局"]])
    console().print(f"已写出模板 {out}")


def import_indicators(file: Annotated[Path, typer.Argument(help=".xlsx 或 .csv")], json_output: JsonOption = False) -> None:
    """导入规划指标的数值（全部检查通过才写入；命令行导入记为已审核）。"""
    from ecer.services.indicators import import_indicator_values

    result = import_indicator_values(config.database_url(), file, actor=config.current_user())
    if json_output:
        print_json([result])
    else:
        console().print(f"已导入 {file}：读取 {result['rows_read']} 行，新增 {result['rows_added']} 条")


def _show(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.2f}%" if unit == "%" else f"{value:g}"


def indicators(
    year: Annotated[int | None, typer.Option("--year", help="截至年份（默认最新）")] = None,
    json_output: JsonOption = False,
) -> None:
    """规划的每项指标：基期值、目标、最新值、进度与状态。"""
    from ecer.services.indicators import indicator_table
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        rows = indicator_table(session, year)
    if json_output:
        print_json(rows)
        return
    print_table("规划指标进展", ["指标", "目标", "基期", "最新值", "年份", "进度", "状态", "牵头部门"], [
        [r["name_zh"], _show(r["target_value"], r["unit"]), _show(r["baseline"], r["unit"]),
         _show(r["value"], r["unit"]), r["year"], "—" if r["progress"] is None else f"{r['progress'] * 100:.0f}%",
         r["status"], "、".join(r["lead_departments"])] for r in rows])


def register(app: typer.Typer) -> None:
    template_app.command("indicators")(template_indicators)
    import_app.command("indicators")(import_indicators)
    app.command("indicators")(indicators)

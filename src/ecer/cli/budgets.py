"""``ecer budget status|allocate``: yearly energy budgets of regions, units and new projects."""

from __future__ import annotations

from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table

budget_app = typer.Typer(help="用能预算管理 (energy budgets)", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def status(
    year: Annotated[int, typer.Option("--year", help="年份")],
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    json_output: JsonOption = False,
) -> None:
    """各地区、各单位预算：已用、全年预测（按自身历史的季节性）、剩余空间与预警。"""
    from ecer.services.budgets import status_rows
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        rows = status_rows(session, year, region)
    if json_output:
        print_json(rows)
        return
    print_table(f"{year} 年用能预算（吨标准煤，等价值）", ["类型", "地区", "单位/项目", "预算", "已用", "预测全年", "剩余空间",
                                                "状态"],
                [[r["scope"], r["region"], r.get("name") or r.get("project") or "", _fmt(r.get("budget_tce")),
                  _fmt(r.get("to_date_tce")), _fmt(r.get("forecast_tce")),
                  _fmt(r.get("room_tce", r.get("remaining_tce"))), r.get("level_zh")] for r in rows])


def _fmt(value: object) -> str | None:
    return None if value is None else f"{value:,.0f}"


def allocate(
    region: Annotated[str, typer.Option("--region", help="地区")],
    year: Annotated[int, typer.Option("--year", help="年份")],
    project: Annotated[str, typer.Option("--project", help="新上项目名称")],
    tce: Annotated[str, typer.Option("--tce", help="项目用能预算（吨标准煤，等价值）")],
    json_output: JsonOption = False,
) -> None:
    """从地区剩余用能空间中为新上项目安排预算；超出剩余空间则拒绝。"""
    from ecer.domain.errors import EcerError
    from ecer.importers.tabular import parse_decimal
    from ecer.services.budgets import allocate_project
    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry
    from ecer.storage.plans import active_plan

    try:
        amount = parse_decimal(tce)
    except Exception as exc:
        raise EcerError("IMPORT_NOT_A_NUMBER", tce, field="--tce") from exc
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        name = active_plan(session).region(region).name
        result = allocate_project(session, name, year, project, amount, actor)
        session.add(AuditEntry(actor=actor, action="budget.allocate", target=project,
                               detail={"region": name, "year": year, "tce": str(amount)}))
    if json_output:
        print_json([result])
    else:
        console().print(f"已为 {project} 安排 {amount} tce；{name} 剩余空间 {result['room_after_tce']} tce")


def register(app: typer.Typer) -> None:
    budget_app.command("status")(status)
    budget_app.command("allocate")(allocate)
    app.add_typer(budget_app, name="budget")

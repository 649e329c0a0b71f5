"""``ecer plan validate FILE`` and ``ecer plan schema``.

``plan_app`` is the ``ecer plan`` group; the storage commands (``plan show``, ``plan load``) are
added to it by their own module.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ecer.cli.output import console, print_json, print_table
from ecer.domain.errors import EcerError
from ecer.domain.plan.loader import builtin_plan, builtin_plan_ids, load_plan_file, plan_json_schema_text
from ecer.domain.plan.model import Plan

plan_app = typer.Typer(help="规划：校验、查看与载入 (the plan as data)", no_args_is_help=True)


def plan_summary(plan: Plan, source: str) -> dict[str, object]:
    """What ``validate`` reports for a valid plan: identity, years, choices and counts."""
    meta = plan.metadata
    return {
        "file": source,
        "valid": True,
        "plan_id": plan.id,
        "title": meta.title,
        "issuer": meta.issuer,
        "status": meta.status,
        "base_year": meta.base_year,
        "target_year": meta.target_year,
        "policy_rule_set": meta.policy_rule_set,
        "progress_path": meta.progress_path,
        "barometer_rule": meta.barometer_rule,
        "regions": len(plan.regions),
        "indicators": len(plan.indicators),
        "intensity_targets": len(plan.intensity_targets),
        "annual_intensity_targets": len(plan.annual_intensity_targets),
        "pollutant_targets": len(plan.pollutant_targets),
    }


@plan_app.command("validate")
def validate(
    file: Annotated[str, typer.Argument(help="规划 YAML 文件路径（或内置规划编号）")],
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """校验规划文件：通过时输出摘要；否则列出每一处错误（文件、行、字段、错误代码），退出码 1。"""
    try:
        if not Path(file).exists() and file in builtin_plan_ids():
            plan = builtin_plan(file)
        else:
            plan = load_plan_file(file)
    except EcerError as exc:
        _report_problems(exc, json_output)
        raise typer.Exit(exc.exit_code) from None
    summary = plan_summary(plan, file)
    if json_output:
        print_json([summary])
        return
    labels = {
        "plan_id": "规划编号",
        "title": "标题",
        "issuer": "发文机关",
        "status": "状态",
        "base_year": "基期年",
        "target_year": "目标年",
        "policy_rule_set": "政策规则",
        "progress_path": "进度路径",
        "barometer_rule": "晴雨表规则",
        "regions": "地区数",
        "indicators": "指标数",
        "intensity_targets": "能耗强度目标（附件1）行数",
        "annual_intensity_targets": "年度目标数",
        "pollutant_targets": "污染物减排目标（附件2）行数",
    }
    console().print(f"[bold green]✓ 规划文件有效[/] {file}", highlight=False)
    print_table("规划摘要", ["项目", "内容"], [(labels[k], summary[k]) for k in labels])


def _report_problems(error: EcerError, as_json: bool) -> None:
    """Every problem, with ``line`` (the YAML line) beside the shared ``row`` key."""
    if as_json:
        print_json({**p.as_dict(), "line": p.location.row} for p in error.problems)
        return
    err = console(stderr=True)
    err.print(f"[bold red]规划文件无效[/]：共 {len(error.problems)} 处错误", highlight=False)
    for p in error.problems:
        err.print(f"[bold red]{p.code}[/] {p.message}", highlight=False)


@plan_app.command("schema")
def schema() -> None:
    """输出规划文件格式的 JSON Schema。"""
    sys.stdout.write(plan_json_schema_text())


def register(app: typer.Typer) -> None:
    """Attach ``ecer plan`` to ``app``."""
    app.add_typer(plan_app, name="plan")

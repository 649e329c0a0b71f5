"""``ecer plan show`` and ``ecer plan load``: the plan as the database holds it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def show(json_output: JsonOption = False) -> None:
    """显示当前使用的规划：元数据、地区、指标与分解目标。"""
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    with session_scope(config.database_url()) as session:
        plan = active_plan(session)
    if json_output:
        print_json([plan.model_dump(mode="python")])
        return
    meta = plan.metadata
    out = console()
    out.print(f"[bold]{meta.title}[/]（{meta.status}） 编号 {plan.id}")
    out.print(f"基准年 {meta.base_year} → 目标年 {meta.target_year}；政策口径 {meta.policy_rule_set}；"
              f"进度路径 {meta.progress_path}；晴雨表规则 {meta.barometer_rule}")
    print_table("附件1 能耗强度降低目标", ["地区", "代码", "基本目标", "激励目标"],
                [[t.region, plan.region(t.region).code, f"{t.basic * 100:g}%", f"{t.incentive * 100:g}%"]
                 for t in plan.intensity_targets])
    print_table("附件2 重点工程减排量目标（吨）", ["地区", "化学需氧量", "氨氮", "氮氧化物", "挥发性有机物"],
                [[t.region, t.cod_t, t.nh3n_t, t.nox_t, t.vocs_t] for t in plan.pollutant_targets])
    print_table("规划指标", ["编号", "名称", "目标", "单位", "目标年", "牵头部门"],
                [[i.id, i.name_zh, i.target_value, i.unit, i.target_year, "、".join(i.lead_departments)]
                 for i in plan.indicators])


def load(
    file: Annotated[Path, typer.Argument(help="规划 YAML 文件")],
    replace: Annotated[bool, typer.Option("--replace", help="覆盖同编号的已载入规划")] = False,
    json_output: JsonOption = False,
) -> None:
    """载入（校验后）一个城市或省份的规划，并设为当前规划。"""
    from ecer.domain.plan.loader import load_plan_file
    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry
    from ecer.storage.plans import save_plan

    plan = load_plan_file(file)
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        save_plan(session, plan, file.read_text(encoding="utf-8-sig"), str(file), actor, replace=replace)
        session.add(AuditEntry(actor=actor, action="plan.load", target=plan.id, detail={"file": str(file)}))
    result = {"plan_id": plan.id, "title": plan.metadata.title, "regions": len(plan.regions),
              "indicators": len(plan.indicators)}
    if json_output:
        print_json([result])
    else:
        console().print(f"已载入规划 {plan.id}：{plan.metadata.title}（{len(plan.regions)} 个地区，"
                        f"{len(plan.indicators)} 项指标），已设为当前规划")


def register(app: typer.Typer) -> None:
    from ecer.cli.plan import plan_app

    plan_app.command("show")(show)
    plan_app.command("load")(load)

"""``ecer assess``: yearly and whole-period assessment of the Annex 1 districts, its workflow and ranking."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table

assess_app = typer.Typer(help="节能目标责任评价考核 (yearly assessment of the districts)")

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
YearOption = Annotated[int | None, typer.Option("--year", help="考核年度（全期考核为期末年，默认规划目标年）")]
WholeOption = Annotated[bool, typer.Option("--whole-period", help="规划期（五年）考核")]
PeriodEndOption = Annotated[int | None, typer.Option("--period-end", help="规划期考核的期末年（即 --whole-period --year）")]
RubricOption = Annotated[str, typer.Option("--rubric", help="计分表：energy-2021（能耗强度）或 pollutant-2021（主要污染物）")]
RegionOption = Annotated[str, typer.Option("--region", help="被考核地区（附件1名称或区划代码）")]
PUBLIC_KEYS = ("region", "region_code", "year", "score", "rating", "vetoed", "items", "status")
ITEM_KEYS = ("name", "points", "max_points", "basis")


def _scope(year: int | None, whole_period: bool, period_end: int | None) -> tuple[int, str]:
    """(year, scope): the whole period ends at --period-end, --year or the plan's target year."""
    from ecer.domain.errors import EcerError
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    if period_end is not None:
        return period_end, "period"
    if whole_period:
        if year is not None:
            return year, "period"
        with session_scope(config.database_url()) as session:
            return active_plan(session).metadata.target_year, "period"
    if year is None:
        raise EcerError("INPUT_MISSING", "请用 --year 指定考核年度", field="--year")
    return year, "year"


def public(result: dict[str, Any]) -> dict[str, Any]:
    """Exactly the contract keys of issue 7 (items with name, points, max_points, basis)."""
    out = {k: result[k] for k in PUBLIC_KEYS}
    out["items"] = [{k: i[k] for k in ITEM_KEYS} for i in result["items"]]
    return out


def _pts(value: Decimal) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@assess_app.callback(invoke_without_command=True)
def assess(
    ctx: typer.Context,
    year: YearOption = None,
    whole_period: WholeOption = False,
    period_end: PeriodEndOption = None,
    rubric: RubricOption = "energy-2021",
    region: Annotated[str | None, typer.Option("--region", help="只显示一个地区及其各项得分")] = None,
    json_output: JsonOption = False,
) -> None:
    """各县（市）区考核结果：得分、等级、是否否决、各项得分及依据、状态（市政府为考核方）。"""
    if ctx.invoked_subcommand is not None:
        return
    from ecer.services.assessment import evaluate
    from ecer.storage.db import session_scope

    chosen_year, scope = _scope(year, whole_period, period_end)
    with session_scope(config.database_url()) as session:
        results = evaluate(session, chosen_year, scope=scope, rubric_id=rubric, region=region)
    if json_output:
        print_json(public(r) for r in results)
        return
    label = "规划期" if scope == "period" else f"{chosen_year}年度"
    print_table(f"{label}节能目标责任评价考核（{rubric}）", ["地区", "得分", "等级", "否决", "状态"],
                [[r["region"], _pts(r["score"]), r["rating"], "是" if r["vetoed"] else "否", r["status"]]
                 for r in results])
    if region is not None:
        for r in results:
            print_table(f"{r['region']} 各项得分", ["考核项", "得分", "满分", "依据"],
                        [[i["name"], _pts(i["points"]), _pts(i["max_points"]), i["basis"]] for i in r["items"]])


def _done(result: dict[str, Any], json_output: bool, message: str) -> None:
    if json_output:
        print_json([result])
    else:
        console().print(message, highlight=False)


@assess_app.command("self")
def self_assess(
    region: RegionOption,
    year: YearOption = None,
    whole_period: WholeOption = False,
    item: Annotated[str | None, typer.Option("--item", help="考核项代码，如 organisation")] = None,
    points: Annotated[Decimal | None, typer.Option("--points", help="自评分")] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="自评说明")] = None,
    evidence: Annotated[list[Path] | None, typer.Option("--evidence", help="佐证材料文件（可多次）")] = None,
    submit: Annotated[bool, typer.Option("--submit", help="提交自评（之后方可审核）")] = False,
    rubric: RubricOption = "energy-2021",
    json_output: JsonOption = False,
) -> None:
    """被考核地区自评：逐项填写自评分、说明和佐证材料，最后 --submit 提交。"""
    from ecer.domain.errors import EcerError
    from ecer.services import assessment_workflow as flow
    from ecer.storage.db import session_scope

    chosen_year, scope = _scope(year, whole_period, None)
    if item is None and not submit:
        raise EcerError("INPUT_MISSING", "请给出 --item 与 --points，或 --submit", field="--item")
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        if item is not None:
            if points is None:
                raise EcerError("INPUT_MISSING", "--points", field="--points")
            flow.self_assess(session, year=chosen_year, region=region, item_code=item, points=points, actor=actor,
                             comment=comment, evidence=evidence, scope=scope, rubric_id=rubric)
        if submit:
            flow.submit_self(session, year=chosen_year, region=region, actor=actor, scope=scope, rubric_id=rubric)
    _done({"region": region, "year": chosen_year, "item": item, "points": points, "submitted": submit}, json_output,
          f"{region} {chosen_year} 自评已记录" + ("并提交" if submit else ""))


@assess_app.command("review")
def review(
    region: RegionOption,
    year: YearOption = None,
    whole_period: WholeOption = False,
    item: Annotated[str | None, typer.Option("--item", help="考核项代码")] = None,
    points: Annotated[Decimal | None, typer.Option("--points", help="审核得分（自动计分项为人工调整）")] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="审核意见")] = None,
    evidence: Annotated[list[Path] | None, typer.Option("--evidence", help="佐证材料文件（可多次）")] = None,
    finish: Annotated[bool, typer.Option("--finish", help="审核完成（状态改为 reviewed）")] = False,
    rubric: RubricOption = "energy-2021",
    json_output: JsonOption = False,
) -> None:
    """审核评分：在地区提交自评后逐项评分，--finish 完成审核。"""
    from ecer.domain.errors import EcerError
    from ecer.services import assessment_workflow as flow
    from ecer.storage.db import session_scope

    chosen_year, scope = _scope(year, whole_period, None)
    if item is None and not finish:
        raise EcerError("INPUT_MISSING", "请给出 --item 与 --points，或 --finish", field="--item")
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        if item is not None:
            if points is None:
                raise EcerError("INPUT_MISSING", "--points", field="--points")
            flow.review_item(session, year=chosen_year, region=region, item_code=item, points=points, actor=actor,
                             comment=comment, evidence=evidence, scope=scope, rubric_id=rubric)
        status = None
        if finish:
            status = flow.finish_review(session, year=chosen_year, region=region, actor=actor, scope=scope,
                                        rubric_id=rubric).status
    _done({"region": region, "year": chosen_year, "item": item, "points": points, "status": status}, json_output,
          f"{region} {chosen_year} 审核已记录" + ("，审核完成" if finish else ""))


@assess_app.command("appeal")
def appeal(
    region: RegionOption,
    reason: Annotated[str, typer.Option("--reason", help="申诉理由")],
    year: YearOption = None,
    whole_period: WholeOption = False,
    item: Annotated[str | None, typer.Option("--item", help="申诉的考核项代码（可省略）")] = None,
    rubric: RubricOption = "energy-2021",
    json_output: JsonOption = False,
) -> None:
    """对审核结果提出申诉（须填写理由）。"""
    from ecer.services import assessment_workflow as flow
    from ecer.storage.db import session_scope

    chosen_year, scope = _scope(year, whole_period, None)
    with session_scope(config.database_url()) as session:
        row = flow.appeal(session, year=chosen_year, region=region, reason=reason, actor=config.current_user(),
                          item_code=item, scope=scope, rubric_id=rubric)
        result = {"appeal_id": row.id, "region": region, "year": chosen_year, "item": item, "reason": reason}
    _done(result, json_output, f"已登记申诉 {result['appeal_id']}")


@assess_app.command("decide")
def decide(
    appeal_id: Annotated[int, typer.Argument(help="申诉编号")],
    decision: Annotated[str, typer.Argument(help="upheld（成立）| rejected（驳回）")],
    reason: Annotated[str, typer.Option("--reason", help="决定理由")],
    points: Annotated[Decimal | None, typer.Option("--points", help="申诉成立时该项的新得分")] = None,
    json_output: JsonOption = False,
) -> None:
    """对申诉作出决定。"""
    from ecer.services import assessment_workflow as flow
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        row = flow.decide(session, appeal_id=appeal_id, decision=decision, reason=reason,
                          actor=config.current_user(), points=points)
        result = {"appeal_id": row.id, "decision": row.decision, "reason": row.decision_reason,
                  "points": row.new_points}
    _done(result, json_output, f"申诉 {appeal_id}：{decision}")


@assess_app.command("publish")
def publish(
    region: Annotated[list[str] | None, typer.Option("--region", help="地区（可多次）；省略则公布全部已审核地区")] = None,
    year: YearOption = None,
    whole_period: WholeOption = False,
    rubric: RubricOption = "energy-2021",
    json_output: JsonOption = False,
) -> None:
    """公布考核结果：结果冻结保存，之后数据变动不再改变已公布结果。"""
    from ecer.domain.errors import EcerError
    from ecer.services import assessment_workflow as flow
    from ecer.services.assessment import evaluate
    from ecer.storage.db import session_scope

    chosen_year, scope = _scope(year, whole_period, None)
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        names = region or [r["region"] for r in evaluate(session, chosen_year, scope=scope, rubric_id=rubric)
                           if r["status"] == "reviewed"]
        if not names:
            raise EcerError("ASSESS_BAD_TRANSITION", "没有已审核待公布的地区")
        results = [flow.publish(session, year=chosen_year, region=n, actor=actor, scope=scope, rubric_id=rubric)
                   for n in names]
    if json_output:
        print_json(public(r) for r in results)
    else:
        console().print(f"已公布 {len(results)} 个地区：{'、'.join(r['region'] for r in results)}", highlight=False)


@assess_app.command("ranking")
def ranking(
    year: YearOption = None,
    whole_period: WholeOption = False,
    period_end: PeriodEndOption = None,
    rubric: RubricOption = "energy-2021",
    json_output: JsonOption = False,
) -> None:
    """考核排名：被否决地区排在最后，其余按得分从高到低（同分同名次）。"""
    from ecer.services.assessment import evaluate
    from ecer.services.assessment import ranking as rank
    from ecer.storage.db import session_scope

    chosen_year, scope = _scope(year, whole_period, period_end)
    with session_scope(config.database_url()) as session:
        rows = rank(evaluate(session, chosen_year, scope=scope, rubric_id=rubric))
    if json_output:
        print_json(rows)
        return
    print_table(f"{chosen_year}{'规划期' if scope == 'period' else '年度'}考核排名", ["名次", "地区", "得分", "等级", "否决"],
                [[r["rank"], r["region"], _pts(r["score"]), r["rating"], "是" if r["vetoed"] else "否"] for r in rows])


def register(app: typer.Typer) -> None:
    app.add_typer(assess_app, name="assess")

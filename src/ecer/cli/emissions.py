"""``ecer emissions projects …``, ``ecer emissions progress``, ``ecer template|import emission-projects``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table
from ecer.cli.review import Action, Reason, RevisionId, run_review
from ecer.cli.workbooks import import_app, template_app

emissions_app = typer.Typer(help="主要污染物重点工程减排 (key emission-reduction projects)", no_args_is_help=True)
projects_app = typer.Typer(help="重点减排工程登记、审核与核查 (project registry)", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
LEVEL_ZH = {"red": "[bold red]● 红[/]", "yellow": "[bold yellow]● 黄[/]", "green": "[bold green]● 绿[/]"}
BASIS_ZH = {"verified": "核查", "claimed": "申报", "mixed": "混合", None: "—"}


def template_projects(out: Annotated[Path, typer.Argument(help="输出文件 .xlsx")]) -> None:
    """写出重点减排工程导入模板（说明工作表列出每种工程类型的核算参数示例）。"""
    from ecer.importers.emission_project_template import write_projects_template

    write_projects_template(out)
    console().print(f"已写出模板 {out}")


def import_projects(file: Annotated[Path, typer.Argument(help=".xlsx 或 .csv")], json_output: JsonOption = False) -> None:
    """导入重点减排工程：先检查全部行，有任何错误则全部不写入；命令行导入记为已审核。"""
    from ecer.services.emission_projects import import_projects as run_import

    result = run_import(config.database_url(), file, actor=config.current_user())
    if json_output:
        print_json([result])
    else:
        console().print(f"已导入 {file}：读取 {result['rows_read']} 个项目，新增修订 {result['rows_added']} 条"
                        "（相同数据不重复记录），状态：已审核")


def list_projects(
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    all_revisions: Annotated[bool, typer.Option("--all", help="列出全部修订（默认每个项目只列最新一条）")] = False,
    json_output: JsonOption = False,
) -> None:
    """列出重点减排工程（每个项目最新修订；核查减排量经审核通过后替代申报值）。"""
    from ecer.services.emission_projects import record_row
    from ecer.storage import emission_projects as store
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        verified = store.approved_verified_t(session)
        revisions = store.project_revisions(session, region=region)
        if not all_revisions:
            latest = {r.code: r for r in revisions}
            revisions = [latest[c] for c in sorted(latest)]
        rows = [record_row(r, verified) for r in revisions]
    if json_output:
        print_json(rows)
        return
    print_table("重点减排工程", ["修订", "编号", "名称", "地区", "类型", "状态", "投运", "减排量(t/a)", "依据", "审核"],
                [[r["id"], r["code"], r["name"], r["region"], r["project_type"], r["project_status"],
                  r["commissioning_date"], _amounts(r["reduction_t"]), BASIS_ZH[r["basis"]], r["status"]]
                 for r in rows])


def _amounts(values: dict[str, Decimal]) -> str:
    return "；".join(f"{k} {v.normalize():f}" for k, v in values.items()) or "—"


def show_project(code: Annotated[str, typer.Argument(help="项目编号")], json_output: JsonOption = False) -> None:
    """一个项目的全部修订与核查记录。"""
    from ecer.domain.errors import EcerError
    from ecer.services.emission_projects import record_row
    from ecer.storage import emission_projects as store
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        verified = store.approved_verified_t(session)
        revisions = [record_row(r, verified) for r in store.project_revisions(session, code=code)]
        checks = [_verification_row(v) for v in store.verifications(session, code)]
    if not revisions:
        raise EcerError("NOT_FOUND", f"减排工程 {code}", field="code", value=code)
    if json_output:
        print_json([{"code": code, "revisions": revisions, "verifications": checks}])
        return
    latest = revisions[-1]
    out = console()
    for key in ("name", "region", "owner", "project_type", "parameters", "project_status", "start_date",
                "commissioning_date", "evidence", "offset_year", "offset_for", "status", "return_reason"):
        out.print(f"{key}: {latest[key]}", highlight=False)
    out.print(f"申报减排量 (t/a): {_amounts(latest['claimed_t'])}；采用: {_amounts(latest['reduction_t'])}"
              f"（{BASIS_ZH[latest['basis']]}）；替代使用 (t): {_amounts(latest['offsets_t'])}", highlight=False)
    print_table(f"{code} 修订", ["修订", "审核", "来源", "行", "录入人", "时间"],
                [[r["id"], r["status"], r["source_file"], r["source_row"], r["created_by"], r["created_at"]]
                 for r in revisions])
    if checks:
        print_table(f"{code} 核查", ["编号", "污染物", "核查减排量(t/a)", "方法", "审核", "佐证"],
                    [[c["id"], c["pollutant"], c["verified_t"], c["method"], c["status"], c["evidence"]]
                     for c in checks])


def _verification_row(v: Any) -> dict[str, Any]:
    return {"id": v.id, "project_code": v.project_code, "pollutant": v.pollutant, "verified_t": v.verified_t,
            "method": v.method, "evidence": v.evidence, "detail": v.detail, "status": v.status,
            "return_reason": v.return_reason, "created_by": v.created_by, "created_at": v.created_at}


def add_project(
    code: Annotated[str, typer.Option("--code", help="项目编号")],
    name: Annotated[str, typer.Option("--name", help="项目名称")],
    region: Annotated[str, typer.Option("--region", help="附件2地区（含市本级）")],
    owner: Annotated[str, typer.Option("--owner", help="责任单位")],
    project_type: Annotated[str, typer.Option("--type", help="工程类型代码或中文名称")],
    parameters: Annotated[list[str], typer.Option("--param", help="核算参数 名称[键]=数值 单位，可重复")],
    status: Annotated[str, typer.Option("--status", help="计划、在建、已投运、已取消")],
    commissioning: Annotated[str | None, typer.Option("--commissioning", help="投运日期")] = None,
    start: Annotated[str | None, typer.Option("--start", help="开工日期")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="佐证材料")] = None,
    offsets: Annotated[str | None, typer.Option("--offsets", help="替代使用量，如 COD=12 t")] = None,
    offset_year: Annotated[int | None, typer.Option("--offset-year", help="替代使用年份")] = None,
    offset_for: Annotated[str | None, typer.Option("--offset-for", help="替代对象")] = None,
    json_output: JsonOption = False,
) -> None:
    """登记一个项目（与导入同样检查；命令行录入记为已审核）。"""
    from ecer.services.emission_projects import add_project as run_add

    fields = {"code": code, "name": name, "region": region, "owner": owner, "project_type": project_type,
              "parameters": "; ".join(parameters), "status": status, "commissioning_date": commissioning,
              "start_date": start, "evidence": evidence, "offsets": offsets,
              "offset_year": None if offset_year is None else str(offset_year), "offset_for": offset_for}
    result = run_add(config.database_url(), fields, actor=config.current_user())
    if json_output:
        print_json([result])
    else:
        console().print(f"项目 {result['code']}：新增修订 {result['revisions_added']} 条；"
                        f"申报减排量 (t/a) {_amounts(result['claimed_t'])}", highlight=False)


def review_project(revision_id: RevisionId, action: Action, reason: Reason = None,
                   json_output: JsonOption = False) -> None:
    """审核一条项目修订：提交、通过或退回（退回须填写原因）。"""
    from ecer.storage import emission_projects as store

    run_review(store.review_project, revision_id, action, reason, audit="emission-projects",
               to_row=lambda r: {"id": r.id, "code": r.code, "status": r.status, "return_reason": r.return_reason},
               json_output=json_output)


def verify_project(
    code: Annotated[str, typer.Argument(help="项目编号")],
    pollutant: Annotated[str, typer.Option("--pollutant", help="COD | NH3N | NOx | VOCs")],
    reduction: Annotated[str | None, typer.Option("--reduction", help="核查年减排量，如 '120 t/a'")] = None,
    method: Annotated[str, typer.Option("--method", help="monitoring | on_site")] = "on_site",
    evidence: Annotated[str | None, typer.Option("--evidence", help="核查报告、监测报告")] = None,
    mn: Annotated[str | None, typer.Option("--mn", help="由该监测点（MN）的小时数据计算")] = None,
    before: Annotated[str | None, typer.Option("--before", help="改造前时段 2021-01-01..2021-04-01（北京时间）")] = None,
    after: Annotated[str | None, typer.Option("--after", help="改造后时段 2023-01-01..2023-04-01")] = None,
    annual_volume: Annotated[str | None, typer.Option("--annual-volume", help="年排放量体积，如 '730 万m³/a'")] = None,
    json_output: JsonOption = False,
) -> None:
    """录入核查减排量，或用 --mn/--before/--after 由在线监测小时数据计算（记为已提交，审核通过后替代申报值）。"""
    if mn is not None:
        _verify_from_monitoring(code, pollutant, mn, before, after, annual_volume, json_output)
        return
    from ecer.domain.errors import EcerError
    from ecer.domain.pollutants.parameter_text import parse_quantity
    from ecer.storage import emission_projects as store
    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry

    if method not in ("monitoring", "on_site"):
        raise EcerError("PROJECT_VERIFICATION_INVALID", f"方法 {method}", field="--method", value=method)
    if reduction is None:
        raise EcerError("PROJECT_VERIFICATION_INVALID", "须给出 --reduction，或 --mn、--before、--after", field="--reduction")
    value = parse_quantity(reduction, "--reduction")
    try:
        tonnes = value if isinstance(value, Decimal) else Decimal(str(value.to("metric_ton / year").magnitude))
    except Exception as exc:  # pint.DimensionalityError
        raise EcerError("PROJECT_VERIFICATION_INVALID", f"{reduction} 应为 t/a", field="--reduction") from exc
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        row = store.add_verification(session, project_code=code, pollutant=pollutant, verified_t=tonnes,
                                     method=method, actor=actor, evidence=evidence)
        session.add(AuditEntry(actor=actor, action="emission-projects.verify", target=code,
                               detail={"verification_id": row.id, "pollutant": pollutant, "verified_t": str(tonnes)}))
        result = _verification_row(row)
    if json_output:
        print_json([result])
    else:
        console().print(f"核查记录 {result['id']}：{code} {pollutant} {tonnes} t/a，状态：已提交", highlight=False)


def _period(text: str | None, option: str) -> tuple[Any, Any]:
    import datetime as dt

    from ecer.domain.errors import EcerError
    from ecer.importers.emission_projects import parse_date
    from ecer.protocol.hj212.cp import CST

    try:
        first, _, last = (text or "").partition("..")
        return tuple(dt.datetime.combine(parse_date(x.strip()), dt.time(), CST) for x in (first, last))  # type: ignore[return-value]
    except ValueError as exc:
        raise EcerError("PROJECT_VERIFICATION_INVALID", f"{text!r}（应为 YYYY-MM-DD..YYYY-MM-DD）", field=option,
                        value=text) from exc


def _verify_from_monitoring(code: str, pollutant: str, mn: str, before: str | None, after: str | None,
                            annual_volume: str | None, json_output: bool) -> None:
    from ecer.domain.pollutants.formulas import declared_unit, per_accounting_year
    from ecer.domain.pollutants.parameter_text import parse_quantity
    from ecer.services.emission_verification import verify_from_monitoring
    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry

    volume = None
    if annual_volume is not None:
        given = parse_quantity(annual_volume, "--annual-volume")
        volume = given if isinstance(given, Decimal) else Decimal(
            str(per_accounting_year(given).to(declared_unit("m**3/a")).magnitude))  # m³/d × 365
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        row, result = verify_from_monitoring(session, project_code=code, pollutant=pollutant, mn=mn,
                                             before=_period(before, "--before"), after=_period(after, "--after"),
                                             actor=actor, annual_volume_m3=volume)
        session.add(AuditEntry(actor=actor, action="emission-projects.verify", target=code,
                               detail={"verification_id": row.id, "pollutant": pollutant, "mn": mn}))
        out = _verification_row(row)
    if json_output:
        print_json([out])
        return
    console().print(f"核查记录 {out['id']}：{code} {pollutant} 监测核算 {out['verified_t']} t/a"
                    f"（申报 {result.claimed_t} t/a）；" + ("需复核：" + "、".join(result.reasons)
                                                       if result.needs_review else "无需复核"), highlight=False)
    for label, s in (("改造前", result.before), ("改造后", result.after)):
        console().print(f"  {label}：应有 {s.expected} 小时，有效 {s.valid}，停产 {s.shutdown}，检修 {s.maintenance}，"
                        f"无效 {s.invalid}，缺失 {s.missing}；流量加权浓度 {s.mean_concentration}", highlight=False)


def review_verification(
    verification_id: Annotated[int, typer.Argument(help="核查记录编号")], action: Action, reason: Reason = None,
    json_output: JsonOption = False,
) -> None:
    """审核核查减排量：通过后替代申报值计入进度。"""
    from ecer.storage import emission_projects as store

    run_review(store.review_verification, verification_id, action, reason, audit="emission-verifications",
               to_row=_verification_row, json_output=json_output, label="核查记录")


def progress(year: Annotated[int, typer.Option("--year", help="年份")], json_output: JsonOption = False) -> None:
    """附件2各地区（含市本级）主要污染物重点工程减排量进度；全市 = 各县区之和。"""
    from rich.table import Table

    from ecer.services.emission_projects import has_demo_projects, progress_json
    from ecer.services.emission_projects import progress as compute
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    with session_scope(config.database_url()) as session:
        plan = active_plan(session)
        report = compute(session, year)
        demo = has_demo_projects(session)
    err = console(stderr=True)
    for text in report.mismatches:
        err.print(f"[bold red]全市与各县区之和不一致[/] {text}", highlight=False)
    if json_output:
        print_json(progress_json(r) for r in report.rows)
        return
    table = Table(title=f"{plan.metadata.title} — 截至{year}年 主要污染物重点工程减排量进度", padding=(0, 1))
    for header in ("地区", "污染物", "累计减排量(t)", "目标(t)", "完成率", "进度要求", "预警", "依据"):
        table.add_column(header, justify="left" if header in ("地区", "污染物", "预警", "依据") else "right")
    for r in report.rows:
        table.add_row(r.region, r.pollutant, f"{r.cumulative_reduction_t:,.1f}", f"{r.target_t:,.0f}",
                      _pct(r.completion), _pct(r.required_progress),
                      LEVEL_ZH.get(r.level or "", "— 无目标"), BASIS_ZH[r.basis])
    out = console()
    if not out.is_terminal:
        out.width = max(out.width, 120)
    out.print(table)
    out.print(f"基准年 {plan.metadata.base_year}，目标年 {plan.metadata.target_year}；进度要求按线性；预警规则 ndrc-2021q1；"
              "累计减排量已扣除替代使用量；全市为各县区（含市本级）之和。", highlight=False)
    if demo:
        out.print("[bold magenta]注意：当前数据含合成演示数据（SYNTHETIC DEMO DATA），不代表真实项目。[/]")


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def register(app: typer.Typer) -> None:
    template_app.command("emission-projects")(template_projects)
    import_app.command("emission-projects")(import_projects)
    projects_app.command("list")(list_projects)
    projects_app.command("show")(show_project)
    projects_app.command("add")(add_project)
    projects_app.command("review")(review_project)
    projects_app.command("verify")(verify_project)
    projects_app.command("review-verification")(review_verification)
    emissions_app.add_typer(projects_app, name="projects")
    emissions_app.command("progress")(progress)
    app.add_typer(emissions_app, name="emissions")

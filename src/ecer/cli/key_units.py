"""``ecer units add|list|show|reports|review|annual-report|benchmarks|quality|reconcile`` and ``ecer template|import units|energy-reports``.

``register`` also attaches the other key-unit command modules (two-high projects, budgets, gateway
tokens), so the capability is one line in ``commands_registry.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table
from ecer.cli.review import Action, Reason, RevisionId, run_review, status_row
from ecer.cli.workbooks import import_app, template_app

units_app = typer.Typer(help="重点用能单位 (key energy-using units)", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
OutArg = Annotated[Path, typer.Argument(help="输出文件 .xlsx")]
FileArg = Annotated[Path, typer.Argument(help=".xlsx 或 .csv")]


def add_unit(
    credit_code: Annotated[str, typer.Option("--credit-code", help="统一社会信用代码（18位）")],
    name: Annotated[str, typer.Option("--name", help="单位名称")],
    industry_code: Annotated[str, typer.Option("--industry-code", help="GB/T 4754-2017 行业代码")],
    industry_name: Annotated[str, typer.Option("--industry-name", help="行业名称")],
    region: Annotated[str, typer.Option("--region", help="所属地区（附件1）")],
    manager: Annotated[str | None, typer.Option("--manager", help="能源管理负责人")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话")] = None,
    energy_tce: Annotated[str | None, typer.Option("--energy-tce", help="上年综合能耗(吨标准煤,当量值)")] = None,
    json_output: JsonOption = False,
) -> None:
    """登记一个重点用能单位（统一社会信用代码按 GB 32100-2015 校验）。"""
    from ecer.domain.energy.key_units import category, validate_credit_code
    from ecer.domain.errors import EcerError
    from ecer.importers.key_units import UnitRow
    from ecer.importers.tabular import parse_decimal
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import save_units
    from ecer.storage.models import AuditEntry
    from ecer.storage.plans import active_plan

    code = validate_credit_code(credit_code)
    try:
        energy = parse_decimal(energy_tce) if energy_tce else None
    except Exception as exc:
        raise EcerError("IMPORT_NOT_A_NUMBER", str(energy_tce), field="--energy-tce") from exc
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        plan = active_plan(session)
        found = plan.region(region)
        if found.name not in {r.name for r in plan.annex1_regions()}:
            raise EcerError("IMPORT_REGION_NOT_ALLOWED", f"{found.name} 不是附件1的考核地区", field="--region")
        row = UnitRow(code, name, industry_code, industry_name, found.name, found.code, manager, phone, energy)
        save_units(session, [row], actor=actor, batch_id=None, allow_update=False)
        session.add(AuditEntry(actor=actor, action="units.add", target=code, detail={"name": name}))
    cat = category(energy)
    result = {"credit_code": code, "name": name, "region": found.name, "category": cat.value if cat else None}
    if json_output:
        print_json([result])
    else:
        console().print(f"已登记 {name}（{code}），地区 {found.name}")


def list_units(
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    json_output: JsonOption = False,
) -> None:
    """列出已登记的重点用能单位及其产品、产能。"""
    from ecer.domain.energy.key_units import category
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import products_of, units

    with session_scope(config.database_url()) as session:
        rows = []
        for u in units(session, region):
            cat = category(u.declared_energy_tce)
            rows.append({"credit_code": u.credit_code, "name": u.name, "industry_code": u.industry_code,
                         "industry_name": u.industry_name, "region": u.region,
                         "declared_energy_tce": u.declared_energy_tce, "category": cat.value if cat else None,
                         "energy_manager": u.energy_manager,
                         "products": [{"product": p.product, "name": p.name_zh, "capacity": p.capacity,
                                       "capacity_unit": p.capacity_unit} for p in products_of(session, u.id)]})
    if json_output:
        print_json(rows)
        return
    print_table("重点用能单位", ["统一社会信用代码", "名称", "行业", "地区", "上年综合能耗(tce)", "产品"],
                [[r["credit_code"], r["name"], f"{r['industry_code']} {r['industry_name']}", r["region"],
                  r["declared_energy_tce"], "、".join(p["name"] for p in r["products"])] for r in rows])


def show_unit(
    credit_code: Annotated[str, typer.Argument(help="统一社会信用代码")],
    year: Annotated[int, typer.Option("--year", help="年份")],
    edition: Annotated[int, typer.Option("--edition", help="能效水平版本 2021 或 2023")] = 2023,
    json_output: JsonOption = False,
) -> None:
    """单位的年度情况：综合能耗（当量值、等价值）、产品能效对标分类、用能预算状态。"""
    from ecer.services.key_units import unit_year
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import unit_by_code

    with session_scope(config.database_url()) as session:
        summary = unit_year(session, unit_by_code(session, credit_code), year, edition)
    if json_output:
        print_json([summary])
        return
    _print_summary(summary)


def _fmt(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.{places}f}"
    return str(value)


def _print_summary(s: dict[str, Any]) -> None:
    out = console()
    out.print(f"[bold]{s['name']}[/]（{s['credit_code']}）{s['region']} · {s['industry_code']} {s['industry_name']}")
    out.print(f"{s['year']} 年：已审核月报 {s['months_reported']} 个月；类别：{s['category_zh'] or '—'}")
    out.print(f"综合能耗 当量值 {_fmt(s['energy_calorific_tce'])} tce，等价值 {_fmt(s['energy_primary_tce'])} tce；"
              f"其中原料用能 {_fmt(s['feedstock_calorific_tce'])} tce；煤炭 {_fmt(s['coal_t'])} t")
    out.print(f"单位增加值能耗 {_fmt(s['energy_per_value_added_tce_per_10k_yuan'], 4)} tce/万元；"
              f"能耗同比 {_pct(s['energy_change'])}；节能量（产品）{_fmt(s['energy_saved_product_tce'])} tce")
    print_table("能效对标", ["产品", "产量", "单位产品能耗", "单位", "标杆", "基准", "分类"],
                [[p["product_name"], _fmt(p["output"]), _fmt(p["unit_energy"]), p["value_unit"], p["benchmark"],
                  p["baseline"], p["efficiency_class_zh"] or "无数据"] for p in s["products"]])
    b = s["budget"]
    if b is None:
        out.print("用能预算：未设定")
    else:
        out.print(f"用能预算 {_fmt(b['budget_tce'])} tce；已用 {_fmt(b['to_date_tce'])}；预计全年 {_fmt(b['forecast_tce'])}"
                  f"（{b['forecast_method']}）；剩余 {_fmt(b['remaining_tce'])}；状态：{b['level_zh']}")


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:+.2f}%"


def list_reports(
    credit_code: Annotated[str, typer.Argument(help="统一社会信用代码")],
    year: Annotated[int | None, typer.Option("--year", help="年份")] = None,
    json_output: JsonOption = False,
) -> None:
    """列出单位能源月报的全部修订及审核状态。"""
    from ecer.storage.db import session_scope
    from ecer.storage.energy_reports import revisions
    from ecer.storage.key_unit_registry import unit_by_code

    with session_scope(config.database_url()) as session:
        unit = unit_by_code(session, credit_code)
        rows = [{"id": r.id, "credit_code": unit.credit_code, "year": r.year, "month": r.month, "status": r.status,
                 "return_reason": r.return_reason, "source_file": r.source_file, "created_by": r.created_by,
                 "created_at": r.created_at} for r in revisions(session, unit.id, year)]
    if json_output:
        print_json(rows)
        return
    print_table("能源月报修订", ["编号", "年", "月", "状态", "退回原因", "来源"],
                [[r["id"], r["year"], r["month"], r["status"], r["return_reason"], r["source_file"]] for r in rows])


def review_report(revision_id: RevisionId, action: Action, reason: Reason = None,
                  json_output: JsonOption = False) -> None:
    """审核一条能源月报修订：提交、通过或退回（退回须填写原因）。"""
    from ecer.storage.energy_reports import review

    run_review(review, revision_id, action, reason, audit="energy-reports", to_row=status_row,
               json_output=json_output)


def benchmark_shares(
    year: Annotated[int, typer.Option("--year", help="年份")],
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    edition: Annotated[int, typer.Option("--edition", help="能效水平版本 2021 或 2023")] = 2023,
    json_output: JsonOption = False,
) -> None:
    """各行业、各地区达到能效标杆水平的产能比例（规划指标：超过30%）。"""
    from ecer.services.key_units import capacity_shares
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        rows = capacity_shares(session, year, edition, region)
    if json_output:
        print_json(rows)
        return
    print_table(f"{year} 年达到能效标杆水平的产能比例", ["行业", "地区", "总产能", "达标杆产能", "无数据产能", "比例", "超过30%"],
                [[r["industry_code"], r["region"], _fmt(r["capacity_total"]), _fmt(r["capacity_at_benchmark"]),
                  _fmt(r["capacity_unclassified"]), _pct(r["share_at_benchmark"]), r["meets_target"]] for r in rows])


def annual_report(
    credit_code: Annotated[str, typer.Argument(help="统一社会信用代码")],
    year: Annotated[int, typer.Option("--year", help="年份")],
    management: Annotated[str | None, typer.Option("--management", help="能源管理及节能措施")] = None,
    projects: Annotated[str | None, typer.Option("--projects", help="节能改造项目")] = None,
    problems: Annotated[str | None, typer.Option("--problems", help="存在问题")] = None,
    plans: Annotated[str | None, typer.Option("--plans", help="下一步计划")] = None,
    json_output: JsonOption = False,
) -> None:
    """年度能源利用状况报告：由已审核月报汇总的数据与文字部分；给出文字选项即保存。"""
    from ecer.services.key_units import unit_year
    from ecer.storage.db import session_scope
    from ecer.storage.energy_reports import NARRATIVE_FIELDS, narrative, set_narrative
    from ecer.storage.key_unit_registry import unit_by_code
    from ecer.storage.models import AuditEntry

    given = {k: v for k, v in (("management", management), ("projects", projects), ("problems", problems),
                               ("plans", plans)) if v is not None}
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        unit = unit_by_code(session, credit_code)
        if given and set_narrative(session, unit.id, year, given, actor):
            session.add(AuditEntry(actor=actor, action="units.annual-report", target=unit.credit_code,
                                   detail={"year": year, "fields": sorted(given)}))
        report = unit_year(session, unit, year)
        record = narrative(session, unit.id, year)
        report["narrative"] = {f: getattr(record, f) if record else None for f in NARRATIVE_FIELDS}
        report["complete"] = report["months_reported"] == 12 and all(report["narrative"].values())
    if json_output:
        print_json([report])
        return
    _print_summary(report)
    labels = {"management": "能源管理及节能措施", "projects": "节能改造项目", "problems": "存在问题", "plans": "下一步计划"}
    for key, label in labels.items():
        console().print(f"[bold]{label}[/]：{report['narrative'][key] or '（未填写）'}")
    console().print("报告完整" if report["complete"] else "报告不完整：须有12个月已审核月报及全部文字部分")


def data_quality(
    credit_code: Annotated[str, typer.Argument(help="统一社会信用代码")],
    year: Annotated[int, typer.Option("--year", help="年份")],
    month: Annotated[int, typer.Option("--month", help="月份")],
    json_output: JsonOption = False,
) -> None:
    """在线监测数据质量：完整率≥90%、日与月偏差≤5%、时间偏差（日≤1分钟，月≤1天）。"""
    from ecer.services.meter_data import month_quality
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import unit_by_code

    with session_scope(config.database_url()) as session:
        rows = month_quality(session, unit_by_code(session, credit_code), year, month)
    if json_output:
        print_json(rows)
        return
    print_table(f"{year}-{month:02d} 数据质量", ["计量器具", "日数据", "完整率", "日合计", "月数据", "偏差", "时间异常", "合格"],
                [[r["meter"], f"{r['daily_readings']}/{r['expected_days']}", _pct(r["completeness"]),
                  _fmt(r["daily_sum"]), _fmt(r["monthly_value"]), _pct(r["deviation"]), r["bad_timestamps"],
                  "是" if r["ok"] else "否"] for r in rows])


def reconcile(
    year: Annotated[int, typer.Option("--year", help="年份")],
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    json_output: JsonOption = False,
) -> None:
    """核对：计量数据与月报（按单位、月、品种，差异>5%列出），重点用能单位合计与地区统计。"""
    from ecer.services.reconciliation import reconcile as run
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        result = run(session, year, region)
    if json_output:
        print_json([result])
        return
    print_table("计量数据与月报差异", ["单位", "月", "品种", "计量", "月报", "差异", "相对差异"],
                [[d["credit_code"], d["month"], d["carrier"], _fmt(d["left_value"]), _fmt(d["right_value"]),
                  _fmt(d["difference"]), _pct(d["relative"])] for d in result["meters_vs_reports"]])
    print_table("重点用能单位合计与地区统计（等价值）", ["地区", "单位数", "全年数据单位", "单位合计(tce)", "地区统计(tce)", "占比", "异常"],
                [[r["region"], r["units"], r["units_with_full_year"], _fmt(r["units_total_tce"]),
                  _fmt(r["statistics_tce"]), _pct(r["units_share"]), "是" if r["discrepancy"] else "否"]
                 for r in result["units_vs_statistics"]])


def _template(kind: str) -> Any:
    def write(out: OutArg) -> None:
        from ecer.importers.workbook_kinds import write_kind_template

        write_kind_template(kind, out)
        console().print(f"已写出模板 {out}")

    write.__doc__ = f"写出{kind}导入模板（含说明工作表）。"
    return write


def _import(kind: str) -> Any:
    def run(file: FileArg, json_output: JsonOption = False) -> None:
        from ecer.services import key_unit_imports

        service = getattr(key_unit_imports, "import_" + kind.replace("-", "_"))
        result = service(config.database_url(), file, actor=config.current_user())
        if json_output:
            print_json([result])
        else:
            console().print(f"已导入 {file}：读取 {result['rows_read']} 行，新增或更新 {result['rows_added']} 条"
                            "（相同数据不重复记录）")

    run.__doc__ = f"导入{kind}：先检查全部行，有任何错误则全部不写入。"
    return run


def register(app: typer.Typer) -> None:
    from ecer.cli import budgets, tokens, two_high

    units_app.command("add")(add_unit)
    units_app.command("list")(list_units)
    units_app.command("show")(show_unit)
    units_app.command("reports")(list_reports)
    units_app.command("review")(review_report)
    units_app.command("benchmarks")(benchmark_shares)
    units_app.command("annual-report")(annual_report)
    units_app.command("quality")(data_quality)
    units_app.command("reconcile")(reconcile)
    app.add_typer(units_app, name="units")
    for kind in ("units", "energy-reports", "two-high", "budgets"):
        template_app.command(kind)(_template(kind))
        import_app.command(kind)(_import(kind))
    two_high.register(app)
    budgets.register(app)
    tokens.register(app)

"""``ecer template statistics``, ``ecer import statistics``, ``ecer statistics list|review``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table
from ecer.cli.review import Action, Reason, RevisionId, run_review, status_row
from ecer.cli.workbooks import import_app, template_app

statistics_app = typer.Typer(help="统计数据修订与审核 (statistics revisions and review)", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def template_statistics(out: Annotated[Path, typer.Argument(help="输出文件 .xlsx")]) -> None:
    """写出统计数据导入模板（含说明工作表）。"""
    from ecer.importers.statistics import COLUMNS
    from ecer.importers.templates import write_template

    write_template(
        out, "能源与经济统计数据导入模板", "统计数据", COLUMNS,
        [
            "每行一个地区、一个年份、一个期间；期间数据为年初至期末的累计值。",
            "必填：地区、年份、期间、地区生产总值、地区生产总值指数、能源消费总量；其余列可省略。",
            "原料用能、单列项目能耗为空视为 0；其余可选列为空表示未报送，需要该数据的结果会注明。",
            "同一文件中同一地区、年份、期间不得重复。任何一处错误都会使整个文件不被导入，并列出全部错误。",
            "亦可使用 CSV（UTF-8 或 GB18030 编码），列名相同。",
        ],
        examples=[["永吉县", 2024, "全年", 300.5, 105.2, 120.3, 60.1, None, None, 0, 0, "快报"]],
    )
    console().print(f"已写出模板 {out}")


def import_statistics(
    file: Annotated[Path, typer.Argument(help=".xlsx 或 .csv")],
    vintage: Annotated[str, typer.Option("--vintage", help="快报、初步核实、最终核实")] = "快报",
    json_output: JsonOption = False,
) -> None:
    """导入统计数据：先检查全部行，有任何错误则全部不写入；命令行导入记为已审核。"""
    from ecer.domain.errors import EcerError
    from ecer.importers.statistics import VINTAGES
    from ecer.services.imports import import_statistics as run_import

    if vintage not in VINTAGES:
        raise EcerError("IMPORT_BAD_VINTAGE", vintage, field="--vintage")
    result = run_import(config.database_url(), file, actor=config.current_user(), vintage=vintage)
    if json_output:
        print_json([result])
    else:
        console().print(f"已导入 {file}：读取 {result['rows_read']} 行，新增修订 {result['rows_added']} 条"
                        f"（相同数据不重复记录），状态：已审核")


def list_revisions(
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    year: Annotated[int | None, typer.Option("--year", help="年份")] = None,
    json_output: JsonOption = False,
) -> None:
    """列出统计数据的全部修订（含旧修订）。"""
    from ecer.storage.db import session_scope
    from ecer.storage.statistics import revisions

    with session_scope(config.database_url()) as session:
        rows = [
            {"id": r.id, "region": r.region, "year": r.year, "period": r.period, "vintage": r.vintage,
             "status": r.status, "source_file": r.source_file, "created_by": r.created_by,
             "created_at": r.created_at, "return_reason": r.return_reason, "gdp_100m_yuan": r.gdp_100m_yuan,
             "gdp_index": r.gdp_index, "energy_10k_tce": r.energy_10k_tce}
            for r in revisions(session, region, year)
        ]
    if json_output:
        print_json(rows)
        return
    print_table("统计数据修订", ["编号", "地区", "年份", "期间", "版本", "状态", "来源", "GDP", "指数", "能耗"],
                [[r["id"], r["region"], r["year"], r["period"], r["vintage"], r["status"], r["source_file"],
                  r["gdp_100m_yuan"], r["gdp_index"], r["energy_10k_tce"]] for r in rows])


def review_revision(revision_id: RevisionId, action: Action, reason: Reason = None,
                    json_output: JsonOption = False) -> None:
    """审核一条统计数据修订：提交、通过或退回（退回须填写原因）。"""
    from ecer.storage.statistics import review

    run_review(review, revision_id, action, reason, audit="statistics", to_row=status_row,
               json_output=json_output)


def register(app: typer.Typer) -> None:
    template_app.command("statistics")(template_statistics)
    import_app.command("statistics")(import_statistics)
    statistics_app.command("list")(list_revisions)
    statistics_app.command("review")(review_revision)
    app.add_typer(statistics_app, name="statistics")

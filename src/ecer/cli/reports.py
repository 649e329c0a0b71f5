"""``ecer report situation|assessment``: the official documents (.docx, or .pdf through LibreOffice)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json

report_app = typer.Typer(help="公文报告 (official reports: .docx / .pdf)", no_args_is_help=True)
OutOption = Annotated[Path, typer.Option("-o", "--out", help="输出文件 .docx 或 .pdf")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _done(kind: str, out: Path, json_output: bool) -> None:
    if json_output:
        print_json([{"report": kind, "file": str(out), "bytes": out.stat().st_size}])
    else:
        console().print(f"已生成 {out}", highlight=False)


@report_app.command("situation")
def situation(
    year: Annotated[int, typer.Option("--year", help="年份")],
    out: OutOption,
    period: Annotated[str, typer.Option("--period", help="全年、一季度、上半年、前三季度")] = "全年",
    json_output: JsonOption = False,
) -> None:
    """节能形势分析报告（季度或年度）。"""
    from ecer.domain.energy.periods import parse_period
    from ecer.reports.situation import write_situation_report

    write_situation_report(config.database_url(), year, parse_period(period), out)
    _done("situation", out, json_output)


@report_app.command("assessment")
def assessment(
    year: Annotated[int, typer.Option("--year", help="考核年度")],
    out: OutOption,
    json_output: JsonOption = False,
) -> None:
    """年度考核结果报告：得分表、等级、各地区明细。"""
    from ecer.reports.assessment import write_assessment_report

    write_assessment_report(config.database_url(), year, out)
    _done("assessment", out, json_output)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")

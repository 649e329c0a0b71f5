"""考核结果 report per year: the score table, ratings and each district's items with their basis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ecer.reports.govdoc import GovDocument
from ecer.reports.xlsx import XlsxColumn, XlsxTable

STATUS_ZH = {"draft": "草稿", "reviewed": "已审核", "published": "已公布"}


def points(value: Decimal) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def score_table(results: list[dict[str, Any]]) -> XlsxTable:
    """The ranking as an exportable table (also used by the web pages)."""
    from ecer.services.assessment import ranking

    columns = [XlsxColumn("rank", "名次", kind="integer"), XlsxColumn("region", "地区"),
               XlsxColumn("region_code", "区划代码"), XlsxColumn("score", "得分", "分", "number"),
               XlsxColumn("rating", "等级"), XlsxColumn("vetoed", "一票否决"), XlsxColumn("status", "状态")]
    rows = [{**r, "status": STATUS_ZH.get(r["status"], r["status"])} for r in ranking(results)]
    return XlsxTable("考核结果", columns, rows)


def build_assessment(session: Session, year: int) -> GovDocument:
    from ecer.services.assessment import evaluate, ranking
    from ecer.services.energy import has_demo_data
    from ecer.storage.plans import active_plan

    plan = active_plan(session)
    results = evaluate(session, year)
    doc = GovDocument(f"{plan.city.name}人民政府", f"吉市政〔{year + 1}〕　号（文号待定）",
                      f"关于{year}年度各县（市）区节能目标责任评价考核结果的通报")
    if has_demo_data(session):
        doc.paragraph("注意：本报告所用数据含合成演示数据（SYNTHETIC DEMO DATA），不代表真实统计。", bold=True)
    statuses = {r["status"] for r in results}
    if statuses != {"published"}:
        doc.paragraph("本结果尚未全部公布（含草稿或已审核未公布的结果），仅供审核使用。", bold=True)
    counts = {name: sum(r["rating"] == name for r in results) for name in ("超额完成", "完成", "基本完成", "未完成")}
    doc.paragraph(f"根据《{plan.metadata.title}》，市政府对 {len(results)} 个县（市）区 {year} 年度节能目标责任"
                  f"进行了评价考核。结果为：超额完成 {counts['超额完成']} 个，完成 {counts['完成']} 个，"
                  f"基本完成 {counts['基本完成']} 个，未完成 {counts['未完成']} 个。")
    doc.heading(1, "考核结果")
    doc.table(["名次", "地区", "得分", "等级", "一票否决", "状态"],
              [[r["rank"], r["region"], points(r["score"]), r["rating"], "是" if r["vetoed"] else "否",
                STATUS_ZH.get(r["status"], r["status"])] for r in ranking(results)],
              caption=f"表1 {year}年度各县（市）区节能目标责任评价考核结果")
    doc.paragraph("等级：超额完成（95 分及以上）、完成（80 分及以上、不足 95 分）、基本完成（60 分及以上、不足 80 分）、"
                  "未完成（不足 60 分或能耗强度降低目标未完成被一票否决）。")
    doc.heading(1, "各地区考核明细")
    for r in results:
        doc.heading(2, f"{r['region']}（{points(r['score'])} 分，{r['rating']}）")
        doc.table(["考核项", "得分", "满分", "依据"],
                  [[i["name"], points(i["points"]), points(i["max_points"]), i["basis"]] for i in r["items"]],
                  size_pt=9)
    doc.closing(f"{plan.city.name}人民政府", f"{dt.date.today().year}年{dt.date.today().month}月{dt.date.today().day}日")
    return doc


def write_assessment_report(url: str, year: int, out: Path) -> Path:
    """Write the report to ``out``: .docx, .pdf (through LibreOffice) or .xlsx (the score table)."""
    from ecer.reports.output import save_document
    from ecer.reports.xlsx import write_xlsx
    from ecer.services.assessment import evaluate
    from ecer.storage.db import session_scope

    with session_scope(url) as session:
        if out.suffix.lower() == ".xlsx":
            results = evaluate(session, year)
            write_xlsx(out, [score_table(results)])
            return out
        doc = build_assessment(session, year)
    return save_document(doc, out)

"""节能形势分析报告: the quarter's or year's energy situation as a government document (.docx / .pdf).

Content, all drawn from the database: the dual-control barometer of every Annex 1 region, charts of
intensity, energy and pollutant progress, the districts needing attention with the reasons the data
give, key units over budget and the monitoring alarm summary (where those modules hold data; the
report says so where they do not).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.energy.dual_control import DualControlResult
from ecer.domain.energy.periods import Period
from ecer.reports.charts import grouped_bars
from ecer.reports.govdoc import GovDocument

LEVEL_ZH = {"red": "红色", "yellow": "黄色", "green": "绿色", None: "数据不全"}
SYNTHETIC = "注意：本报告所用数据含合成演示数据（SYNTHETIC DEMO DATA），不代表真实统计。"


def pct(value: Decimal | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def attention_reasons(r: DualControlResult, period: Period) -> list[str]:
    """Why a region needs attention, in the data's own terms; empty when it does not."""
    reasons: list[str] = []
    if r.intensity_change is not None and r.intensity_change > 0:
        reasons.append(f"能耗强度同比上升 {pct(r.intensity_change)}")
    if r.level == "yellow":
        reasons.append(f"能耗强度同比下降 {pct(-r.intensity_change if r.intensity_change is not None else None)}，"
                       "低于年度目标")
    if r.gap is not None and r.gap < 0:
        reasons.append(f"累计降低 {pct(r.cumulative_reduction)}，按进度应降低 {pct(r.required_progress)}，"
                       f"落后 {abs(r.gap) * 100:.2f} 个百分点")
    if r.required_annual_rate_remaining is not None and r.required_annual_rate_remaining > Decimal("0.05"):
        reasons.append(f"完成基本目标后续年均须下降 {pct(r.required_annual_rate_remaining)}")
    if r.missing:
        reasons.append(f"缺报数据 {len(r.missing)} 项（如 {r.missing[0]}）")
    return reasons


def _pollutant_summary(session: Session, year: int) -> list[Any] | None:
    from ecer.services.assessment import pollutant_rows

    try:
        return pollutant_rows(session, year)
    except Exception:  # the projects module is another capability's, still moving
        return None


def _units_over_budget(session: Session, year: int) -> list[dict[str, Any]] | None:
    """Key units whose forecast exceeds their budget; None while the key-unit module holds no budgets."""
    try:
        from ecer.services.budgets import status_rows
    except ImportError:
        return None
    try:
        rows = [r for r in status_rows(session, year) if r.get("scope") == "unit"]
    except Exception:  # the key-unit module is another capability's, still moving
        return None
    if not rows:
        return None
    return [r for r in rows if r.get("forecast_tce") is not None and r.get("budget_tce") is not None
            and r["forecast_tce"] > r["budget_tce"]]


def _alarm_summary(session: Session, year: int) -> list[tuple[str, int, int]] | None:
    """(region, alarms, still open) for the year; None while no monitored source is registered."""
    try:
        from sqlalchemy import select

        from ecer.storage.monitoring import Alarm, MonitoredSource
    except ImportError:
        return None
    if session.scalar(select(MonitoredSource.id).limit(1)) is None:
        return None
    counts: dict[str, list[int]] = {}
    query = select(Alarm, MonitoredSource.region).join(MonitoredSource, MonitoredSource.mn == Alarm.mn)
    for alarm, region in session.execute(query):
        if alarm.start.year != year:
            continue
        entry = counts.setdefault(region, [0, 0])
        entry[0] += 1
        entry[1] += alarm.status == "open"
    return [(region, total, still_open) for region, (total, still_open) in sorted(counts.items())]


def build_situation(session: Session, year: int, period: Period) -> GovDocument:
    from ecer.services.energy import barometer, has_demo_data
    from ecer.storage.plans import active_plan

    plan = active_plan(session)
    results = barometer(session, year, period)
    city, districts = results[0], results[1:]
    label = f"{year}年" if period.is_year else f"{year}年{period.value}"
    doc = GovDocument(f"{plan.city.name}节能减排工作领导小组办公室", f"吉节减办〔{year}〕　号（文号待定）",
                      f"关于{label}全市节能形势的分析报告")
    if has_demo_data(session):
        doc.paragraph(SYNTHETIC, bold=True)
    doc.heading(1, "总体情况")
    doc.paragraph(
        f"{label}，{city.region}能耗强度同比{'上升' if (city.intensity_change or 0) > 0 else '下降'}"
        f"{pct(abs(city.intensity_change) if city.intensity_change is not None else None)}；"
        f"“十四五”以来累计下降 {pct(city.cumulative_reduction)}，按进度应下降 {pct(city.required_progress)}，"
        f"差距 {pct(city.gap)}；能耗双控晴雨表为{LEVEL_ZH[city.level]}。"
        f"全市 {len(districts)} 个县（市）区中，红色 {sum(r.level == 'red' for r in districts)} 个、"
        f"黄色 {sum(r.level == 'yellow' for r in districts)} 个、绿色 {sum(r.level == 'green' for r in districts)} 个。")
    doc.heading(1, "能耗双控晴雨表")
    doc.table(["地区", "强度同比", "累计降低", "进度要求", "差距", "预警等级", "基本目标"],
              [[r.region, pct(r.intensity_change), pct(r.cumulative_reduction), pct(r.required_progress),
                pct(r.gap), LEVEL_ZH[r.level], pct(r.basic_target, 1)] for r in results],
              caption=f"表1 {label}各地区能耗双控晴雨表")
    doc.paragraph(f"预警规则：{plan.metadata.barometer_rule}；强度同比为负表示下降，差距为负表示落后于进度。")
    doc.heading(1, "能耗强度与能源消费")
    labels = [r.region for r in results]
    doc.heading(2, "能耗强度累计降低")
    doc.image(grouped_bars(labels, [("累计降低", [_f(r.cumulative_reduction) for r in results]),
                                    ("进度要求", [_f(r.required_progress) for r in results])],
                           f"{label}能耗强度累计降低与进度要求", "降低率", percent=True),
              f"图1 {label}各地区能耗强度累计降低与进度要求")
    doc.heading(2, "能源消费量")
    doc.image(grouped_bars(labels[1:], [("考核口径能耗", [_f(r.assessed_energy_10k_tce) for r in districts])],
                           f"{label}各县（市）区能源消费量（考核口径）", "万吨标准煤"),
              f"图2 {label}各县（市）区能源消费量（万吨标准煤，考核口径）")
    doc.heading(1, "主要污染物重点工程减排进度")
    pollutants = _pollutant_summary(session, year)
    if not pollutants:
        doc.paragraph("重点工程减排模块尚无已审核的项目数据，本期不作分析。")
    else:
        names = {"COD": "化学需氧量", "NH3N": "氨氮", "NOx": "氮氧化物", "VOCs": "挥发性有机物"}
        city_rows = [p for p in pollutants if p.region == plan.city.name]
        doc.table(["污染物", "累计减排量（吨）", "五年目标（吨）", "完成率", "进度要求"],
                  [[names.get(p.pollutant, p.pollutant), f"{p.cumulative_reduction_t:.1f}", f"{p.target_t:f}",
                    pct(p.completion, 1), pct(p.required_progress, 1)] for p in city_rows],
                  caption=f"表2 {year}年全市主要污染物重点工程减排进度")
        doc.image(grouped_bars([names.get(p.pollutant, p.pollutant) for p in city_rows],
                               [("完成率", [_f(p.completion) for p in city_rows]),
                                ("进度要求", [_f(p.required_progress) for p in city_rows])],
                               f"{year}年主要污染物减排进度", "完成率", percent=True),
                  f"图3 {year}年全市主要污染物重点工程减排进度")
    doc.heading(1, "需要关注的地区")
    flagged = [(r, attention_reasons(r, period)) for r in districts]
    flagged = [(r, reasons) for r, reasons in flagged if reasons]
    if not flagged:
        doc.paragraph("各县（市）区均达到进度要求。")
    for r, reasons in flagged:
        doc.heading(2, r.region)
        doc.paragraph("；".join(reasons) + "。")
    doc.heading(1, "重点用能单位与监测预警")
    doc.heading(2, "超出用能预算的重点用能单位")
    units = _units_over_budget(session, year)
    if units is None:
        doc.paragraph("重点用能单位模块尚无用能预算数据。")
    elif not units:
        doc.paragraph("没有预测超出年度用能预算的重点用能单位。")
    else:
        doc.table(["地区", "单位", "预算（吨标准煤）", "预测（吨标准煤）"],
                  [[u.get("region"), u.get("name"), f"{u['budget_tce']:.0f}", f"{u['forecast_tce']:.0f}"]
                   for u in units], caption="表3 预测超出年度用能预算的重点用能单位")
    doc.heading(2, "在线监测预警")
    alarms = _alarm_summary(session, year)
    if alarms is None:
        doc.paragraph("在线监测模块尚未登记监测点位。")
    elif not alarms:
        doc.paragraph(f"{year}年未发生在线监测预警。")
    else:
        doc.table(["地区", "预警次数", "未处置"], [list(a) for a in alarms], caption="表4 在线监测预警汇总")
    doc.heading(1, "下一步工作建议")
    red = [r.region for r in districts if r.level == "red"]
    behind = [r.region for r in districts if r.gap is not None and r.gap < 0]
    if red:
        doc.paragraph(f"对{'、'.join(red)}等能耗强度不降反升的地区进行预警提醒，督促其分析原因、制定整改措施。")
    if behind:
        doc.paragraph(f"{'、'.join(behind)}累计进度落后，需加快推进节能重点工程，严格控制新上高耗能项目。")
    doc.paragraph("持续做好能源统计数据报送和审核，确保数据按时、准确、完整。")
    doc.closing(f"{plan.city.name}节能减排工作领导小组办公室", _date_zh(dt.date.today()))
    return doc


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_situation_report(url: str, year: int, period: Period, out: Path) -> Path:
    """Write the report to ``out`` (.docx, or .pdf through LibreOffice)."""
    from ecer.reports.output import save_document
    from ecer.storage.db import session_scope

    with session_scope(url) as session:
        doc = build_situation(session, year, period)
    return save_document(doc, out)

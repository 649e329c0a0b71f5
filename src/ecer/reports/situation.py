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
from ecer.reports import situation_data as data
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
    pollutants = data.pollutant_progress(session, year)
    units = data.unit_budgets(session, year)
    alarms = data.alarm_summary(session, year)
    env = data.environment(session, plan, year)
    numbers = _Numbers(figure=3, table=2)
    doc.heading(1, "主要污染物重点工程减排进度")
    _pollutant_section(doc, numbers, pollutants, plan.city.name, year)
    doc.heading(1, "环境质量")
    _environment_section(doc, numbers, env, year)
    doc.heading(1, "重点用能单位与监测预警")
    _units_section(doc, numbers, units, year)
    _alarms_section(doc, numbers, alarms, year)
    doc.heading(1, "需要关注的地区")
    more = data.attention_from_modules(units=units, alarms=alarms, pollutants=pollutants, env=env)
    flagged = [(r, attention_reasons(r, period) + more.get(r.region, [])) for r in districts]
    flagged = [(r, reasons) for r, reasons in flagged if reasons]
    if not flagged:
        doc.paragraph("各县（市）区均达到进度要求。")
    for r, reasons in flagged:
        doc.heading(2, r.region)
        doc.paragraph("；".join(reasons) + "。")
    doc.heading(1, "下一步工作建议")
    red = [r.region for r in districts if r.level == "red"]
    behind = [r.region for r in districts if r.gap is not None and r.gap < 0]
    if red:
        doc.paragraph(f"对{'、'.join(red)}等能耗强度不降反升的地区进行预警提醒，督促其分析原因、制定整改措施。")
    if behind:
        doc.paragraph(f"{'、'.join(behind)}累计进度落后，需加快推进节能重点工程，严格控制新上高耗能项目。")
    over = data.over_budget(units or [])
    if over:
        doc.paragraph(f"督促{'、'.join(u['name'] for u in over)}等预计超出用能预算的重点用能单位落实节能措施，"
                      "合理安排生产，确保不突破年度用能预算。")
    if alarms and any(a["open"] for a in alarms):
        doc.paragraph(f"督促{'、'.join(sorted({a['region'] for a in alarms if a['open']}))}及时处置在线监测预警，"
                      "查明原因并闭环管理。")
    below = [sec["name"] for sec in (env or {}).get("sections", []) if sec["meets_target"] is False]
    if below:
        doc.paragraph(f"针对{'、'.join(below)}等未达到水质目标的断面，排查入河排污口，落实水污染防治措施。")
    doc.paragraph("持续做好能源统计数据报送和审核，确保数据按时、准确、完整。")
    doc.closing(f"{plan.city.name}节能减排工作领导小组办公室", _date_zh(dt.date.today()))
    return doc


class _Numbers:
    """The next 图 and 表 numbers, so a section left out leaves no gap."""

    def __init__(self, figure: int, table: int) -> None:
        self._figure, self._table = figure, table

    def figure(self) -> int:
        self._figure += 1
        return self._figure - 1

    def table(self) -> int:
        self._table += 1
        return self._table - 1


def _pollutant_section(doc: GovDocument, n: _Numbers, rows: list[Any] | None, city: str, year: int) -> None:
    if not rows:
        doc.paragraph("重点工程减排模块尚无已审核的项目数据，本期不作分析。")
        return
    names = data.POLLUTANT_ZH
    city_rows = [p for p in rows if p.region == city]
    doc.table(["污染物", "累计减排量（吨）", "五年目标（吨）", "完成率", "进度要求"],
              [[names.get(p.pollutant, p.pollutant), f"{p.cumulative_reduction_t:.1f}", f"{p.target_t:f}",
                pct(p.completion, 1), pct(p.required_progress, 1)] for p in city_rows],
              caption=f"表{n.table()} {year}年全市主要污染物重点工程减排进度（对照附件2目标）")
    doc.image(grouped_bars([names.get(p.pollutant, p.pollutant) for p in city_rows],
                           [("完成率", [_f(p.completion) for p in city_rows]),
                            ("进度要求", [_f(p.required_progress) for p in city_rows])],
                           f"{year}年主要污染物减排进度", "完成率", percent=True),
              f"图{n.figure()} {year}年全市主要污染物重点工程减排进度")
    behind = [p for p in rows if p.region != city and p.completion is not None and p.required_progress is not None
              and p.completion < p.required_progress]
    if behind:
        doc.paragraph(f"各地区中共有 {len(behind)} 项污染物减排完成率低于进度要求，涉及"
                      f"{'、'.join(sorted({p.region for p in behind}))}。")


def _environment_section(doc: GovDocument, n: _Numbers, env: dict[str, Any] | None, year: int) -> None:
    if env is None:
        doc.paragraph("环境质量模块尚未登记监测站点，本期不作评价。")
        return
    doc.heading(2, "环境空气质量")
    city, regions = env["air_city"], env["air_regions"]
    if city is None:
        doc.paragraph("尚无环境空气质量监测数据。")
    else:
        doc.paragraph(f"{year}年全市环境空气质量优良天数 {city['good_days']} 天，优良天数比例 "
                      f"{pct(city['good_day_share'], 1)}；重度及以上污染 {city['heavy_pollution_days']} 天；"
                      f"PM2.5 年均浓度 {city['pm2_5']} μg/m³；综合指数 {city['comprehensive_index']}"
                      "（按 HJ 663-2013 和环办监测〔2018〕19号计算）。")
        doc.table(["排名", "地区", "综合指数", "优良天数比例", "PM2.5（μg/m³）", "重污染天数"],
                  [[r["rank"] or "—", r["region"], r["comprehensive_index"], pct(r["good_day_share"], 1),
                    r["pm2_5"], r["heavy_pollution_days"]] for r in regions],
                  caption=f"表{n.table()} {year}年各地区环境空气质量综合指数排名")
        doc.image(grouped_bars([r["region"] for r in regions],
                               [("优良天数比例", [_f(r["good_day_share"]) for r in regions])],
                               f"{year}年各地区空气质量优良天数比例", "优良天数比例", percent=True,
                               reference=_f(city["good_day_share"])),
                  f"图{n.figure()} {year}年各地区空气质量优良天数比例（虚线为全市）")
    doc.heading(2, "地表水环境质量")
    water, sections = env["water_city"], env["sections"]
    if water is None:
        doc.paragraph("尚无地表水监测数据。")
    else:
        doc.paragraph(f"全市 {water['sections']} 个监测断面中，达到或优于Ⅲ类 {water['good']} 个（{pct(water['good_share'], 1)}），"
                      f"劣Ⅴ类 {water['worse_than_v']} 个，达到水质目标 {water['meeting_target']} 个"
                      f"（{pct(water['target_share'], 1)}）（按 GB 3838-2002 评价）。")
        doc.table(["断面", "地区", "水体", "水质类别", "目标", "是否达标"],
                  [[s["name"], s["region"], s["water_body"] or "—", s["water_class"] or "—", s["target_class"] or "—",
                    {True: "达标", False: "未达标", None: "—"}[s["meets_target"]]] for s in sections],
                  caption=f"表{n.table()} {year}年地表水监测断面水质类别与目标")
    if env["alarms"]:
        doc.paragraph("环境质量预警：" + "；".join(f"{a['region']}{a['kind_zh']} {a['count']} 次" for a in env["alarms"])
                      + "。")


def _units_section(doc: GovDocument, n: _Numbers, units: list[dict[str, Any]] | None, year: int) -> None:
    doc.heading(2, "超出用能预算的重点用能单位")
    if units is None:
        doc.paragraph("重点用能单位模块尚无用能预算数据。")
        return
    over = data.over_budget(units)
    doc.paragraph(f"{year}年设定用能预算的重点用能单位 {len(units)} 家，按已审核月报预测全年用能超出预算的 {len(over)} 家。")
    if over:
        doc.table(["地区", "单位", "预算（吨标准煤）", "预测（吨标准煤）", "超出（吨标准煤）"],
                  [[u.get("region"), u.get("name"), f"{u['budget_tce']:,.0f}", f"{u['forecast_tce']:,.0f}",
                    f"{u['forecast_tce'] - u['budget_tce']:,.0f}"] for u in over],
                  caption=f"表{n.table()} 预测超出年度用能预算的重点用能单位")
    shown = [u for u in units if u.get("forecast_tce") is not None and u.get("budget_tce")]
    if shown:
        doc.image(grouped_bars([u["name"] for u in shown],
                               [("预测占预算", [float(u["forecast_tce"] / u["budget_tce"]) for u in shown])],
                               f"{year}年重点用能单位预测用能占预算比例", "占预算", percent=True, reference=1.0),
                  f"图{n.figure()} {year}年重点用能单位预测用能占预算比例（虚线为预算）")


def _alarms_section(doc: GovDocument, n: _Numbers, alarms: list[dict[str, Any]] | None, year: int) -> None:
    doc.heading(2, "在线监测预警")
    if alarms is None:
        doc.paragraph("在线监测模块尚未登记监测点位。")
        return
    if not alarms:
        doc.paragraph(f"{year}年未发生在线监测预警。")
        return
    total, still_open = sum(a["total"] for a in alarms), sum(a["open"] for a in alarms)
    doc.paragraph(f"{year}年在线监测共预警 {total} 次，其中未处置 {still_open} 次、"
                  f"已确认 {sum(a['acknowledged'] for a in alarms)} 次、已关闭 {sum(a['closed'] for a in alarms)} 次。")
    doc.table(["地区", "预警类型", "次数", "未处置", "已确认", "已关闭"],
              [[a["region"], a["kind_zh"], a["total"], a["open"], a["acknowledged"], a["closed"]] for a in alarms],
              caption=f"表{n.table()} {year}年在线监测预警汇总（按地区和类型）")


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

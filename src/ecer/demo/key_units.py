"""Synthetic key energy-using units (合成演示数据): registry, two years of monthly reports, meter data,
two-high projects and budgets, written as workbooks and imported through the normal importers.

Six invented units in the plan's Annex regions — petrochemical (refining and ethylene), steel (blast
furnace and converter), cement clinker, power and heat, chemical fibre, a data centre — with seasonal
profiles (cement kilns stop in the Jilin winter, the heat plant burns most in it). Meter readings go
through the same service as the gateway API. Every figure is invented and marked so.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ecer.domain.energy.key_units import credit_code_check_character
from ecer.importers import budgets, key_units, two_high
from ecer.importers.templates import write_template

YEARS = (2023, 2024)
NOTE = "本工作簿由 ecer demo-data 确定性生成，全部数字均为合成数据（SYNTHETIC），仅供演示与测试，不代表任何真实单位。"


def demo_code(n: int) -> str:
    first17 = f"91220200MA0HCD0{n:02d}"
    return first17 + credit_code_check_character(first17)


# code n, name, industry code and name, region, manager, declared tce, [(product, name, capacity, unit)]
UNITS: list[tuple[int, str, str, str, str, str, int, list[tuple[str, str, int, str]]]] = [
    (1, "演示石化有限公司", "C2511", "原油加工及石油制品制造", "龙潭区", "赵工", 1450000,
     [("refining", "1000万吨/年炼油", 76800000, "吨·能量因数/年"), ("ethylene", "85万吨/年乙烯", 850000, "吨/年")]),
    (2, "演示钢铁有限公司", "C3110", "炼铁", "经开区", "钱工", 870000,
     [("blast_furnace", "高炉", 2500000, "吨/年"), ("converter", "转炉", 2800000, "吨/年")]),
    (3, "演示水泥有限公司", "C3011", "水泥制造", "磐石市", "孙工", 118000,
     [("cement_clinker", "4500t/d 熟料线", 1400000, "吨/年")]),
    (4, "演示热电有限公司", "D4412", "热电联产", "昌邑区", "李工", 980000, []),
    (5, "演示化纤有限公司", "C2821", "纤维素纤维原料及纤维制造", "经开区", "周工", 310000, []),
    (6, "演示数据中心有限公司", "I6531", "信息技术咨询服务（数据中心）", "高新区", "吴工", 18000,
     [("data_centre", "超大型数据中心（新建）", 30000, "机架")]),
]
WINTER = {1: Decimal("1.35"), 2: Decimal("1.25"), 3: Decimal("1.1"), 4: Decimal("0.85"), 5: Decimal("0.7"),
          6: Decimal("0.65"), 7: Decimal("0.7"), 8: Decimal("0.7"), 9: Decimal("0.75"), 10: Decimal("0.95"),
          11: Decimal("1.25"), 12: Decimal("1.4")}
KILN = {1: Decimal("0.1"), 2: Decimal("0.2"), 12: Decimal("0.3")}  # winter stop of the cement kilns
METERED = "电力"


def _q(value: Decimal, step: str = "1") -> Decimal:
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def _month_lines(n: int, year: int, month: int) -> list[tuple[str, str, str | None, Decimal, str]]:
    """(item, name, product, quantity, unit) of unit ``n``; 2024 slightly better than 2023."""
    g = Decimal("0.98") if year == 2024 else Decimal(1)  # efficiency gain
    up = Decimal("1.03") if year == 2024 else Decimal(1)  # output growth
    if n == 1:
        return [("消费", "炼厂干气", "refining", _q(35000 * g * up), "吨"),
                ("消费", "电力", "refining", _q(5000 * up), "万千瓦时"),
                ("产品产量", "refining", None, _q(6400000 * up), "吨·能量因数"),
                ("消费", "燃料油", "ethylene", _q(30000 * g * up), "吨"),
                ("消费", "电力", "ethylene", _q(3000 * up), "万千瓦时"),
                ("消费", "蒸汽", "ethylene", _q(50000 * up), "吨"),
                ("产品产量", "ethylene", None, _q(70000 * up), "吨"),
                ("原料", "天然气", None, _q(2000 * up), "万立方米"),
                ("工业增加值", "", None, _q(80000 * up), "万元")]
    if n == 2:
        return [("消费", "焦炭", "blast_furnace", _q(60000 * g * up), "吨"),
                ("消费", "原煤", "blast_furnace", _q(25000 * g * up), "吨"),
                ("消费", "电力", "blast_furnace", _q(1000 * up), "万千瓦时"),
                ("产品产量", "blast_furnace", None, _q(200000 * up), "吨"),
                ("消费", "电力", "converter", _q(500 * up), "万千瓦时"),
                ("外供", "蒸汽", "converter", _q(40000 * up / g), "吨"),
                ("产品产量", "converter", None, _q(220000 * up), "吨"),
                ("工业增加值", "", None, _q(45000 * up), "万元")]
    if n == 3:
        share = KILN.get(month, Decimal(1)) * up
        return [("消费", "原煤", None, _q(14000 * share * g), "吨"),
                ("消费", "电力", None, _q(800 * share, "0.1"), "万千瓦时"),
                ("产品产量", "cement_clinker", None, _q(120000 * share), "吨"),
                ("工业增加值", "", None, _q(6000 * share), "万元")]
    if n == 4:
        season = WINTER[month]
        return [("消费", "原煤", None, _q(110000 * season * g), "吨"),
                ("消费", "电力", None, _q(1500 * season, "0.1"), "万千瓦时"),
                ("外供", "电力", None, _q(12000 * season, "0.1"), "万千瓦时"),
                ("外供", "热力", None, _q(800000 * season), "吉焦"),
                ("工业增加值", "", None, _q(9000 * season), "万元")]
    if n == 5:
        return [("消费", "原煤", None, _q(20000 * g * up), "吨"),
                ("消费", "电力", None, _q(3000 * up), "万千瓦时"),
                ("消费", "蒸汽", None, _q(60000 * up), "吨"),
                ("工业增加值", "", None, _q(12000 * up), "万元")]
    summer = Decimal("1.08") if month in (6, 7, 8) else Decimal(1)
    it = _q(930 * up * summer, "0.1")
    return [("消费", "电力", None, _q(it * (Decimal("1.29") if year == 2024 else Decimal("1.34")), "0.1"), "万千瓦时"),
            ("IT设备用电", "电力", None, it * 10000, "千瓦时"),
            ("工业增加值", "", None, _q(2500 * up), "万元")]


def report_rows() -> list[list[Any]]:
    rows: list[list[Any]] = []
    for n, *_ in UNITS:
        for year in YEARS:
            for month in range(1, 13):
                for item, name, product, amount, unit in _month_lines(n, year, month):
                    rows.append([demo_code(n), year, month, item, name or None, product, amount, unit])
    return rows


def unit_rows() -> list[list[Any]]:
    rows: list[list[Any]] = []
    for n, name, industry, industry_name, region, manager, energy, products in UNITS:
        base = [demo_code(n), name, industry, industry_name, region, manager, "0432-0000000", energy]
        for product, product_name, capacity, unit in products or [(None, None, None, None)]:  # type: ignore[list-item]
            rows.append([*base, product, product_name, capacity, unit, "是" if product == "data_centre" else None])
    return rows


def two_high_rows() -> list[list[Any]]:
    return [
        ["演示石化 1000万吨/年炼油（存量）", demo_code(1), "C2511", "原油加工及石油制品制造", "龙潭区", "存量", "refining",
         76800000, "吨·能量因数/年", "7.6", 820000, 900000, None, "无", None, "吉市发改审〔2008〕1号", "2008-06-30",
         None],
        ["演示石化 乙烯扩能（拟建）", demo_code(1), "C2614", "有机化学原料制造", "龙潭区", "拟建", "ethylene", 400000,
         "吨/年", "600", 240000, 252000, None, "无", None, None, None, None],
        ["演示水泥 熟料线技改（在建）", demo_code(3), "C3011", "水泥制造", "磐石市", "在建", "cement_clinker", 1400000,
         "吨/年", "98", 137200, 141500, 150000, "等量替代", "关停2台20蒸吨/小时燃煤锅炉", "吉市发改审〔2023〕12号",
         "2023-05-10", None],
    ]


def _write(out: Path, name: str, title: str, sheet: str, columns: Any, rows: list[list[Any]]) -> Path:
    path = out / name
    write_template(path, f"合成演示数据（SYNTHETIC DEMO DATA）— {title}", sheet, columns, [NOTE], examples=rows)
    return path


def budget_rows(url: str) -> list[list[Any]]:
    """Region budgets 6 % above 2023's reported energy; unit budgets near 2023's 等价值 use (tight for cement)."""
    from ecer.domain.energy.periods import Period
    from ecer.services.key_units import monthly_primary_tce
    from ecer.storage.db import session_scope
    from ecer.storage.energy_reports import approved_months
    from ecer.storage.key_unit_registry import unit_by_code
    from ecer.storage.statistics import latest_approved

    rows: list[list[Any]] = []
    with session_scope(url) as session:
        stats = latest_approved(session)
        for region in sorted({u[4] for u in UNITS}):
            year = stats.get(region, {}).get((2023, Period.YEAR))
            if year is not None and year.energy_10k_tce is not None:
                rows.append([2024, "地区", region, None, None, _q(year.energy_10k_tce * 10000 * Decimal("1.06"), "1000"),
                             NOTE[:20]])
        for n, _name, *_rest in UNITS:
            unit = unit_by_code(session, demo_code(n))
            months = approved_months(session, [unit.id]).get(unit.id, {})
            used = sum(monthly_primary_tce(months).get(2023, {}).values(), Decimal(0))
            factor = Decimal("0.95") if n == 3 else Decimal("1.02")
            rows.append([2024, "单位", unit.region, unit.credit_code, None, _q(used * factor, "100"), NOTE[:20]])
    return rows


def meter_readings(n: int, year: int) -> list[dict[str, Any]]:
    """Daily and monthly electricity readings matching the reports, with deliberate faults to find."""
    readings: list[dict[str, Any]] = []
    for month in range(1, 13):
        kwh = sum(q * 10000 for item, name, _p, q, _u in _month_lines(n, year, month)
                  if item == "消费" and name == METERED)
        if n == 6 and (year, month) == (2024, 7):
            kwh = kwh * Decimal("1.08")  # meters 8 % above the report: listed by the reconciliation
        days = calendar.monthrange(year, month)[1]
        for day in range(1, days + 1):
            if n == 3 and (year, month) == (2024, 2) and day > 24:
                continue  # a gateway outage: completeness 24/29 < 90 %
            at = dt.datetime(year, month, day) + (dt.timedelta(minutes=3) if n == 5 and day == 15 else dt.timedelta())
            readings.append({"meter": "E01", "at": at, "period": "day", "value": _q(kwh / days, "0.1"), "unit": "kWh"})
        readings.append({"meter": "E01", "at": dt.datetime(year, month, 1), "period": "month", "value": kwh,
                         "unit": "kWh"})
    return readings


def import_meter_data(url: str) -> dict[str, Any]:
    """Meters and readings through the gateway service (the API's own code path)."""
    from ecer.services.meter_data import upload_meters, upload_readings
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import unit_by_code

    stored = 0
    with session_scope(url) as session:
        for n, *_ in UNITS:
            unit = unit_by_code(session, demo_code(n))
            upload_meters(session, unit, [{"code": "E01", "name": "总进线电能表", "carrier": METERED, "unit": "kWh"}])
            for year in YEARS:
                stored += upload_readings(session, unit, meter_readings(n, year))["stored"]
    return {"kind": "meter-readings", "file": "(gateway service)", "rows_added": stored}


def import_demo(url: str, out: Path) -> list[dict[str, Any]]:
    """Write the key-unit workbooks into ``out`` and import them through the normal importers."""
    from ecer.services import key_unit_imports as imports

    out.mkdir(parents=True, exist_ok=True)
    actor = "demo-data"
    steps = [
        (imports.import_units, _write(out, "合成演示_重点用能单位.xlsx", "重点用能单位", "重点用能单位",
                                      key_units.UNIT_COLUMNS, unit_rows())),
        (imports.import_energy_reports, _write(out, "合成演示_能源月报.xlsx", "能源月报", "能源月报",
                                               key_units.REPORT_COLUMNS, report_rows())),
        (imports.import_two_high, _write(out, "合成演示_两高项目.xlsx", "“两高”项目清单", "两高项目",
                                         two_high.COLUMNS, two_high_rows())),
    ]
    summary = [service(url, path, actor=actor, channel="demo") for service, path in steps]
    budget_book = _write(out, "合成演示_用能预算.xlsx", "用能预算", "用能预算", budgets.COLUMNS, budget_rows(url))
    summary.append(imports.import_budgets(url, budget_book, actor=actor, channel="demo"))
    summary.append(import_meter_data(url))
    return summary

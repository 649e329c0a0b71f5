"""``ecer template|import stations|air-quality|water-quality``, ``ecer air evaluate``, ``ecer water evaluate``,
``ecer environment stations|alarms``: the stored side of environmental quality (issue 8).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from ecer import config
from ecer.cli.environment import air_app, water_app
from ecer.cli.output import console, print_json, print_table
from ecer.cli.workbooks import import_app, template_app
from ecer.domain.errors import EcerError

environment_app = typer.Typer(help="环境质量站点与预警 (stations and alarms)", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 数组")]
OutArg = Annotated[Path, typer.Argument(help="输出文件 .xlsx")]
FileArg = Annotated[Path, typer.Argument(help=".xlsx 或 .csv")]
YearOpt = Annotated[int, typer.Option("--year", help="年份")]
MonthOpt = Annotated[int | None, typer.Option("--month", help="月份 1～12；省略则为全年（含各月）")]

TEMPLATES: dict[str, tuple[str, str, list[str], list[list[Any]]]] = {
    "stations": ("环境质量站点与断面登记模板", "站点", [
        "每行一个空气质量站点（类型 air）或地表水断面（类型 water），站点编码唯一；再次导入同一编码即更新其登记信息。",
        "所属地区填规划中的地区名称（如 船营区）；断面须填水体类型（river 河流 / lake 湖库），水质目标填 I～V。",
        "通过 HJ 212 在线上报的站点须填 MN（空气 ST=22，地表水 ST=21）。",
    ], [["AIR-CY01", "示例空气站", "air", "船营区", None, None, None, None, 126.55, 43.84]]),
    "air-quality": ("环境空气质量浓度导入模板", "空气质量", [
        "每行一个站点的一天（小时列留空）或一小时（小时填 0～23，为该小时的起始时刻）的浓度；μg/m³，CO 为 mg/m³。",
        "空白表示未监测；不得用 0 代替缺测。数据标记非 N 的行保留但不参与统计（GB 3095-2012 表4、HJ 663-2013）。",
        "有小时数据的日期，日均值由小时值按有效性规定计算（24小时平均至少20个小时值，8小时臭氧至少6个）。",
    ], [["AIR-CY01", "2024-01-01", None, 12, 35, 80, 1.2, 60, 48, 55, None]]),
    "water-quality": ("地表水水质监测数据导入模板", "水质", [
        "每行一个断面的一次采样；单位见列名（mg/L，粪大肠菌群为 个/L，pH 无量纲）。空白表示未监测。",
        "评价按 GB 3838-2002 单因子评价法；水温、总氮、粪大肠菌群为参考项目，不参与定类（总氮仅湖库评价）。",
        "数据标记非 N 的样品保留但不参与评价。",
    ], [["SW-SHJ01", "2024-01-15", 7.6, 9.1, 3.2, 14, 2.1, 0.35, 0.08]]),
}


def _columns(kind: str) -> Any:
    from ecer.importers import environment as formats

    return {"stations": formats.STATION_COLUMNS, "air-quality": formats.AIR_COLUMNS,
            "water-quality": formats.WATER_COLUMNS}[kind]


def _template(kind: str) -> Any:
    def write(out: OutArg) -> None:
        from ecer.importers.templates import write_template

        title, sheet, notes, examples = TEMPLATES[kind]
        columns = _columns(kind)
        padded = [[*row, *[None] * (len(columns) - len(row))] for row in examples]
        write_template(out, title, sheet, columns, [*notes, "任何一处错误都会使整个文件不被导入，并列出全部错误（文件、工作表、行、列）。"],
                       examples=padded)
        console().print(f"已写出模板 {out}")

    write.__doc__ = f"写出{TEMPLATES[kind][0]}（含说明工作表）。"
    return write


def _import(kind: str) -> Any:
    def run(file: FileArg, as_json: JsonOpt = False) -> None:
        from ecer.services import environment_imports as service

        function = {"stations": service.import_stations, "air-quality": service.import_air_quality,
                    "water-quality": service.import_water_quality}[kind]
        result = function(config.database_url(), file, actor=config.current_user())
        if as_json:
            print_json([result])
            return
        alarms = f"，新增预警 {result['alarms_added']} 条" if "alarms_added" in result else ""
        console().print(f"已导入 {file}：读取 {result['rows_read']} 行，新增 {result['rows_added']} 条，"
                        f"更新 {result['rows_updated']} 条（相同数据不重复记录）{alarms}")

    run.__doc__ = {"stations": "导入站点与断面登记（按编码新增或更新）。",
                   "air-quality": "导入空气质量浓度（小时或日数据）：先检查全部行，有任何错误则全部不写入。",
                   "water-quality": "导入地表水采样数据：先检查全部行，有任何错误则全部不写入。"}[kind]
    return run


def _month(month: int | None) -> int | None:
    if month is not None and not 1 <= month <= 12:
        raise EcerError("ENV_BAD_MONTH", str(month), field="--month", value=month)
    return month


def _reasons(invalid: dict[str, str]) -> str:
    """Pollutants sharing a reason on one line: ``SO2、NO2：有效日数不足：7月 26 天``."""
    grouped: dict[str, list[str]] = {}
    for key, reason in invalid.items():
        grouped.setdefault(reason, []).append(key)
    return "；".join(f"{'、'.join(keys)}：{reason}" for reason, keys in grouped.items())


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def air_evaluate(year: YearOpt, month: MonthOpt = None, as_json: JsonOpt = False) -> None:
    """按 HJ 663-2013 与 环办监测〔2018〕19号 评价全市、各地区、各站点的环境空气质量并排名。"""
    from ecer.services.environment_quality import evaluate_air
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    with session_scope(config.database_url()) as session:
        rows = evaluate_air(session, active_plan(session), year, _month(month))
    if as_json:
        print_json(rows)
        return
    shown = [r for r in rows if r["month"] == month]
    print_table(
        f"环境空气质量评价 {year}" + (f"年{month}月" if month else "年"),
        ["范围", "名称", "排名", "有效天", "PM2.5", "PM10", "SO2", "NO2", "CO-95", "O3-8h-90", "优良天数比例",
         "重污染天", "综合指数", "无效项"],
        [[{"city": "全市", "region": "地区", "station": "站点"}[r["scope"]], r["name"], r["rank"], r["valid_days"],
          r["pm2_5"], r["pm10"], r["so2"], r["no2"], r["co_p95"], r["o3_8h_p90"], _pct(r["good_day_share"]),
          r["heavy_pollution_days"], r["comprehensive_index"], _reasons(r["invalid"])]
         for r in shown],
    )
    city = shown[0]
    console().print(city.get("plan_targets_note") or "\n".join(
        f"{t['name']}：目标 {t['comparison']} {t['target']}，实际 {t['actual']}，{'达标' if t['met'] else '未达标'}"
        for t in city.get("plan_targets", [])))


def water_evaluate(year: YearOpt, month: MonthOpt = None, as_json: JsonOpt = False) -> None:
    """按 GB 3838-2002 与 地表水环境质量评价办法 评价各断面水质类别与目标，并统计各地区 I～III 类与劣V类比例。"""
    from ecer.services.environment_quality import evaluate_water
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    with session_scope(config.database_url()) as session:
        rows = evaluate_water(session, active_plan(session), year, _month(month))
    if as_json:
        print_json(rows)
        return
    shown = [r for r in rows if r["month"] == month]
    period = f"{year}" + (f"年{month}月" if month else "年")
    print_table(f"地表水断面水质 {period}", ["断面", "名称", "地区", "水体", "目标", "样品数", "水质类别", "定类项目", "达标"],
                [[r["section"], r["name"], r["region"], r["water_body"], r["target_class"], r["samples"],
                  r["water_class"], "、".join(r["limiting_parameters"]),
                  {True: "是", False: "否", None: "—"}[r["meets_target"]]] for r in shown if r["scope"] == "section"])
    print_table(f"地表水水质比例 {period}", ["范围", "断面数", "参评", "I～III类比例", "劣V类比例", "达标比例"],
                [[r["name"], r["sections"], r["evaluated"], _pct(r["good_share"]), _pct(r["worse_than_v_share"]),
                  _pct(r["target_share"])] for r in shown if r["scope"] != "section"])
    city = shown[0]
    console().print(city.get("plan_targets_note") or "\n".join(
        f"{t['name']}：目标 {t['comparison']} {t['target']}，实际 {t['actual']}，{'达标' if t['met'] else '未达标'}"
        for t in city.get("plan_targets", [])))


def list_stations(as_json: JsonOpt = False) -> None:
    """列出已登记的空气质量站点与地表水断面。"""
    from ecer.storage import environment_data as data
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        rows = [{"code": s.code, "name": s.name, "medium": s.medium, "region": s.region, "water_kind": s.water_kind,
                 "water_body": s.water_body, "target_class": s.target_class, "mn": s.mn, "longitude": s.longitude,
                 "latitude": s.latitude} for s in data.stations(session)]
    if as_json:
        print_json(rows)
        return
    print_table("环境质量站点与断面", ["编码", "名称", "类型", "地区", "水体", "目标", "MN"],
                [[r["code"], r["name"], r["medium"], r["region"], r["water_body"], r["target_class"], r["mn"]]
                 for r in rows])


def list_alarms(
    medium: Annotated[str | None, typer.Option("--medium", help="air 或 water；省略为全部")] = None,
    year: Annotated[int | None, typer.Option("--year", help="只列该年的预警")] = None,
    check: Annotated[bool, typer.Option("--check", help="先检查停止上报的站点（截至 --as-of）")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="检查日期 YYYY-MM-DD（默认今天）")] = None,
    as_json: JsonOpt = False,
) -> None:
    """列出环境质量预警：重度及以上污染日、断面水质劣于目标、站点停止上报。"""
    from ecer.services import environment_alarms
    from ecer.storage.db import session_scope

    if medium is not None and medium not in ("air", "water"):
        raise EcerError("ENV_BAD_MEDIUM", medium, field="--medium", value=medium)
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError as exc:
        raise EcerError("ENV_BAD_DATE", as_of or "", field="--as-of", value=as_of) from exc
    with session_scope(config.database_url()) as session:
        if check:
            environment_alarms.scan(session, day - dt.timedelta(days=400), day, as_of=day)
        first, last = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else (None, None)
        rows = environment_alarms.list_alarms(session, medium=medium, first=first, last=last)
    if as_json:
        print_json(rows)
        return
    print_table("环境质量预警", ["日期", "类型", "站点", "地区", "数值", "说明"],
                [[r["date"], r["kind_zh"], r["station_name"], r["region"], r["value"], r["message"]] for r in rows])


def register(app: typer.Typer) -> None:
    for kind in TEMPLATES:
        template_app.command(kind)(_template(kind))
        import_app.command(kind)(_import(kind))
    air_app.command("evaluate")(air_evaluate)
    water_app.command("evaluate")(water_evaluate)
    from ecer.cli.environment_stations import stations_app

    environment_app.add_typer(stations_app, name="stations")
    environment_app.command("alarms")(list_alarms)
    app.add_typer(environment_app, name="environment")

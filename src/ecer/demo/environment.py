"""Synthetic environmental-quality data (合成演示数据): 4 air stations and 6 surface-water sections, 2024.

Air: daily concentrations with a heating-season rise in particulates (Jilin heats from October to
April), summer ozone, five heavy-pollution days in January and December, a station that stops
reporting for four days in July and a few days flagged as device faults (D). Water: a sample on
the 15th of every month at sections on the 松花江 (松花湖 reservoir included) and its tributaries;
the 牤牛河 section misses its target class in the dry months. Every figure is invented.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ecer.importers.environment import AIR_COLUMNS, STATION_COLUMNS, WATER_COLUMNS
from ecer.importers.templates import write_template

YEAR = 2024
NOTE = "本工作簿由 ecer demo-data 确定性生成，全部数字均为合成数据（SYNTHETIC），仅供演示与测试，不代表任何真实监测结果。"

# code, name, region, longitude, latitude, particulate factor
AIR_STATIONS = [
    ("AIR-CY01", "哈达湾站", "船营区", "126.523", "43.874", "1.10"),
    ("AIR-CH01", "东局子站", "昌邑区", "126.592", "43.885", "1.00"),
    ("AIR-LT01", "龙潭山站", "龙潭区", "126.621", "43.912", "1.18"),
    ("AIR-FM01", "丰满站", "丰满区", "126.566", "43.781", "0.86"),
]
# code, name, region, kind, water body, target, longitude, latitude, (COD, NH3N, TP) base levels
SECTIONS = [
    ("SW-FM01", "丰满大坝", "丰满区", "lake", "松花湖", "II", "126.684", "43.716", ("11", "0.18", "0.018")),
    ("SW-WD01", "温德河口", "船营区", "river", "温德河", "III", "126.481", "43.829", ("16", "0.55", "0.12")),
    ("SW-HD01", "哈达湾", "船营区", "river", "松花江", "III", "126.516", "43.878", ("14", "0.42", "0.09")),
    ("SW-LT01", "龙潭大桥", "龙潭区", "river", "松花江", "III", "126.603", "43.921", ("15", "0.48", "0.10")),
    ("SW-MN01", "牤牛河口", "龙潭区", "river", "牤牛河", "IV", "126.650", "43.965", ("27", "1.25", "0.26")),
    ("SW-HF01", "辉发河口", "桦甸市", "river", "辉发河", "III", "126.742", "42.972", ("17", "0.62", "0.14")),
]
HEAVY_DAYS = {dt.date(YEAR, 1, 9), dt.date(YEAR, 1, 10), dt.date(YEAR, 1, 24), dt.date(YEAR, 12, 18),
              dt.date(YEAR, 12, 19)}
SILENT_STATION, SILENT_DAYS = "AIR-LT01", {dt.date(YEAR, 7, d) for d in range(8, 12)}
FAULT_DAYS = {("AIR-CH01", dt.date(YEAR, 3, 5)), ("AIR-FM01", dt.date(YEAR, 8, 21))}


def _q(value: float, step: str = "1") -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(step), rounding=ROUND_HALF_UP)


def station_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [[c, n, "air", r, None, None, None, None, Decimal(lon), Decimal(lat)]
                             for c, n, r, lon, lat, _f in AIR_STATIONS]
    rows += [[c, n, "water", r, k, body, t, None, Decimal(lon), Decimal(lat)]
             for c, n, r, k, body, t, lon, lat, _b in SECTIONS]
    return rows


def air_rows(seed: int = 8) -> list[list[Any]]:
    """Daily rows in ``AIR_COLUMNS`` order."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    day = dt.date(YEAR, 1, 1)
    while day.year == YEAR:
        t = (day.timetuple().tm_yday - 1) / 366
        heating = max(0.0, math.cos(2 * math.pi * t))  # 1 in January, 0 from April to October
        summer = max(0.0, -math.cos(2 * math.pi * t))  # 1 in July
        for code, _name, _region, _lon, _lat, factor in AIR_STATIONS:
            if code == SILENT_STATION and day in SILENT_DAYS:
                continue
            f = float(factor)
            pm25 = (22 + 38 * heating + rng.gauss(0, 9)) * f
            if day in HEAVY_DAYS:
                pm25 = (168 + rng.uniform(0, 40)) * f
            pm25 = max(6.0, pm25)
            o3_8h = max(20.0, 70 + 85 * summer + rng.gauss(0, 18))
            flag = "D" if (code, day) in FAULT_DAYS else None
            rows.append([
                code, day.isoformat(), None,
                _q(max(3.0, (9 + 16 * heating + rng.gauss(0, 3)) * f)),
                _q(max(8.0, 24 + 14 * heating + rng.gauss(0, 6))),
                _q(pm25 * 1.65 + rng.uniform(0, 12)),
                _q(max(0.3, 0.6 + 0.9 * heating + rng.gauss(0, 0.15) + (1.0 if day in HEAVY_DAYS else 0)), "0.1"),
                _q(o3_8h * 1.18), _q(o3_8h), _q(pm25), flag,
            ])
        day += dt.timedelta(days=1)
    return rows


def water_rows(seed: int = 38) -> list[list[Any]]:
    """Monthly samples in ``WATER_COLUMNS`` order (pH, DO, CODMn, COD, BOD5, NH3N, TP, TN; others blank)."""
    rng = random.Random(seed)
    keys = [c.key for c in WATER_COLUMNS]
    rows: list[list[Any]] = []
    for month in range(1, 13):
        dry = month in (1, 2, 3, 12)
        for code, *_rest, base in SECTIONS:
            cod, nh3n, tp = (float(b) for b in base)
            load = 1.35 if dry and code == "SW-MN01" else 1.0
            values = {
                "section": code, "sampled_at": f"{YEAR}-{month:02d}-15 10:00",
                "pH": _q(7.2 + rng.uniform(0, 0.8), "0.01"),
                "DO": _q((10.5 if dry else 7.2) + rng.uniform(-0.8, 0.8), "0.1"),
                "CODMn": _q(cod / 4.2 * load + rng.uniform(-0.3, 0.3), "0.1"),
                "COD": _q(cod * load + rng.uniform(-1.5, 1.5)),
                "BOD5": _q(cod / 6.5 * load + rng.uniform(-0.2, 0.2), "0.1"),
                "NH3N": _q(nh3n * load * load + rng.uniform(-0.05, 0.05), "0.01"),
                "TP": _q(tp * load + rng.uniform(-0.005, 0.005), "0.001"),
                "TN": _q(nh3n * 2.4 + 0.3 + rng.uniform(0, 0.2), "0.01"),
            }
            rows.append([values.get(k) for k in keys])
    return rows


def write_workbooks(out: Path) -> list[tuple[str, Path]]:
    out.mkdir(parents=True, exist_ok=True)
    books = [
        ("stations", out / "合成演示_环境质量站点.xlsx", STATION_COLUMNS, "站点", station_rows()),
        ("air-quality", out / "合成演示_空气质量2024.xlsx", AIR_COLUMNS, "空气质量", air_rows()),
        ("water-quality", out / "合成演示_地表水2024.xlsx", WATER_COLUMNS, "水质", water_rows()),
    ]
    for kind, path, columns, sheet, rows in books:
        write_template(path, f"合成演示数据（SYNTHETIC DEMO DATA）— {kind}", sheet, columns, [NOTE], examples=rows)
    return [(kind, path) for kind, path, *_ in books]


def import_demo(url: str, out: Path) -> list[dict[str, Any]]:
    """Write the demo workbooks into ``out`` and import them through the normal importers."""
    from ecer.services import environment_imports as service

    importers = {"stations": service.import_stations, "air-quality": service.import_air_quality,
                 "water-quality": service.import_water_quality}
    return [importers[kind](url, path, actor="demo-data", channel="demo") for kind, path in write_workbooks(out)]

"""Synthetic online-monitoring data (合成演示数据): six sources and a week of hourly HJ 212 uploads.

Three wastewater outlets and three flue-gas stacks in the plan's Annex 2 regions, registered
through the sources workbook; their 2061 hourly uploads for 2024-03-01 to 2024-03-07 are written as
a packet file (one packet a line, readable with ``ecer hj212 decode``) and stored through the same
path as the server (``ecer.services.monitoring.ingest_stream``). One COD outlet goes over its limit
in the small hours of the third day and one stack stops reporting for six hours, so the alarms (evaluated at the end of the week) have something to show.
Every figure is invented.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from ecer.importers.sources import COLUMNS
from ecer.importers.templates import write_template
from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.cp import CST

START = dt.datetime(2024, 3, 1, tzinfo=CST)
DAYS = 7
WATER = [("吉林化纤（合成）", "废水总排口", "w01018:60:mg/L:120;w21003:8:mg/L:15"),
         ("吉林污水处理厂（合成）", "出水口", "w01018:50:mg/L:800;w21003:5:mg/L:80"),
         ("桦甸造纸（合成）", "废水总排口", "w01018:80:mg/L:60;w21003:10:mg/L:6")]
FLUE = [("吉林热电（合成）", "1号烟囱", "a21002:50:mg/m3:900;a21026:35:mg/m3:600;a34013:10:mg/m3:90"),
        ("吉林石化（合成）", "加热炉烟囱", "a21002:100:mg/m3:400;a24088:60:mg/m3:50"),
        ("磐石水泥（合成）", "窑尾烟囱", "a21002:100:mg/m3:700;a34013:10:mg/m3:60")]


def _mn(index: int) -> str:
    return f"DE0000A8900016F0000000{index:02d}"


def source_rows(regions: list[str]) -> list[list[Any]]:
    rows = []
    for i, (name, outlet, pollutants) in enumerate(WATER + FLUE):
        kind = "废水" if i < len(WATER) else "废气"
        rows.append([_mn(i), "123456", name, outlet, kind, regions[i % len(regions)], "32" if i < len(WATER) else "31",
                     pollutants, 30, 600, None, None])
    return rows


def packets(seed: int = 2024) -> list[bytes]:
    """Hourly uploads (2061) of every source, with one over-limit afternoon and one six-hour gap."""
    rng = random.Random(seed)
    out = []
    for hour in range(DAYS * 24):
        when = START + dt.timedelta(hours=hour)
        for i in range(len(WATER)):
            flow = rng.uniform(40, 60)  # L/s
            cod = rng.uniform(25, 45) + (45 if i == 0 and 50 <= hour < 54 else 0)
            values = {"w00000": {"Avg": round(flow, 2), "Cou": round(flow * 3.6, 2), "Flag": "N"},
                      "w01018": {"Avg": round(cod, 1), "Flag": "N"},
                      "w21003": {"Avg": round(rng.uniform(1, 4), 2), "Flag": "N"}}
            out.append(builder.build(st="32", cn="2061", pw="123456", mn=_mn(i), qn=builder.make_qn(when),
                                     flag=builder.make_flag("2017", ack=True), values=values, data_time=when))
        for j, (_, _, pollutants) in enumerate(FLUE):
            if j == 1 and 100 <= hour < 106:
                continue  # 断线: six hours without data
            limits = [(p.split(":")[0], float(p.split(":")[1])) for p in pollutants.split(";")]
            values = {"a00000": {"Avg": round(rng.uniform(40, 70), 2), "Flag": "N"}}  # m³/s
            for code, limit in limits:
                measured = rng.uniform(0.3, 0.6) * limit
                values[code] = {"Avg": round(measured, 2), "ZsAvg": round(measured * 1.2, 2), "Flag": "N"}
            out.append(builder.build(st="31", cn="2061", pw="123456", mn=_mn(len(WATER) + j),
                                     qn=builder.make_qn(when), flag=builder.make_flag("2017", ack=True),
                                     values=values, data_time=when))
    return out


def import_demo(url: str, out: Path) -> list[dict[str, Any]]:
    """Write the sources workbook and the packet file into ``out``; import both through the normal paths."""
    from ecer.services.monitoring import evaluate_alarms, import_sources, ingest_stream
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    with session_scope(url) as session:
        plan = active_plan(session)
    regions = [r.name for r in plan.annex2_regions() if r.name != plan.city.name] or [plan.city.name]
    out.mkdir(parents=True, exist_ok=True)
    workbook = out / "合成演示_监控点.xlsx"
    write_template(workbook, "合成演示数据（SYNTHETIC DEMO DATA）— 污染源在线监控点", "监控点", COLUMNS,
                   ["本工作簿由 ecer demo-data 确定性生成，企业、MN 与数值均为合成数据，仅供演示。"],
                   examples=source_rows(regions))
    result = import_sources(url, workbook, actor="demo-data", channel="demo")
    stream = b"".join(packets())
    capture = out / "合成演示_HJ212小时数据.txt"
    capture.write_bytes(stream)
    counts = ingest_stream(url, stream, peer="demo")
    evaluate_alarms(url, START + dt.timedelta(days=DAYS), days=DAYS)
    return [result, {"kind": "hj212-packets", "file": str(capture), "rows_added": counts["readings"],
                     "frames": counts["frames"], "quarantined": counts["quarantined"]}]

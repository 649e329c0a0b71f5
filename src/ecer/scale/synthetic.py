"""Deterministic synthetic traffic (合成演示数据 / SYNTHETIC) for the scale tests and benchmark.

Hourly uploads (CN 2061, HJ 212-2017 Appendix C.17) from wastewater outlets (ST=32: w00000 flow
with -Cou in m³, COD w01018 and NH3-N w21003 as -Avg in mg/L) and flue-gas stacks (ST=31: a00000
flow with -Cou in m³, NOx a21002 and NMHC a24088 as -Avg in mg/m³). Values carry at most two
decimals, as N14.2 fields do. Every figure is invented.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.cp import CST
from ecer.scale.routing import SourceEntry

WATER = ("w01018", "w21003")
GAS = ("a21002", "a24088")


@dataclass(frozen=True)
class Outlet:
    source: SourceEntry
    st: str  # 32 wastewater, 31 flue gas (Table 5)


def outlets(count: int, regions: tuple[str, ...] = ("昌邑区", "龙潭区", "船营区"), seed: int = 9) -> list[Outlet]:
    """``count`` outlets, every third a flue-gas stack; MN are 24 uppercase hex digits."""
    rng = random.Random(seed)
    result = []
    for i in range(count):
        mn = f"{0x0100_0000_0000_0000_0000_0000 + i * 7919 + rng.randrange(7):024X}"
        result.append(Outlet(SourceEntry(mn, "123456", regions[i % len(regions)]), "31" if i % 3 == 2 else "32"))
    return result


def hourly_values(outlet: Outlet, rng: random.Random) -> dict[str, dict[str, object]]:
    def two(low: float, high: float) -> float:
        return round(rng.uniform(low, high), 2)

    if outlet.st == "31":
        values: dict[str, dict[str, object]] = {"a00000": {"Avg": two(5, 40), "Cou": two(20000, 150000), "Flag": "N"}}
        values["a21002"] = {"Avg": two(10, 120), "Flag": "N"}
        values["a24088"] = {"Avg": two(1, 40), "Flag": "N"}
    else:
        values = {"w00000": {"Avg": two(1, 30), "Cou": two(3, 110), "Flag": "N"}}
        values["w01018"] = {"Avg": two(10, 60), "Flag": "N"}
        values["w21003"] = {"Avg": two(0.1, 5), "Flag": "N"}
    return values


def hourly_upload(outlet: Outlet, when: dt.datetime, rng: random.Random, *, ack: bool = True) -> bytes:
    """One 2061 upload for the hour starting at ``when`` (Beijing time)."""
    source = outlet.source
    return builder.build(st=outlet.st, cn="2061", pw=source.pw, mn=source.mn, qn=builder.make_qn(when),
                         flag=builder.make_flag("2017", ack=ack), data_time=when,
                         values=hourly_values(outlet, rng))


def traffic(outlet_list: list[Outlet], start: dt.datetime, hours: int, seed: int = 2061) -> Iterator[bytes]:
    """Hour by hour, every outlet's upload; the same seed gives the same bytes."""
    rng = random.Random(seed)
    if start.tzinfo is None:
        start = start.replace(tzinfo=CST)
    for h in range(hours):
        when = start + dt.timedelta(hours=h)
        for outlet in outlet_list:
            yield hourly_upload(outlet, when, rng)

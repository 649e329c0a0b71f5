"""Packets and log records for the scale tests, from the synthetic traffic generator."""

from __future__ import annotations

import datetime as dt

from ecer.scale import synthetic
from ecer.scale.log.base import Record
from ecer.scale.routing import route

START = dt.datetime(2024, 1, 31, 20)  # crosses into February (Beijing time), so two months


def outlets(count: int = 6) -> list[synthetic.Outlet]:
    return synthetic.outlets(count)


def sources(outs: list[synthetic.Outlet]) -> dict:
    return {o.source.mn: o.source for o in outs}


def packets(outs: list[synthetic.Outlet], hours: int = 8) -> list[bytes]:
    return list(synthetic.traffic(outs, START, hours))


def records(outs: list[synthetic.Outlet], hours: int = 8, first_seq: int = 1) -> list[Record]:
    """The records a log would hold after the gateway published these packets."""
    table = sources(outs)
    result = []
    for raw in packets(outs, hours):
        r = route(raw, table)
        assert r.subject is not None and r.refused is None
        result.append(Record(r.subject, raw, first_seq + len(result)))
    return result

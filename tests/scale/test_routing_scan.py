"""The gateway's header scan decides every frame as the full decode does (issue 9: faster gateway).

``route(raw, sources)`` tries ``scan_upload`` first and decodes in full only when the scan cannot
vouch for the frame; ``route(..., scan=False)`` is the former path. Both must give the same subject,
message id, 9014, refusal reason and detail for every frame.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ecer.protocol.hj212 import builder
from ecer.scale import synthetic
from ecer.scale.routing import Route, SourceEntry, route, scan_upload

MN = "010000A8900016F000169DC0"  # the MN of the standard's examples (Appendix C)
SOURCES = {MN: SourceEntry(MN, "123456", "昌邑区")}
WHEN = dt.datetime(2016, 8, 1, 8, 0)


def upload(*, flag: int = 5, mn: str = MN, pw: str = "123456", cn: str = "2061", cp: str | None = None) -> bytes:
    """C.17's hourly upload (its first items), built by the codec."""
    return builder.build(st="32", cn=cn, pw=pw, mn=mn, qn="20160801090000001", flag=flag, data_time=WHEN, cp=cp,
                         values={"w00000": {"Cou": 63.0, "Avg": 17.5, "Flag": "N"},
                                 "w01018": {"Avg": 40.1, "Flag": "N"}})


def decided(r: Route) -> tuple:
    return r.subject, r.msg_id, r.ack, r.reply_now, r.refused, r.detail, r.raw


def same_both_ways(raw: bytes, sources: dict = SOURCES) -> Route:
    fast, full = route(raw, sources), route(raw, sources, scan=False)
    assert decided(fast) == decided(full)
    return fast


def test_good_upload_is_scanned_with_the_decoders_subject_id_and_ack() -> None:
    raw = upload()
    assert scan_upload(raw, SOURCES) is not None  # the fast path took it
    r = same_both_ways(raw)
    assert (r.subject, r.msg_id) == ("hj212.昌邑区.010000A8900016F000169DC0", f"{MN}|2061|20160801080000|1")
    assert r.ack is not None and b";ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&" in r.ack


def test_no_ack_asked_none_sent() -> None:
    assert scan_upload(upload(flag=4), SOURCES) is not None and same_both_ways(upload(flag=4)).ack is None


def test_synthetic_traffic_all_scanned_and_equal() -> None:
    outs = synthetic.outlets(12)
    table = {o.source.mn: o.source for o in outs}
    for raw in synthetic.traffic(outs, dt.datetime(2024, 1, 31, 20), 6):
        assert scan_upload(raw, table) is not None
        assert same_both_ways(raw, table).refused is None


def test_bad_crc_refused_as_before() -> None:
    raw = upload()
    bad = raw[:-6] + (b"0000" if raw[-6:-2] != b"0000" else b"0001") + b"\r\n"
    assert scan_upload(bad, SOURCES) is None
    assert same_both_ways(bad).refused == "MONITOR_PACKET_REFUSED"


def test_unknown_mn_refused_as_before() -> None:
    r = same_both_ways(upload(mn="010000A8900016F000169DC1"))
    assert (r.subject, r.refused, r.ack) == ("hj212q.MONITOR_UNKNOWN_MN", "MONITOR_UNKNOWN_MN", None)


def test_wrong_password_refused_as_before() -> None:
    assert same_both_ways(upload(pw="654321")).refused == "MONITOR_WRONG_PW"


def test_malformed_refused_as_before() -> None:
    cases = {
        "bad number": upload(cp="DataTime=20160801080000;w01018-Avg=4O.1,w01018-Flag=N"),
        "no DataTime": upload(cp="w01018-Avg=40.1,w01018-Flag=N"),
        "bad DataTime": upload(cp="DataTime=20161301080000;w01018-Avg=40.1"),
        "17-digit DataTime": upload(cp="DataTime=20160801080000000;w01018-Avg=40.1"),
        "2005 code": upload(cp="DataTime=20160801080000;011-Avg=40.1"),
        "huge number": upload(cp="DataTime=20160801080000;w01018-Avg=" + "9" * 400),
    }
    for name, raw in cases.items():
        assert scan_upload(raw, SOURCES) is None, name
        assert same_both_ways(raw).refused is not None, name
    wrong_length = b"##0999" + upload()[6:]
    assert same_both_ways(wrong_length).refused == "MONITOR_PACKET_REFUSED"


def test_lowercase_crc_needs_permission_on_both_paths() -> None:
    raw = upload()
    lower = raw[:-6] + raw[-6:-2].lower() + b"\r\n"
    if lower == raw:
        return
    assert same_both_ways(lower).refused == "MONITOR_DEVIATION_NOT_ALLOWED"
    allowed = {MN: SourceEntry(MN, "123456", "昌邑区", frozenset({"HJ212_CRC_LOWERCASE"}))}
    assert same_both_ways(lower, allowed).refused is None


def test_other_exchanges_take_the_full_path() -> None:
    """Split uploads (PNO in the id) and 1013 are not scanned; the decoder answers them as before."""
    split = builder.build(st="32", cn="2061", pw="123456", mn=MN, qn="20160801090000001", flag=7, pnum=2, pno=2,
                          data_time=WHEN, values={"w01018": {"Avg": 40.1}})
    assert scan_upload(split, SOURCES) is None
    assert same_both_ways(split).msg_id == f"{MN}|2061|20160801080000|2"
    ask = builder.build(st="32", cn="1013", pw="123456", mn=MN, qn="20160801085857223", flag=5, cp="")
    assert scan_upload(ask, SOURCES) is None and route(ask, SOURCES).reply_now


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10_000), st.lists(st.sampled_from(b"0129AFZafz-;,.=&N "), min_size=1, max_size=3).map(bytes),
       st.booleans())
def test_any_mutation_is_decided_alike(where: int, bytes_: bytes, fix_crc: bool) -> None:
    """Replace a few bytes of a good upload (optionally re-framing it with a right length and CRC):
    whatever the result, the scan never accepts what the decoder refuses, nor routes it elsewhere."""
    raw = upload()
    segment = raw[6:-6]
    at = where % len(segment)
    changed = segment[:at] + bytes_ + segment[at + len(bytes_):]
    frame = builder.frame(changed) if fix_crc and len(changed) <= 1024 else raw[:6] + changed + raw[-6:]
    same_both_ways(frame)

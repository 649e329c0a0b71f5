"""What the gateway does with each frame (pure): HJ 212-2017 Appendix C exchanges, issue 9 §1 ids."""

from __future__ import annotations

import datetime as dt

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.codec import decode
from ecer.protocol.hj212.cp import CST
from ecer.scale.routing import SourceEntry, accepted_subject, message_id, route, subject_token

MN = "010000A8900016F000169DC0"  # the MN of the standard's examples (Appendix C)
SOURCES = {MN: SourceEntry(MN, "123456", "昌邑区")}
WHEN = dt.datetime(2016, 8, 1, 8, 0, tzinfo=CST)


def upload(flag: int = 5, mn: str = MN, pw: str = "123456", cn: str = "2061", pno: int | None = None) -> bytes:
    """C.17's hourly upload (its first items), built by the codec."""
    return builder.build(st="32", cn=cn, pw=pw, mn=mn, qn="20160801090000001", flag=flag, data_time=WHEN,
                         pnum=None if pno is None else 2, pno=pno,
                         values={"w00000": {"Cou": 63.0, "Avg": 17.5, "Flag": "N"},
                                 "w01018": {"Avg": 40.1, "Flag": "N"}})


def test_upload_goes_to_region_and_mn_subject() -> None:
    assert route(upload(), SOURCES).subject == "hj212.昌邑区.010000A8900016F000169DC0"


def test_message_id_is_mn_cn_datatime_pno() -> None:
    assert route(upload(), SOURCES).msg_id == "010000A8900016F000169DC0|2061|20160801080000|1"


def test_split_packet_id_carries_its_pno() -> None:
    """C.49/C.50: each part of a split upload is stored and acknowledged on its own."""
    assert message_id(decode(upload(flag=7, pno=2))) == "010000A8900016F000169DC0|2061|20160801080000|2"


def test_ack_is_c17_9014() -> None:
    """C.17: the answer is QN=…001;ST=91;CN=9014;PW=123456;MN=…;Flag=4;CP=&&&&."""
    ack = route(upload(), SOURCES).ack
    assert ack is not None
    assert b"QN=20160801090000001;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&" in ack


def test_no_ack_without_a_bit() -> None:
    assert route(upload(flag=4), SOURCES).ack is None


def test_unknown_mn_is_quarantined() -> None:
    r = route(upload(mn="010000A8900016F000169DC1"), SOURCES)
    assert (r.subject, r.refused, r.ack) == ("hj212q.MONITOR_UNKNOWN_MN", "MONITOR_UNKNOWN_MN", None)


def test_wrong_pw_is_quarantined() -> None:
    assert route(upload(pw="654321"), SOURCES).refused == "MONITOR_WRONG_PW"


def test_bad_crc_is_refused_with_raw_kept() -> None:
    raw = upload()
    bad = raw[:-6] + b"0000\r\n"
    r = route(bad, SOURCES)
    assert (r.refused, r.raw) == ("MONITOR_PACKET_REFUSED", bad)


def test_deviation_needs_the_operators_permission() -> None:
    raw = upload()
    lower = raw[:-6] + raw[-6:-2].lower() + b"\r\n"
    if lower == raw:  # CRC without letters: nothing to lowercase
        return
    assert route(lower, SOURCES).refused == "MONITOR_DEVIATION_NOT_ALLOWED"
    allowed = {MN: SourceEntry(MN, "123456", "昌邑区", frozenset({"HJ212_CRC_LOWERCASE"}))}
    assert route(lower, allowed).refused is None


def test_time_calibration_answered_at_once() -> None:
    """C.4: 1013 → 9013, then 1012 with the platform's time (C.3)."""
    req = builder.build(st="32", cn="1013", pw="123456", mn=MN, qn="20160801085857223", flag=5, cp="")
    r = route(req, SOURCES, now=dt.datetime(2016, 8, 1, 9, 0, 0, tzinfo=CST))
    assert r.subject is None
    assert b"CN=9013" in r.reply_now[0]
    assert b"CN=1012" in r.reply_now[1] and b"SystemTime=20160801090000" in r.reply_now[1]


def test_unsupported_cn_refused() -> None:
    assert route(upload(cn="9021"), SOURCES).refused == "MONITOR_CN_UNSUPPORTED"


def test_subject_tokens_escape_wildcards() -> None:
    assert subject_token("a.b*c>") == "a%2Eb%2Ac%3E"
    assert accepted_subject("丰满区", "X1") == "hj212.丰满区.X1"

"""The HJ 212 server over real sockets, on SQLite and PostgreSQL (HJ 212-2017 Appendix C exchanges)."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import func, select

from ecer.protocol.hj212.builder import frame
from ecer.protocol.hj212.codec import decode
from ecer.storage.db import session_scope
from ecer.storage.monitoring import QuarantinedPacket, Reading
from tests.server.conftest import MN, PW, read_packets

# C.17 上传污染物小时数据, with the example's trailing "…" left out
C17 = ("QN=20160801090000001;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
       "CP=&&DataTime=20160801080000;w00000-Cou=63.0,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,"
       "w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,w01001-Flag=N;w01018-Cou=63.0,"
       "w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,w01018-Flag=N&&")
# C.50 取污染物小时数据（有应答、有拆分包）: the two parts the device sends
C50_1 = ("QN=20160801085857534;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=1;"
         "CP=&&DataTime=20160801080000;w00000-Cou=63.0,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,"
         "w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,w01001-Flag=N&&")
C50_2 = ("QN=20160801085857535;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=2;"
         "CP=&&DataTime=20160801080000;w01018-Cou=63.0,w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,"
         "w01018-Flag=N&&")


def readings(url, cn="2061"):
    with session_scope(url) as s:
        return list(s.scalars(select(Reading).where(Reading.cn == cn).order_by(Reading.code)))


def quarantine(url):
    with session_scope(url) as s:
        return list(s.scalars(select(QuarantinedPacket).order_by(QuarantinedPacket.id)))


def test_upload_is_acknowledged_with_9014_after_it_is_stored(server):
    """C.17: the reply is QN=<upload's QN>;ST=91;CN=9014;…;Flag=4;CP=&&&&."""
    with server.connect() as sock:
        sock.sendall(frame(C17))
        (ack,) = read_packets(sock, 1)
    assert ack == frame("QN=20160801090000001;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&")
    rows = readings(server.server.url)  # the ack came after the commit
    assert [r.code for r in rows] == ["w00000", "w01001", "w01018"]
    cod = rows[2]
    assert (cod.avg, cod.cou, cod.flag) == (40.1, 63.0, "N")
    beijing = dt.timezone(dt.timedelta(hours=8))
    stored = cod.data_time if cod.data_time.tzinfo else cod.data_time.replace(tzinfo=dt.UTC)
    assert stored == dt.datetime(2016, 8, 1, 8, 0, tzinfo=beijing)


def test_resend_is_stored_once(server):
    with server.connect() as sock:
        for _ in range(3):
            sock.sendall(frame(C17))
        acks = read_packets(sock, 3)
    assert len(acks) == 3  # every copy is acknowledged …
    assert len(readings(server.server.url)) == 3  # … and stored once


def test_split_packets_are_acknowledged_each_on_its_own_qn(server):
    """C.50: PNO=1 and PNO=2 each get a 9014 with their own QN (…534, …535)."""
    with server.connect() as sock:
        sock.sendall(frame(C50_1) + frame(C50_2))  # sticky: both in one write
        acks = [decode(p) for p in read_packets(sock, 2)]
    assert sorted(a.qn for a in acks) == ["20160801085857534", "20160801085857535"]
    assert {a.cn for a in acks} == {"9014"} and {a.flag for a in acks} == {4}
    assert [r.code for r in readings(server.server.url)] == ["w00000", "w01001", "w01018"]


def test_unknown_mn_and_wrong_pw_are_quarantined_not_acknowledged(server):
    unknown = C17.replace(MN, "010000A8900016F000169DC1")
    wrong_pw = C17.replace(f"PW={PW}", "PW=654321")
    with server.connect() as sock:
        sock.sendall(frame(unknown) + frame(wrong_pw) + frame(C17))
        (ack,) = read_packets(sock, 1)  # only the good packet is acknowledged
    assert decode(ack).qn == "20160801090000001"
    rows = quarantine(server.server.url)
    assert [(q.reason, q.mn) for q in rows] == [
        ("MONITOR_UNKNOWN_MN", "010000A8900016F000169DC1"), ("MONITOR_WRONG_PW", MN)]
    assert rows[0].raw == frame(unknown)  # the raw packet is kept


def test_bad_crc_is_quarantined(server):
    bad = frame(C17)[:-6] + b"0000\r\n"
    with server.connect() as sock:
        sock.sendall(bad + frame(C17))
        read_packets(sock, 1)
    (row,) = quarantine(server.server.url)
    assert row.reason == "MONITOR_PACKET_REFUSED" and "HJ212_CRC_MISMATCH" in row.detail


def test_time_calibration_request_gets_9013_then_1012(server):
    """C.4: 1013 → 9013 (ST=91, same QN, Flag=4, CP=&&&&), then C.3 1012 with SystemTime."""
    request = "QN=20160801085857223;ST=32;CN=1013;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&PolId=w01018&&"
    with server.connect() as sock:
        sock.sendall(frame(request))
        notify, set_time = (decode(p) for p in read_packets(sock, 2))
    assert frame("QN=20160801085857223;ST=91;CN=9013;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&") \
        == notify.raw
    assert set_time.cn == "1012" and set_time.cp["PolId"] == "w01018" and set_time.mn == MN
    skew = abs((set_time.cp["SystemTime"] - dt.datetime.now(dt.UTC)).total_seconds())
    assert skew < 5


def test_gap_in_hourly_data_triggers_a_backfill_request(server):
    """C.21: the platform asks 2061 with BeginTime/EndTime for the hours it did not receive."""
    later = C17.replace("DataTime=20160801080000", "DataTime=20160801120000").replace("090000001", "130000001")
    with server.connect() as sock:
        sock.sendall(frame(C17))
        read_packets(sock, 1)
        sock.sendall(frame(later))
        packets = [decode(p) for p in read_packets(sock, 2)]
    (request,) = [p for p in packets if p.cn == "2061"]
    assert request.cp["BeginTime"].hour == 9 and request.cp["EndTime"].hour == 11
    assert request.flag == 5  # the device is to answer with 9011 (C.21)


def test_no_ack_requested_means_no_ack(server):
    """Flag=4: stored, not answered (C.49)."""
    with server.connect() as sock:
        sock.sendall(frame(C17.replace("Flag=5", "Flag=4")) + frame(C50_2))
        acks = read_packets(sock, 1)
    assert [decode(a).qn for a in acks] == ["20160801085857535"]
    assert len(readings(server.server.url)) == 3


def test_count_in_database(server):
    with server.connect() as sock:
        sock.sendall(b"garbage##0010junk\r\n" + frame(C17))
        read_packets(sock, 1)
    with session_scope(server.server.url) as s:
        assert s.scalar(select(func.count()).select_from(Reading)) == 3


def test_deviation_is_accepted_only_where_the_operator_allowed_it(server):
    """A CRC-16/MODBUS checksum: quarantined for a strict source, stored for one allowed HJ212_CRC_MODBUS."""
    from ecer.protocol.hj212.crc import modbus_crc16
    from ecer.storage.sources import SourceSpec, add_source

    lenient_mn = "010000A8900016F000169DC2"
    with session_scope(server.server.url) as s:
        add_source(s, SourceSpec(mn=lenient_mn, pw=PW, enterprise="e", outlet="o", kind="wastewater", region="永吉县",
                                 accepted_deviations=("HJ212_CRC_MODBUS",)), "test")
    server.call(server.server.reload())

    def modbus_frame(segment: str) -> bytes:
        data = segment.encode()
        return b"##%04d%s%04X\r\n" % (len(data), data, modbus_crc16(data))

    with server.connect() as sock:
        sock.sendall(modbus_frame(C17) + modbus_frame(C17.replace(MN, lenient_mn)))
        (ack,) = read_packets(sock, 1)
    assert decode(ack).mn == lenient_mn
    (row,) = quarantine(server.server.url)
    assert (row.reason, row.detail, row.mn) == ("MONITOR_DEVIATION_NOT_ALLOWED", "HJ212_CRC_MODBUS", MN)


def test_vendor_extension_is_off_by_default(server):
    login = "QN=20160801085857223;ST=32;CN=9021;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"
    with server.connect() as sock:
        sock.sendall(frame(login) + frame(C17))
        (ack,) = read_packets(sock, 1)
    assert decode(ack).qn == "20160801090000001"  # the login got no answer
    assert [q.reason for q in quarantine(server.server.url)] == ["MONITOR_CN_UNSUPPORTED"]


def test_vendor_extension_enabled_for_a_source_is_answered(server):
    from ecer.storage.sources import SourceSpec, add_source

    with session_scope(server.server.url) as s:
        add_source(s, SourceSpec(mn=MN, pw=PW, enterprise="e", outlet="o", kind="wastewater", region="永吉县",
                                 vendor_extensions=("9021",)), "test", replace=True)
    server.call(server.server.reload())
    login = "QN=20160801085857223;ST=32;CN=9021;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&"
    with server.connect() as sock:
        sock.sendall(frame(login))
        (ack,) = read_packets(sock, 1)
    assert (decode(ack).cn, decode(ack).qn) == ("9014", "20160801085857223")
    assert quarantine(server.server.url) == []


def test_idle_connection_is_closed(monitor_db):
    from ecer.server.hj212 import ServerConfig
    from tests.server.conftest import RunningServer

    running = RunningServer(monitor_db, ServerConfig(host="127.0.0.1", port=0, idle_timeout=0.3))
    try:
        with running.connect() as sock:
            sock.settimeout(5)
            assert sock.recv(10) == b""  # closed by the server after 0.3 s of silence
    finally:
        running.stop()


def test_clean_shutdown_commits_and_acknowledges_what_was_read(monitor_db):
    """Stop while packets are queued: what the server read is committed and acknowledged before it closes."""
    from ecer.server.hj212 import ServerConfig
    from tests.server.conftest import RunningServer

    running = RunningServer(monitor_db, ServerConfig(host="127.0.0.1", port=0, idle_timeout=5))
    packets = [C17.replace("DataTime=20160801080000", f"DataTime=20160801{h:02d}0000").replace(
        "090000001", f"0900{h:05d}") for h in range(24)]
    sock = running.connect()
    try:
        sock.sendall(b"".join(frame(p) for p in packets))
        time.sleep(0.3)
        running.stop()
        sock.settimeout(5)
        acks = [a for a in map(decode, read_packets(sock, len(packets))) if a.cn == "9014"]
    finally:
        sock.close()
    assert len(acks) == len(packets)
    assert len(readings(monitor_db)) == 3 * len(packets)


def test_platform_asks_the_device_clock_and_sets_it_when_off(monitor_db):
    """C.2 then C.3: with ask_time the server sends 1011 on the first packet; a clock 10 min off gets 1012."""
    from ecer.server.hj212 import ServerConfig
    from tests.server.conftest import RunningServer

    running = RunningServer(monitor_db, ServerConfig(host="127.0.0.1", port=0, ask_time=True))
    try:
        with running.connect() as sock:
            sock.sendall(frame(C17))
            got = {p.cn: p for p in map(decode, read_packets(sock, 2))}
            assert set(got) == {"9014", "1011"} and got["1011"].flag == 5
            off = (dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(minutes=10))
            reply = (f"QN={got['1011'].qn};ST=32;CN=1011;PW=123456;MN={MN};Flag=4;"
                     f"CP=&&SystemTime={off:%Y%m%d%H%M%S}&&")
            sock.sendall(frame(reply))
            (set_time,) = map(decode, read_packets(sock, 1))
        assert set_time.cn == "1012" and "SystemTime" in set_time.cp
    finally:
        running.stop()

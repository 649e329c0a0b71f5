"""Data segments printed in HJ 212-2017 Appendix C, as printed (typos kept), for the tests.

The standard elides repeated items with "…"; those elisions are removed here (they are not part of
any packet), everything else is verbatim, line breaks of the printed table joined.
"""

from __future__ import annotations

from ecer.protocol.hj212.crc import hj212_crc16

MN = "010000A8900016F000169DC0"
HEAD = f"QN=20160801085857223;ST=32;CN=%s;PW=123456;MN={MN};Flag=%d;CP=&&%s&&"

# Appendix A: the only example printed with its CRC.
APPENDIX_A = f"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN={MN};Flag=5;CP=&&RtdInterval=30&&"

C14_RTD_UPLOAD = HEAD % (
    "2011", 5,
    "DataTime=20160801085857;w01001-Rtd=7.1,w01001-Flag=N;w01018-SampleTime=20160801070000,"
    "01018-Rtd=2.2,w01018-Flag=N,w01018-EFlag=A01",
)
C15_STATUS_UPLOAD = HEAD % ("2021", 5, "DataTime=20160801085857;SB1-RS=1;SB2-RS=0")
C16_MINUTE_UPLOAD = (
    f"QN=20160801085000001;ST=32;CN=2051;PW=123456;MN={MN};Flag=5;CP=&&DataTime=20160801084000;"
    "w00000-Cou=10.5,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,w00000-Flag=N;"
    "w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,w01001-Flag=N;"
    "w01018-Cou=10.5,w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,w01018-Flag=N&&"
)
C19_RUNTIME_UPLOAD = (  # "Flag=5CP=&&": the ';' before CP is missing in print
    f"QN=20160802000000001;ST=32;CN=2041;PW=123456;MN={MN};Flag=5CP=&&DataTime=20160801000000;"
    "SB1-RT=1.1;SB2-RT=2.1&&"
)
C22_DAY_UPLOAD = (  # "QN=…534,ST=32": a comma after QN in print
    f"QN=20160801085857534,ST=32;CN=2031;PW=123456;MN={MN};Flag=5;CP=&&DataTime=20160801000000;"
    "w00000-Cou=1512.0,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,w00000-Flag=N&&"
)
C40_LOG_UPLOAD = HEAD % ("3020", 5, "DataTime=20100301145000;PolId=w01018;i11001-Info=//清洗管路//")
C42_STATE_UPLOAD = HEAD % ("3020", 5, "DataTime=20100301145000;PolId=w01018;i12001-Info=1;i12003-Info =0")
C48_HOUR_UPLOAD = (
    f"QN=20160801085857534,ST=32;CN=2061;PW=123456;MN={MN};Flag=5;CP=&&DataTime=20160801080000;"
    "w01018-Cou=63.0,w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,w01018-Flag=N&&"
)
C48_DATA_ACK = f"QN=20160801085857534;ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&"
C50_SPLIT_1 = (
    f"QN=20160801085857534;ST=32;CN=2061;PW=123456;MN={MN};Flag=7;PNUM=2;PNO=1;CP=&&DataTime=20160801080000;"
    "w00000-Cou=63.0,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,w00000-Flag=N&&"
)
C50_SPLIT_ACK_1 = f"QN=20160801085857534;ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&"
C4_CALIBRATION_REQUEST = HEAD % ("1013", 5, " PolId=w01018")
C4_NOTIFY_ACK_AS_PRINTED = f"QN=20160801085857223;ST=91;CN=9013;PW=123456;MN={MN};Flag=4;CP=&& &&"
C3_SET_TIME = HEAD % ("1012", 5, "PolId=w01018;SystemTime=20160801085857")


def packet(segment: str, crc: str | None = None, length: int | None = None) -> bytes:
    """Frame a segment: ``##`` + length + segment + CRC + CR LF (Appendix A's CRC unless given)."""
    data = segment.encode("utf-8")
    size = len(data) if length is None else length
    check = f"{hj212_crc16(data):04X}" if crc is None else crc
    return b"##%04d" % size + data + check.encode("ascii") + b"\r\n"

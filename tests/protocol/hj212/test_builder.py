"""Building packets: the platform's replies as Appendix C prints them, and build → decode round trips."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.codec import decode
from tests.protocol.hj212 import examples as ex

CST = dt.timezone(dt.timedelta(hours=8))


def test_frame_of_appendix_a_example() -> None:
    """Appendix A: the example packet is ``##0101`` + segment + ``1C80`` + CR LF."""
    assert builder.frame(ex.APPENDIX_A) == b"##0101" + ex.APPENDIX_A.encode() + b"1C80\r\n"


def test_data_ack_is_c48s_9014() -> None:
    """C.48: the hour upload QN=…534 (Flag=5) is answered ST=91, CN=9014, same QN, Flag=4, CP=&&&&."""
    upload = decode(ex.packet(ex.C48_HOUR_UPLOAD))
    assert builder.data_ack(upload) == ex.packet(ex.C48_DATA_ACK)


def test_split_packet_ack_uses_its_own_qn() -> None:
    """C.50: each split packet (Flag=7) is acknowledged on its own QN with Flag=4."""
    upload = decode(ex.packet(ex.C50_SPLIT_1))
    assert builder.data_ack(upload) == ex.packet(ex.C50_SPLIT_ACK_1)


def test_notify_ack_answers_1013() -> None:
    """C.4: a 1013 calibration request is answered by 9013 (printed ``CP=&& &&``; built without the space)."""
    request = decode(ex.packet(ex.C4_CALIBRATION_REQUEST))
    assert builder.notify_ack(request) == ex.packet(ex.C4_NOTIFY_ACK_AS_PRINTED.replace("&& &&", "&&&&"))


def test_set_time_is_c3() -> None:
    """C.3: 1012 with PolId and SystemTime=20160801085857, Flag=5."""
    packet = builder.set_time(st="32", pw="123456", mn=ex.MN, qn="20160801085857223", pol_id="w01018",
                              system_time=dt.datetime(2016, 8, 1, 8, 58, 57, tzinfo=CST))
    assert packet == ex.packet(ex.C3_SET_TIME)


def test_make_flag_table_3_example() -> None:
    """Table 3: Flag=7 is this revision, split, with answer."""
    assert builder.make_flag("2017", ack=True, split=True) == 7


def test_qn_has_milliseconds() -> None:
    assert builder.make_qn(dt.datetime(2016, 8, 1, 8, 58, 57, 223000, tzinfo=CST)) == "20160801085857223"


codes = st.sampled_from(["w01018", "w21003", "a21002", "a24088", "w00000", "a34013"])
numbers = st.integers(min_value=-10**9, max_value=10**9).map(lambda n: n / 1000)  # N14.2-like values
item = st.fixed_dictionaries(
    {"Avg": numbers},
    optional={"Min": numbers, "Max": numbers, "Cou": numbers, "ZsAvg": numbers,
              "Flag": st.sampled_from(list("NFMSDCTB"))},
)
times = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
    lambda t: t.replace(microsecond=0, tzinfo=CST))


@given(values=st.dictionaries(codes, item, max_size=4), data_time=times, ack=st.booleans(),
       cn=st.sampled_from(["2011", "2051", "2061", "2031"]))
@example(values={"w01018": {"Avg": 231.0, "Flag": "N"}}, data_time=dt.datetime(2016, 8, 1, tzinfo=CST),
         ack=True, cn="2061")
def test_build_then_decode_round_trips(values, data_time, ack, cn) -> None:
    raw = builder.build(st="32", cn=cn, pw="123456", mn=ex.MN, qn="20160801085857223",
                        flag=builder.make_flag("2017", ack=ack), values=values, data_time=data_time)
    p = decode(raw)
    assert p.ok, p.errors
    assert (p.values, p.data_time, p.ack_requested, p.cn) == (values, data_time, ack, cn)

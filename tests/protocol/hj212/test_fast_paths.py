"""The decoder's fast paths give exactly what the general path gives (issue 3 §6: faster, no check weakened).

``_COMMON_HEADER`` takes the usual Table 3 header in one regular-expression match; the general path
splits the header and checks field by field. Both must agree on every input, the odd ones included.
"""

from __future__ import annotations

import re
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from ecer.protocol.hj212 import codec
from ecer.protocol.hj212.builder import frame
from ecer.protocol.hj212.codec import decode

NEVER = re.compile(r"(?!)")  # matches nothing: every header takes the general path

qns = st.one_of(
    st.sampled_from(["20160801085857223", "20161301085857223", "20160800085857223", "20160801245857223",
                     "20160801086057223", "1470013137223", "2016080108585722", "20160801085857223 "]),
    st.text(alphabet="0123456789a", min_size=12, max_size=18),
)
sts = st.one_of(st.sampled_from(["32", "21", "91", "3a", "3", "321", "3 ", "二一"]), st.text(max_size=3))
cns = st.one_of(st.sampled_from(["2051", "2011", "205", "20511", "2O51", "١٢٣٤"]), st.text(max_size=5))
pws = st.text(alphabet="1a;,&= é=\n\t", max_size=6)
mns = st.sampled_from(["010000A8900016F000169DC0", "010000a8900016f000169dc0", "A8900016F000169DC0",
                       "88888880000001", "010000A8900016F000169DC0X", ""])
flags = st.one_of(st.integers(0, 300).map(str), st.sampled_from(["", "x", "05", "+5", "٥"]))
areas = st.sampled_from([
    "DataTime=20160801085857;w01018-Avg=40.0,w01018-Flag=N",
    "DataTime=20160801085857;w01018-Avg=40.0,w01018-Flag=N;w00000-Cou=10.5",
    "",
    "DataTime=20161301085857",
    "RtdInterval=30",
])


@st.composite
def segments(draw: st.DrawFn) -> bytes:
    """A data segment: Table 3's fields (sometimes odd, reordered, extra or missing) and a CP area."""
    usual = ["20160801085857223", "32", "2051", "100000", "010000A8900016F000169DC0", "5"]
    odd = [qns, sts, cns, pws, mns, flags]
    fields = [(name, draw(kind) if draw(st.integers(0, 3)) == 0 else value)  # mostly the usual value
              for name, value, kind in zip(codec.HEADER_FIELDS, usual, odd, strict=False)]
    if draw(st.integers(0, 4)) == 0:
        fields = draw(st.permutations(fields))
    if draw(st.integers(0, 4)) == 0:
        del fields[draw(st.integers(0, len(fields) - 1))]
    if draw(st.integers(0, 4)) == 0:
        fields.append(draw(st.sampled_from([("PNUM", "2"), ("PNO", "1"), ("QN", "20160801085857223"), ("X", "1")])))
    header = ";".join(f"{k}={v}" for k, v in fields)
    separator = draw(st.sampled_from([";", ";", ";", ";", ",", ""]))
    ending = draw(st.sampled_from(["&&", "&&", "&&", "&", ""]))
    data = f"{header}{separator}CP=&&{draw(areas)}{ending}".encode()
    if draw(st.integers(0, 9)) == 0:  # bytes that are not UTF-8, somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xff\xfe" + data[at:]
    return data


@settings(max_examples=400)
@given(segments())
def test_common_header_path_equals_general_path(segment: bytes) -> None:
    raw = frame(segment)
    fast = decode(raw).as_dict()
    with mock.patch.object(codec, "_COMMON_HEADER", NEVER):
        general = decode(raw).as_dict()
    assert fast == general


def test_usual_upload_takes_the_common_path() -> None:
    """The C.16-style minute upload is what the fast path exists for; it must match."""
    text = ("QN=20160801085857223;ST=32;CN=2051;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
            "CP=&&DataTime=20160801085857;w01018-Avg=40.0,w01018-Flag=N&&")
    match = codec._COMMON_HEADER.match(text)
    assert match is not None and match.end() == text.index("CP=&&") + 5


def test_flag_with_d_bit_leaves_the_common_path() -> None:
    """Flag=7 asks for PNUM/PNO (Table 3): the general path reports them missing."""
    raw = frame("QN=20160801085857223;ST=32;CN=2051;PW=100000;MN=010000A8900016F000169DC0;Flag=7;CP=&&&&")
    assert [e.code for e in decode(raw).errors] == ["HJ212_PACKET_NUMBER", "HJ212_PACKET_NUMBER"]


def test_underscore_in_one_value_only_is_refused() -> None:
    """§6.3.3.2.2: ``1_0`` is no N14.2 number, even when the other values need no such check."""
    raw = frame("QN=20160801085857223;ST=32;CN=2051;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
                "CP=&&DataTime=20160801085857;w01018-Avg=40.0;w21003-Avg=1_0&&")
    packet = decode(raw)
    assert [e.code for e in packet.errors] == ["HJ212_VALUE_INVALID"]
    assert packet.values["w01018"] == {"Avg": 40.0}


def test_unknown_flag_next_to_known_flags_warns() -> None:
    """Table 8 lists N F M S D C T B; ``X`` warns while ``N`` passes the fast path."""
    raw = frame("QN=20160801085857223;ST=32;CN=2051;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
                "CP=&&DataTime=20160801085857;w01018-Avg=40.0,w01018-Flag=N;w21003-Avg=1.0,w21003-Flag=X&&")
    assert [w.code for w in decode(raw).warnings] == ["HJ212_DATA_FLAG_UNKNOWN"]


def test_source_code_suffix_in_a_2005_packet_is_still_a_duplicate() -> None:
    """A mapped 2005 code records ``source_code``; an item of that name repeats it."""
    raw = frame("ST=32;CN=2051;PW=100000;MN=88888880000001;CP=&&DataTime=20160801085857;011-source_code=x&&")
    assert "HJ212_CP_DUPLICATE" in [w.code for w in decode(raw).warnings]


@given(st.text(max_size=20) | st.none(), st.text(max_size=8), st.text(max_size=30), st.integers(0, 255) | st.none(),
       st.sampled_from(["9014", "9013"]))
def test_cached_reply_equals_the_general_builder(qn: str | None, pw: str, mn: str, flag: int | None, cn: str) -> None:
    """The 9014/9013 reply with its cached tail is byte for byte what ``build`` makes (C.14, C.4)."""
    from ecer.protocol.hj212 import builder
    from ecer.protocol.hj212.codec import Packet

    packet = Packet(qn=qn, pw=pw, mn=mn, flag=flag)
    expected = builder.build(st="91", cn=cn, pw=pw, mn=mn, qn=qn,
                             flag=None if flag is None else flag & ~0b11, cp="")
    assert builder._reply(packet, cn) == expected


def test_constant_tail_continues_the_crc() -> None:
    """``ConstantTail(t).after(hj212_crc16(h)) == hj212_crc16(h + t)`` on Appendix A's example."""
    from ecer.protocol.hj212.crc import ConstantTail, hj212_crc16
    from tests.protocol.hj212.examples import APPENDIX_A

    data = APPENDIX_A.encode()
    for cut in range(len(data)):
        assert ConstantTail(data[cut:]).after(hj212_crc16(data[:cut])) == 0x1C80

"""The stream framer fed whole, byte by byte, with trailing bytes, with garbage, and fuzzed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecer.protocol.hj212.codec import decode
from ecer.protocol.hj212.framer import (
    NEED_DATA,
    Closed,
    Discarded,
    Event,
    Frame,
    Framer,
    Garbage,
    Oversize,
    Truncated,
)
from tests.protocol.hj212 import examples as ex

A = ex.packet(ex.APPENDIX_A)
B = ex.packet(ex.C16_MINUTE_UPLOAD)


def run(stream: bytes, step: int | None = None, framer: Framer | None = None) -> list[Event]:
    framer = framer or Framer()
    step = step or max(1, len(stream))
    events: list[Event] = []
    for i in range(0, len(stream), step):
        framer.receive_data(stream[i: i + step])
        events.extend(framer.events())
        assert framer.buffered <= framer.max_frame
    framer.receive_data(b"")
    events.extend(framer.events())
    return events


def frames(events: list[Event]) -> list[bytes]:
    return [e.raw for e in events if isinstance(e, Frame)]


def test_whole() -> None:
    assert run(A) == [Frame(A), Closed()]


def test_byte_by_byte() -> None:
    assert run(A + B, step=1) == [Frame(A), Frame(B), Closed()]


def test_sticky_packets_in_one_read() -> None:
    assert frames(run(A + B + A)) == [A, B, A]


def test_trailing_bytes_are_a_truncated_packet() -> None:
    assert run(A + B[:20]) == [Frame(A), Truncated(B[:20]), Closed()]


def test_garbage_between_packets() -> None:
    events = run(b"\x00\xffAT+OK" + A + b"noise" + B, step=3)
    assert frames(events) == [A, B]
    assert b"".join(e.data for e in events if isinstance(e, Garbage)) == b"\x00\xffAT+OKnoise"


def test_resync_after_stray_header() -> None:
    """A ``##`` that starts nothing is garbage; the frame starts at the next ``##dddd``."""
    events = run(b"##xx" + A)
    assert frames(events) == [A]
    assert [e for e in events if isinstance(e, Garbage)] == [Garbage(b"##xx")]


def test_run_of_hashes() -> None:
    assert frames(run(b"#" + A, step=1)) == [A]


def test_need_data_until_the_trailer() -> None:
    framer = Framer()
    framer.receive_data(A[:-1])
    assert framer.next_event() is NEED_DATA
    framer.receive_data(A[-1:])
    assert framer.next_event() == Frame(A)


def test_over_long_packet_streamed_with_crc_verdict() -> None:
    """Table 2 limit 1024: a 1.2 kB packet is reported as Oversize, its CRC computed on the fly."""
    seg = ex.HEAD % ("2011", 5, ";".join(["w01018-Rtd=1.0"] * 80))
    big = ex.packet(seg)
    for step in (1, 100, len(big)):
        events = run(big + A, step=step)
        over = [e for e in events if isinstance(e, Oversize)]
        assert len(over) == 1 and frames(events) == [A]
        assert (over[0].data_length, over[0].crc_field) == (len(seg.encode()), big[-6:-2])
        assert f"{over[0].crc_hj212:04X}".encode() == big[-6:-2]


def test_endless_input_is_discarded_with_bounded_buffer() -> None:
    events = run(b"##0100" + b"x" * 20000 + A, step=4096)
    assert any(isinstance(e, Discarded) for e in events)
    assert frames(events) == [A]


@settings(max_examples=300)
@given(st.lists(st.one_of(st.binary(max_size=64), st.sampled_from([A, B, b"##", b"\r\n", b"#", b"\r"])),
                max_size=30),
       st.integers(min_value=1, max_value=64))
def test_fuzz_never_crashes_and_keeps_buffer_bounded(parts: list[bytes], step: int) -> None:
    """Random bytes mixed with packets: no exception, buffer ≤ one frame, every frame decodable."""
    events = run(b"".join(parts), step=step, framer=Framer())
    assert events[-1] == Closed()
    for raw in frames(events):
        assert raw.startswith(b"##") and raw.endswith(b"\r\n")
        decode(raw)


@given(st.lists(st.sampled_from([A, B]), min_size=1, max_size=5), st.integers(min_value=1, max_value=300))
def test_packets_survive_any_chunking(packets: list[bytes], step: int) -> None:
    assert frames(run(b"".join(packets), step=step)) == packets

"""``ecer.scale.frames.Cutter`` cuts every stream exactly as the codec's ``Framer`` does: random
streams of packets, junk and over-long input, cut into random reads (h11's way of testing readers:
whole, in pieces, with trailing bytes)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ecer.protocol.hj212 import framer as _framer
from ecer.scale.frames import Cutter
from tests.scale.helpers import outlets, packets

GOOD = packets(outlets(3), hours=2)
PIECES = st.one_of(
    st.sampled_from(GOOD),
    st.sampled_from([b"#", b"##", b"###", b"\r", b"\n", b"\r\n", b"##12", b"junk", b"##0010QN=1\r\n",
                     b"##9999" + b"x" * 1100 + b"\r\n", b"##0100" + b"y" * 11000, b"##abcd\r\n"]),
    st.binary(max_size=12),
)


def _framer_events(chunks: list[bytes]) -> list:
    f = _framer.Framer()
    out: list = []
    for chunk in chunks:
        f.receive_data(chunk)
        out += [e.raw if isinstance(e, _framer.Frame) else e for e in f.events()]
    return out


def _cutter_events(chunks: list[bytes]) -> list:
    c = Cutter()
    return [e for chunk in chunks for e in c.feed(chunk)]


def _reads(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(stream)) for c in cuts})
    bounds = [0, *points, len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(bounds) if b > a] + [b""]


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=14), st.lists(st.integers(0, 20000), max_size=6))
def test_cutter_matches_the_framer(pieces: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(pieces)
    for reads in (_reads(stream, cuts), [stream, b""][not stream:], [bytes([b]) for b in stream] + [b""]):
        assert _cutter_events(reads) == _framer_events(reads)


def test_whole_frames_take_the_shortcut() -> None:
    c = Cutter()
    assert c.feed(b"".join(GOOD)) == GOOD
    assert c.framer.buffered == 0 and list(c.framer.events()) == []


def test_a_read_that_turns_odd_midway_goes_on_in_the_framer() -> None:
    """Two whole frames by the shortcut, then junk, a lone CR and a frame split over two reads."""
    reads = [GOOD[0] + GOOD[1] + b"junk\r\n" + GOOD[2] + b"\r" + GOOD[3][:40], GOOD[3][40:] + GOOD[4], b""]
    got = _cutter_events(reads)
    assert got == _framer_events(reads)
    assert got[:2] == GOOD[:2] and GOOD[4] in got

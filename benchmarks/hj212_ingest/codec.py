"""Codec throughput on one core: typical ~200-byte uploads, CRC and full field checks.

Compares, in the same run, ``ecer.protocol.hj212`` (framer + decode, every check of issue 3 §1)
with two bare loops that only split on CR LF and check Appendix A's CRC: one byte at a time through
the 256-entry table (the textbook loop, issue 3 §6's "about 95 000"), and with ECER's lane CRC.
Goal (issue 3 §6): ≥ 50 000 packets/s. ``--profile`` prints where the time goes.

    .venv/bin/python benchmarks/hj212_ingest/codec.py [--packets 100000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from ecer.protocol.hj212.builder import build, make_flag
from ecer.protocol.hj212.codec import decode
from ecer.protocol.hj212.codes import load_codes
from ecer.protocol.hj212.crc import TABLE, hj212_crc16
from ecer.protocol.hj212.framer import Frame, Framer


def sample_stream(n: int) -> bytes:
    """n minute uploads (2051) of COD, NH3-N and flow, about 200 bytes each, varying values."""
    packets = []
    for i in range(n):
        packets.append(build(
            st="32", cn="2051", pw="123456", mn="010000A8900016F000169DC0",
            qn=f"20160801{i % 24:02d}{i % 60:02d}00{i % 1000:03d}", flag=make_flag("2017", ack=True),
            cp=f"DataTime=20160801{i % 24:02d}{i % 60:02d}00;w01018-Avg={40 + i % 7}.{i % 10},w01018-Flag=N;"
               f"w21003-Avg=1.{i % 100:02d},w21003-Flag=N;w00000-Avg=17.5,w00000-Cou=10.5,w00000-Flag=N",
        ))
    return b"".join(packets)


def bytewise(stream: bytes) -> int:
    """Split on CR LF and check Appendix A's CRC one byte at a time; nothing else."""
    good, table = 0, TABLE
    for line in stream.split(b"\r\n")[:-1]:
        crc = 0xFFFF
        for byte in line[6:-4]:
            crc = table[(crc >> 8) ^ byte]
        if crc == int(line[-4:], 16):
            good += 1
    return good


def bare(stream: bytes) -> int:
    """Split on CR LF and check Appendix A's CRC with ``hj212_crc16``; nothing else."""
    good = 0
    for line in stream.split(b"\r\n")[:-1]:
        if hj212_crc16(line[6:-4]) == int(line[-4:], 16):
            good += 1
    return good


def codec(stream: bytes, chunk: int = 65536) -> int:
    """Framer fed in 64 KiB reads, every frame fully decoded."""
    framer, good = Framer(), 0
    for i in range(0, len(stream), chunk):
        framer.receive_data(stream[i: i + chunk])
        for event in framer.events():
            if isinstance(event, Frame) and decode(event.raw).ok:
                good += 1
    return good


def rate(fn, stream: bytes, n: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        assert fn(stream) == n
        best = min(best, time.perf_counter() - start)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packets", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    load_codes()
    stream = sample_stream(args.packets)
    size = len(stream) / args.packets
    print(f"{args.packets} packets, {size:.0f} bytes each on average")
    bytewise_rate = rate(bytewise, stream, args.packets)
    bare_rate = rate(bare, stream, args.packets)
    codec_rate = rate(codec, stream, args.packets)
    print(f"bare split + byte-wise CRC : {bytewise_rate:10,.0f} packets/s")
    print(f"bare split + ecer CRC      : {bare_rate:10,.0f} packets/s")
    print(f"ecer codec (full checks)   : {codec_rate:10,.0f} packets/s  ({1e6 / codec_rate:.1f} µs each; "
          f"{codec_rate / bytewise_rate:.0%} of the byte-wise bare loop; goal 50,000)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(codec, stream)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()

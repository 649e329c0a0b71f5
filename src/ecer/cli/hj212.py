"""``ecer hj212 decode|encode|crc``: the HJ 212 codec from the command line.

``decode`` is a stream decoder: it prints JSON Lines, one object per input line (or per frame with
``--stream``), even for input that is no packet at all, and exits 1 when any of them had errors.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer

from ecer.cli.output import print_json, print_json_line, print_table
from ecer.domain.errors import EcerError
from ecer.protocol.hj212 import builder, framer
from ecer.protocol.hj212.codec import LENIENT, Packet, Policy, blank, decode, decode_oversize
from ecer.protocol.hj212.cp import parse_time
from ecer.protocol.hj212.crc import format_crc, hj212_crc16, modbus_crc16, swap_bytes

app = typer.Typer(help="HJ 212-2017 通讯包：解码、编码、CRC 校验", no_args_is_help=True)

CHUNK = 4096


def register(root: typer.Typer) -> None:
    """Attach ``ecer hj212 …``."""
    root.add_typer(app, name="hj212")


def _open(path: Path | None) -> BinaryIO:
    if path is None:
        return sys.stdin.buffer
    try:
        return path.open("rb")
    except OSError as exc:
        raise EcerError("IMPORT_FILE_UNREADABLE", str(exc), file=str(path)) from exc


def _decode_lines(stream: BinaryIO, policy: Policy) -> Iterator[Packet]:
    for line in stream:
        body = line.rstrip(b"\r\n")
        if not body.strip():
            continue
        yield decode(body + b"\r\n", policy)


def _decode_stream(stream: BinaryIO, policy: Policy) -> Iterator[Packet]:
    cutter = framer.Framer(policy.max_data_length)
    while True:
        chunk = stream.read(CHUNK)
        cutter.receive_data(chunk)
        for event in cutter.events():
            if isinstance(event, framer.Frame):
                yield decode(event.raw, policy)
            elif isinstance(event, framer.Oversize):
                yield decode_oversize(event.prefix, event.declared, event.data_length, event.crc_field,
                                      event.crc_hj212, event.crc_modbus, policy)
            elif isinstance(event, framer.Garbage):
                if event.data.strip():
                    yield blank(event.data, "HJ212_GARBAGE", f"{len(event.data)} 字节")
            elif isinstance(event, framer.Discarded):
                yield blank(event.prefix, "HJ212_FRAME_DISCARDED", f"{event.size} 字节")
            elif isinstance(event, framer.Truncated):
                yield blank(event.data, "HJ212_TRUNCATED", f"数据流在包内结束，{len(event.data)} 字节")
        if not chunk:
            return


@app.command("decode")
def decode_command(
    file: Annotated[Path | None, typer.Argument(help="通讯包文件（每行一包）；省略时读标准输入")] = None,
    stream: Annotated[bool, typer.Option("--stream", help="按原始字节流分包（粘包、半包、杂字节）")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="不接受任何已知偏差（偏差记为错误）")] = False,
) -> None:
    """解码 HJ 212 通讯包，每包输出一行 JSON（JSON Lines）。"""
    policy = Policy.strict() if strict else LENIENT
    handle = _open(file)
    failed = False
    try:
        packets = _decode_stream(handle, policy) if stream else _decode_lines(handle, policy)
        for packet in packets:
            failed = failed or not packet.ok
            print_json_line(packet.as_dict())
    finally:
        if file is not None:
            handle.close()
    if failed:
        raise typer.Exit(1)


def _load_spec(source: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        spec = json.loads(text)
    except (OSError, ValueError) as exc:
        raise EcerError("INPUT_INVALID", f"无法读取 JSON：{exc}", file=source) from exc
    if not isinstance(spec, dict):
        raise EcerError("INPUT_INVALID", "JSON 应为一个对象", file=source)
    return spec


def _time(text: str | None, name: str) -> Any:
    if text is None:
        return None
    value, _ = parse_time(text.replace("-", "").replace(":", "").replace("T", "").replace(" ", "")[:14])
    if value is None:
        raise EcerError("INPUT_INVALID", f"{name} 应为 YYYYMMDDhhmmss", field=name, value=text)
    return value


@app.command("encode")
def encode_command(
    st: Annotated[str | None, typer.Option("--st", help="系统编码，如 32")] = None,
    cn: Annotated[str | None, typer.Option("--cn", help="命令编码，如 2011")] = None,
    pw: Annotated[str | None, typer.Option("--pw", help="访问密码")] = None,
    mn: Annotated[str | None, typer.Option("--mn", help="设备唯一标识")] = None,
    qn: Annotated[str | None, typer.Option("--qn", help="请求编码 YYYYMMDDhhmmsszzz")] = None,
    flag: Annotated[int | None, typer.Option("--flag", help="标志位，如 5（2017 版、需应答）")] = None,
    pnum: Annotated[int | None, typer.Option("--pnum")] = None,
    pno: Annotated[int | None, typer.Option("--pno")] = None,
    cp: Annotated[str | None, typer.Option("--cp", help="CP 数据区原文，如 'DataTime=…;w01018-Rtd=2.2'")] = None,
    from_json: Annotated[str | None, typer.Option("--from-json", help="从 JSON 对象构造（decode 输出的键；- 为标准输入）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """构造一个通讯包（计算长度与附录 A 的 CRC）。"""
    spec: dict[str, Any] = _load_spec(from_json) if from_json else {}
    given = {"st": st, "cn": cn, "pw": pw, "mn": mn, "qn": qn, "flag": flag, "pnum": pnum, "pno": pno}
    spec.update({k: v for k, v in given.items() if v is not None})
    missing = [k for k in ("st", "cn", "pw", "mn") if not spec.get(k)]
    if missing:
        raise EcerError("INPUT_MISSING", "缺少 " + "、".join(f"--{k}" for k in missing))
    fields = dict(spec.get("cp") or {})
    for name in ("SystemTime", "RestartTime", "BeginTime", "EndTime"):
        if isinstance(fields.get(name), str):
            fields[name] = _time(fields[name], name)
    try:
        packet = builder.build(
            st=str(spec["st"]), cn=str(spec["cn"]), pw=str(spec["pw"]), mn=str(spec["mn"]),
            qn=None if spec.get("qn") is None else str(spec["qn"]),
            flag=spec.get("flag"), pnum=spec.get("pnum"), pno=spec.get("pno"), cp=cp,
            values={k: {s: (_time(v, f"{k}-{s}") if s == "SampleTime" else v) for s, v in item.items()}
                    for k, item in (spec.get("values") or {}).items()},
            fields=fields, data_time=_time(spec.get("data_time"), "data_time"),
        )
    except builder.BuildError as exc:
        raise EcerError("INPUT_INVALID", str(exc)) from exc
    text = packet.decode("utf-8")
    if as_json:
        print_json([{"packet": text.rstrip("\r\n"), "data_length": int(text[2:6]), "crc": text[-6:-2]}])
    else:
        sys.stdout.write(text)


def _segment_of(text: str) -> str:
    """The data segment: TEXT itself, or the segment inside a ``##dddd…CRC`` packet."""
    text = text.rstrip("\r\n")
    if text.startswith("##") and text[2:6].isdigit():
        text = text[6:]
        if len(text) > 4 and text[:-4].endswith("&&"):
            text = text[:-4]
    return text


@app.command("crc")
def crc_command(
    text: Annotated[str, typer.Argument(help="数据段（或整包，自动取出数据段）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """计算数据段的 CRC：附录 A 算法，以及 CRC-16/MODBUS 与其字节互换形式。"""
    segment = _segment_of(text).encode("utf-8")
    hj, mb = hj212_crc16(segment), modbus_crc16(segment)
    row = {
        "data_length": len(segment),
        "hj212": format_crc(hj),
        "modbus": format_crc(mb),
        "modbus_swapped": format_crc(swap_bytes(mb)),
        "packet": f"##{len(segment):04d}{segment.decode('utf-8')}{format_crc(hj)}",
    }
    if as_json:
        print_json([row])
    else:
        print_table("HJ 212 CRC", ["项目", "值"], [
            ("数据段长度", row["data_length"]), ("附录 A CRC", row["hj212"]),
            ("CRC-16/MODBUS", row["modbus"]), ("MODBUS 字节互换", row["modbus_swapped"]),
            ("完整通讯包", row["packet"]),
        ])

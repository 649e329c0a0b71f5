"""``ecer lake gateway|write|aggregate``: the optional scale tier (issue 9; ``pip install ecer[scale]``).

The heavy libraries are imported only when a command runs, so ``ecer`` without the extra works
and these commands say what is missing (``SCALE_EXTRA_MISSING``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table

app = typer.Typer(help="扩展层：JetStream 日志、Parquet 数据湖、DuckDB/Spark 核算（需 ecer[scale]）", no_args_is_help=True)

LogOption = Annotated[str, typer.Option("--log", help="JetStream 地址，如 nats://127.0.0.1:4222（集群用逗号分隔）")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
DEFAULT_LAKE = "var/lake"


def register(root: typer.Typer) -> None:
    """Attach ``ecer lake …``."""
    root.add_typer(app, name="lake")


def serve_gateway(log_url: str, host: str, port: int, idle_timeout: float, sources: Path | None,
                  replicas: int = 1, processes: int = 1) -> None:
    """Shared by ``ecer lake gateway`` and ``ecer monitor serve --log``."""
    import logging

    from ecer.services.lake import run_gateway, source_loader

    url = None
    if sources is None:
        from ecer.storage.db import require_initialised

        url = config.database_url()
        require_initialised(url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    def ready(sockets: list[tuple[str, int]]) -> None:
        console(stderr=True).print(f"HJ 212 网关已启动 {sockets}，写入 {log_url}", highlight=False)

    if processes > 1:  # one port, SO_REUSEPORT: the kernel spreads the connections
        from ecer.services.gateway_pool import run_gateways

        stats = run_gateways(log_url, source_loader(url, sources), processes=processes, host=host, port=port,
                             idle_timeout=idle_timeout, replicas=replicas, on_ready=ready)
    else:
        from ecer.scale import loop

        loop.install()  # uvloop when installed; the pool's processes install it themselves
        stats = run_gateway(log_url, source_loader(url, sources), host=host, port=port,
                            idle_timeout=idle_timeout, replicas=replicas, on_ready=ready)
    console(stderr=True).print(f"已停止：{stats}", highlight=False)


@app.command("gateway")
def gateway(
    log_url: LogOption,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "0.0.0.0",
    port: Annotated[int, typer.Option("--port", help="监听端口")] = 9212,
    idle_timeout: Annotated[float, typer.Option("--idle-timeout", help="连接空闲超时（秒）")] = 600.0,
    sources: Annotated[Path | None, typer.Option("--sources", help="监控点清单 CSV（mn,pw,region）；缺省读数据库")] = None,
    replicas: Annotated[int, typer.Option("--replicas", help="新建日志流的副本数（集群为 3）")] = 1,
    processes: Annotated[int, typer.Option("--processes", min=1, help="网关进程数（同一端口，SO_REUSEPORT 由内核分配连接）")] = 1,
) -> None:
    """HJ 212 网关：校验每个包，写入 JetStream（hj212.<地区>.<MN>），存储确认后才应答 9014。"""
    serve_gateway(log_url, host, port, idle_timeout, sources, replicas, processes)


@app.command("write")
def write(
    log_url: LogOption,
    to: Annotated[str, typer.Option("--to", help="数据湖路径（本地目录或 s3://桶/前缀）")],
    member: Annotated[int, typer.Option("--member", help="本写入进程在组内的编号（0 起）")] = 0,
    members: Annotated[int, typer.Option("--members", help="写入组成员数（按 MN 哈希分担）")] = 1,
    batch: Annotated[int, typer.Option("--batch", help="每次从日志取的消息数")] = 5000,
    flush_seconds: Annotated[float, typer.Option("--flush-seconds", help="最长缓冲时间（秒）")] = 5.0,
    drain: Annotated[float | None, typer.Option("--drain", help="连续这么多秒无新消息即写完退出")] = None,
    live: Annotated[bool, typer.Option("--live", help="同时写入单机监测表和计量表（ECER_DATABASE_URL），供在线页面、报警、质量检查和核对使用")] = False,
    live_db: Annotated[str | None, typer.Option("--live-db", help="实时库地址（指定即开启 --live），缺省 ECER_DATABASE_URL")] = None,
    live_days: Annotated[int, typer.Option("--live-days", min=1, help="实时、分钟等数据在实时库保留的天数（更早的不写入、到期删除）")] = 7,
    live_rollup_days: Annotated[int, typer.Option("--live-rollup-days", min=1, help="小时、日数据在实时库保留的天数（许可排放量报警按全年小时数据累计）")] = 366,
    json_out: JsonOption = False,
) -> None:
    """从日志读取、解码，按月份和地区写 Parquet（按监控点、污染物、时间排序），文件写完后才确认日志。

    加 --live：本写入进程负责的数据同时按 ecer monitor serve 和计量接口的方式存入单机表（幂等），
    Parquet 文件和数据库提交都完成后才确认日志。
    """
    if live or live_db:
        from ecer.domain.errors import EcerError
        from ecer.scale.lake.live import LiveOptions, run
        from ecer.storage.db import require_initialised

        if not 0 <= member < members:
            raise EcerError("SCALE_WRITER_MEMBER", f"member={member} members={members}")
        url = live_db or config.database_url()
        require_initialised(url)
        stats = run(log_url, to, LiveOptions(url, live_days, live_rollup_days), member=member, members=members,
                    batch=batch, flush_seconds=flush_seconds, drain=drain)
    else:
        from ecer.services.lake import run_writer

        stats = run_writer(log_url, to, member=member, members=members, batch=batch, flush_seconds=flush_seconds,
                           drain=drain)
    if json_out:
        print_json([stats])
    else:
        print_table("数据湖写入", list(stats), [list(stats.values())])


@app.command("aggregate")
def aggregate(
    engine: Annotated[str, typer.Option("--engine", help="duckdb 或 spark")],
    year: Annotated[int, typer.Option("--year", help="核算年度")],
    lake: Annotated[str | None, typer.Option("--lake", help="数据湖路径；缺省 ECER_LAKE 或 var/lake")] = None,
    master: Annotated[str, typer.Option("--master", help="Spark master：local[*] 或 spark://主机:7077")] = "local[*]",
    codes: Annotated[str | None, typer.Option("--codes", help="污染物编码，逗号分隔；缺省 COD、氨氮、NOx、VOCs")] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="只计算，不写入数据库")] = False,
    json_out: JsonOption = False,
) -> None:
    """按地区、污染物、月份核算数据湖中的排放量和流量合计，写入 lake_emission_totals；按地区、能源品种、月份合计计量能耗（吨标准煤），写入 lake_energy_totals。"""
    from ecer.scale.engines.accounting import DEFAULT_CODES
    from ecer.services.lake import aggregate as run

    path = lake or os.environ.get("ECER_LAKE") or DEFAULT_LAKE
    url = None
    if not no_store:
        from ecer.storage.db import require_initialised

        url = config.database_url()
        require_initialised(url)
    code_list = tuple(c.strip() for c in codes.split(",") if c.strip()) if codes else DEFAULT_CODES
    totals, energy = run(url, engine, path, year, code_list, master)
    rows = [t.as_dict() for t in totals]
    energy_rows = [t.as_dict() for t in energy]
    if json_out:
        print_json(rows + energy_rows)  # energy rows carry "kind": "energy"
        return
    if rows:
        columns = ["year", "month", "region", "code", "mass_kg", "volume_m3", "readings", "outlets"]
        print_table(f"{year} 年数据湖核算（{engine}）", columns, [[r[c] for c in columns] for r in rows])
    if energy_rows:
        columns = ["year", "month", "region", "carrier", "unit", "amount", "tce", "meters", "units", "readings"]
        print_table(f"{year} 年计量能耗（{engine}，当量值）", columns, [[r[c] for c in columns] for r in energy_rows])

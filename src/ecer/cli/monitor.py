"""``ecer monitor …`` (HJ 212 server, sources, readings, alarms, marks, emissions, simulator),
``ecer template sources`` and ``ecer import sources``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table
from ecer.cli.workbooks import import_app, template_app

monitor_app = typer.Typer(help="污染源在线监控（HJ 212）：服务器、监控点、数据、报警、排放量", no_args_is_help=True)
sources_app = typer.Typer(help="监控点登记 (monitored sources)", no_args_is_help=True)
marks_app = typer.Typer(help="停产、检修标记 (operator marks)", no_args_is_help=True)
retention_app = typer.Typer(help="数据保留期限 (retention)", no_args_is_help=True)
alarms_app = typer.Typer(help="报警：列出、评估、确认、关闭 (alarms)", invoke_without_command=True)

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
MnOption = Annotated[str, typer.Option("--mn", help="设备唯一标识 MN")]


def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "0.0.0.0",
    port: Annotated[int, typer.Option("--port", help="监听端口")] = 9212,
    idle_timeout: Annotated[float, typer.Option("--idle-timeout", help="连接空闲超时（秒）")] = 600.0,
    queue_size: Annotated[int, typer.Option("--queue", help="待写入队列上限（包）")] = 20000,
    batch_max: Annotated[int, typer.Option("--batch", help="每个事务最多写入的包数")] = 5000,
    ask_time: Annotated[bool, typer.Option("--ask-time", help="对每台设备提取现场机时间（1011），偏差过大时设置（1012）")] = False,
    no_backfill: Annotated[bool, typer.Option("--no-backfill", help="不对检测到的数据缺口发起补传请求")] = False,
    log_url: Annotated[str | None, typer.Option("--log", help="扩展层：写入 JetStream（nats://主机:端口），存储确认后应答（需 ecer[scale]）")] = None,
) -> None:
    """运行 HJ 212 TCP 服务器：数据入库提交后才返回 9014 应答；Ctrl-C 或 SIGTERM 时写完并应答后退出。"""
    if log_url is not None:  # scale tier (issue 9): the gateway of ecer.scale instead of the database writer
        from ecer.cli.lake import serve_gateway

        serve_gateway(log_url, host, port, idle_timeout, None)
        return
    import asyncio
    import logging
    import signal

    from ecer.server.hj212 import ServerConfig
    from ecer.server.hj212 import serve as run
    from ecer.storage.db import require_initialised

    url = config.database_url()
    require_initialised(url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = ServerConfig(host=host, port=port, idle_timeout=idle_timeout, queue_size=queue_size,
                            batch_max=batch_max, ask_time=ask_time, backfill=not no_backfill)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        ready = asyncio.Event()
        task = asyncio.create_task(run(url, settings, stop, ready))
        await ready.wait()
        console(stderr=True).print(f"HJ 212 服务器已启动 {host}:{port}", highlight=False)
        stats = await task
        console(stderr=True).print(f"已停止：{stats.as_dict()}", highlight=False)

    asyncio.run(main())


def _pollutants(values: list[str]) -> tuple:
    from ecer.domain.errors import EcerError
    from ecer.importers.sources import parse_pollutants

    try:
        return parse_pollutants(";".join(values))
    except ValueError as exc:
        raise EcerError("MONITOR_POLLUTANT_INVALID", str(exc), field="--pollutant") from exc


def add_source(
    mn: MnOption,
    pw: Annotated[str, typer.Option("--pw", help="访问密码")],
    enterprise: Annotated[str, typer.Option("--enterprise", help="企业名称")],
    outlet: Annotated[str, typer.Option("--outlet", help="排放口或点位")],
    kind: Annotated[str, typer.Option("--kind", help="wastewater | flue_gas | air_station | water_section")],
    region: Annotated[str, typer.Option("--region", help="所属地区（规划中的名称或代码）")],
    st: Annotated[str | None, typer.Option("--st", help="系统编码 ST")] = None,
    pollutant: Annotated[list[str] | None, typer.Option(
        "--pollutant", help="编码:浓度限值:单位:年许可量(吨)[:分辨率]，可重复")] = None,
    allow: Annotated[list[str] | None, typer.Option("--allow", help="允许的协议偏差代码，可重复")] = None,
    extension: Annotated[list[str] | None, typer.Option("--extension", help="允许的厂商扩展 CN，可重复")] = None,
    json_output: JsonOption = False,
) -> None:
    """登记一个监控点（数采仪）。"""
    from ecer.importers.sources import KIND_NAMES
    from ecer.services.monitoring import register_source
    from ecer.storage.sources import SourceSpec

    spec = SourceSpec(mn=mn, pw=pw, enterprise=enterprise, outlet=outlet, kind=KIND_NAMES.get(kind, kind),
                      region=region, st=st, pollutants=_pollutants(pollutant or []),
                      accepted_deviations=tuple(allow or ()), vendor_extensions=tuple(extension or ()))
    row = register_source(config.database_url(), spec, config.current_user())
    if json_output:
        print_json([row])
    else:
        console().print(f"已登记监控点 {row['mn']}（{row['enterprise']} {row['outlet']}）")


def list_sources(
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    json_output: JsonOption = False,
) -> None:
    """列出已登记的监控点。"""
    from ecer.services.monitoring import sources

    rows = sources(config.database_url(), region)
    if json_output:
        print_json(rows)
        return
    print_table("监控点", ["MN", "企业", "排放口", "类型", "地区", "监测因子"],
                [[r["mn"], r["enterprise"], r["outlet"], r["kind"], r["region"],
                  "、".join(p["code"] for p in r["pollutants"])] for r in rows])


def template_sources(out: Annotated[Path, typer.Argument(help="输出文件 .xlsx")]) -> None:
    """写出监控点登记导入模板（含说明工作表）。"""
    from ecer.importers.sources import COLUMNS
    from ecer.importers.templates import write_template

    write_template(
        out, "污染源在线监控点登记模板", "监控点", COLUMNS,
        [
            "每行一台数采仪（一个 MN），对应一个排放口或监测点位。",
            "监测因子：编码:浓度限值:单位:年许可排放量(吨)，多个用分号分隔；限值与许可量可留空。",
            "允许的协议偏差默认为空（严格按 HJ 212-2017 接收）；只对确有需要的设备开启。",
            "任何一处错误都会使整个文件不被导入，并列出全部错误；再次导入相同内容不新增记录。",
        ],
        examples=[["010000A8900016F000169DC0", "123456", "示例企业", "废水总排口", "废水", "永吉县", "32",
                   "w01018:100:mg/L:12.5;w21003:8:mg/L:1.2", 30, 600, None, None]],
    )
    console().print(f"已写出模板 {out}")


def import_sources(file: Annotated[Path, typer.Argument(help=".xlsx 或 .csv")], json_output: JsonOption = False) -> None:
    """导入监控点登记：先检查全部行，有任何错误则全部不写入；命令行导入记为已审核。"""
    from ecer.services.monitoring import import_sources as run_import

    result = run_import(config.database_url(), file, actor=config.current_user())
    if json_output:
        print_json([result])
    else:
        console().print(f"已导入 {file}：读取 {result['rows_read']} 行，新增或更新 {result['rows_added']} 个监控点")


def show_readings(
    mn: MnOption,
    cn: Annotated[str | None, typer.Option("--cn", help="2011 实时、2051 分钟、2061 小时、2031 日")] = None,
    start: Annotated[str | None, typer.Option("--from", help="起始时间（北京时间，含）")] = None,
    end: Annotated[str | None, typer.Option("--to", help="截止时间（北京时间，不含）")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="最多行数")] = None,
    json_output: JsonOption = False,
) -> None:
    """列出一个监控点的监测数据（时间为北京时间）。"""
    from ecer.services.monitoring import parse_time, readings

    rows = readings(config.database_url(), mn, cn, parse_time(start, "--from"), parse_time(end, "--to"), limit)
    if json_output:
        print_json(rows)
        return
    print_table(f"监测数据 {mn}", ["时间", "CN", "因子", "实时", "均值", "最小", "最大", "累计", "折算均值", "标记"],
                [[r["data_time"].isoformat(), r["cn"], r["code"], r["rtd"], r["avg"], r["min"], r["max"], r["cou"],
                  r["zs_avg"], r["flag"]] for r in rows])


def _print_alarms(rows: list[dict], json_output: bool) -> None:
    if json_output:
        print_json(rows)
        return
    print_table("报警", ["编号", "MN", "类型", "因子", "级别", "开始", "结束", "状态", "说明"],
                [[r["id"], r["mn"], r["kind"], r["code"], r["level"], r["start"].isoformat(),
                  r["end"].isoformat() if r["end"] else None, r["status"], r["detail"]] for r in rows])


@alarms_app.callback()
def alarms(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help="open | acknowledged | closed")] = None,
    evaluate: Annotated[bool, typer.Option("--evaluate", help="先按规则评估最近 --days 天的小时数据")] = False,
    at: Annotated[str | None, typer.Option("--at", help="评估时刻（北京时间，默认现在）")] = None,
    days: Annotated[int, typer.Option("--days", help="评估的天数")] = 7,
    json_output: JsonOption = False,
) -> None:
    """列出报警（超标、缺数、可疑数据、许可排放量将用尽）；子命令 acknowledge、close。"""
    if ctx.invoked_subcommand is not None:
        return
    from ecer.services.monitoring import alarms as list_alarms
    from ecer.services.monitoring import evaluate_alarms, parse_time

    url = config.database_url()
    if evaluate:
        evaluate_alarms(url, parse_time(at, "--at"), days=days)
    _print_alarms(list_alarms(url, status), json_output)


def _handle(alarm_id: int, action: str, reason: str | None, json_output: bool) -> None:
    from ecer.services.monitoring import handle_alarm

    row = handle_alarm(config.database_url(), alarm_id, action, reason, config.current_user())
    _print_alarms([row], json_output)


@alarms_app.command("acknowledge")
def acknowledge(alarm_id: Annotated[int, typer.Argument(help="报警编号")],
                reason: Annotated[str | None, typer.Option("--reason", help="原因（必填）")] = None,
                json_output: JsonOption = False) -> None:
    """确认报警（须填写原因）。"""
    _handle(alarm_id, "acknowledge", reason, json_output)


@alarms_app.command("close")
def close(alarm_id: Annotated[int, typer.Argument(help="报警编号")],
          reason: Annotated[str | None, typer.Option("--reason", help="原因（必填）")] = None,
          json_output: JsonOption = False) -> None:
    """关闭报警（须填写原因）。"""
    _handle(alarm_id, "close", reason, json_output)


@marks_app.command("add")
def add_mark(
    mn: MnOption,
    kind: Annotated[str, typer.Option("--kind", help="停产 | 检修")],
    start: Annotated[str, typer.Option("--from", help="开始时间（北京时间）")],
    end: Annotated[str, typer.Option("--to", help="结束时间（北京时间）")],
    reason: Annotated[str | None, typer.Option("--reason", help="说明")] = None,
    json_output: JsonOption = False,
) -> None:
    """标记停产或检修时段：不报警，不计入有效数据。"""
    from ecer.services.monitoring import beijing, parse_time
    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry
    from ecer.storage.sources import add_mark as add

    begin, finish = parse_time(start, "--from"), parse_time(end, "--to")
    assert begin is not None and finish is not None
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        mark = add(session, mn, kind, begin, finish, reason, actor)
        session.add(AuditEntry(actor=actor, action="monitor.mark.add", target=mn, detail={"kind": kind}))
        row = {"id": mark.id, "mn": mn, "kind": kind, "start": beijing(mark.start), "end": beijing(mark.end),
               "reason": reason}
    if json_output:
        print_json([row])
    else:
        console().print(f"已标记 {mn} {kind} {row['start']} 至 {row['end']}")


@marks_app.command("list")
def list_marks(mn: Annotated[str | None, typer.Option("--mn", help="MN")] = None,
               json_output: JsonOption = False) -> None:
    """列出停产、检修标记。"""
    from ecer.services.monitoring import marks

    rows = marks(config.database_url(), mn)
    if json_output:
        print_json(rows)
        return
    print_table("停产、检修标记", ["编号", "MN", "类型", "开始", "结束", "说明"],
                [[r["id"], r["mn"], r["kind"], r["start"], r["end"], r["reason"]] for r in rows])


def show_quarantine(limit: Annotated[int, typer.Option("--limit", help="最近多少条")] = 100,
                    json_output: JsonOption = False) -> None:
    """列出被隔离的通讯包（未登记 MN、密码错误、格式错误等）及原因。"""
    from ecer.services.monitoring import quarantine

    rows = quarantine(config.database_url(), limit)
    if json_output:
        print_json(rows)
        return
    print_table("隔离区", ["编号", "接收时间", "来源", "MN", "CN", "原因", "说明"],
                [[r["id"], r["received_at"], r["peer"], r["mn"], r["cn"], r["reason"], r["detail"]] for r in rows])


def emissions(
    year: Annotated[int, typer.Option("--year", help="年份")],
    mn: Annotated[str | None, typer.Option("--mn", help="只看一个监控点的逐日排放量")] = None,
    voc_code: Annotated[str, typer.Option("--voc-code", help="代表 VOCs 的监测因子")] = "a24088",
    json_output: JsonOption = False,
) -> None:
    """按地区、污染物汇总排放量（吨）及占许可排放量的比例；--mn 时为逐日排放量（千克）。"""
    from ecer.domain.pollutants.emission_amounts import ANNEX2_CODES
    from ecer.protocol.hj212.cp import CST
    from ecer.services.monitoring import emission_totals, source_amounts

    url = config.database_url()
    if mn:
        rows = source_amounts(url, mn, dt.datetime(year, 1, 1, tzinfo=CST), dt.datetime(year + 1, 1, 1, tzinfo=CST))
        if json_output:
            print_json(rows)
        else:
            print_table(f"{mn} 逐日排放量", ["日期", "因子", "排放量(kg)", "有效小时", "有效日"],
                        [[r["day"], r["code"], f"{r['mass_kg']:.3f}", r["valid_hours"], r["valid_day"]] for r in rows])
        return
    rows = emission_totals(url, year, {**ANNEX2_CODES, "VOCs": voc_code})
    if json_output:
        print_json(rows)
        return
    print_table(f"{year} 年在线监测排放量", ["地区", "污染物", "因子", "排放量(t)", "许可量(t)", "占比"],
                [[r["region"], r["pollutant"], r["code"], f"{r['amount_t']:.3f}", r["permit_t"],
                  None if r["share_of_permit"] is None else f"{r['share_of_permit']:.1%}"] for r in rows])


@retention_app.command("set")
def retention_set(cn: Annotated[str, typer.Option("--cn", help="如 2011 实时数据")],
                  days: Annotated[int, typer.Option("--days", help="保留天数；0 表示永久保留")],
                  json_output: JsonOption = False) -> None:
    """设置某类数据的保留天数。"""
    from ecer.services.monitoring import set_retention

    row = set_retention(config.database_url(), cn, days, config.current_user())
    if json_output:
        print_json([row])
    else:
        console().print(f"CN {cn}：" + (f"保留 {days} 天" if days else "永久保留"))


@retention_app.command("list")
def retention_list(json_output: JsonOption = False) -> None:
    """列出保留期限设置（未列出的数据永久保留）。"""
    from ecer.services.monitoring import retention

    rows = retention(config.database_url())
    if json_output:
        print_json(rows)
    else:
        print_table("数据保留期限", ["CN", "天数", "设置人"], [[r["cn"], r["days"], r["updated_by"]] for r in rows])


@retention_app.command("apply")
def retention_apply(json_output: JsonOption = False) -> None:
    """删除超过保留期限的数据（建议每日运行一次）。"""
    from ecer.services.monitoring import apply_retention

    rows = apply_retention(config.database_url(), actor=config.current_user())
    if json_output:
        print_json(rows)
    else:
        print_table("已按保留期限清理", ["CN", "天数", "截止", "删除条数"],
                    [[r["cn"], r["days"], r["cutoff"], r["deleted"]] for r in rows])


def ingest(file: Annotated[Path, typer.Argument(help="保存的 HJ 212 通讯包（原始字节流或每行一个包）")],
           json_output: JsonOption = False) -> None:
    """按服务器的同一流程（登记核对、隔离、幂等写入）导入保存的通讯包，不发送应答。"""
    from ecer.domain.errors import EcerError
    from ecer.services.monitoring import ingest_stream

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise EcerError("IMPORT_FILE_UNREADABLE", str(exc), file=str(file)) from exc
    counts = ingest_stream(config.database_url(), data, peer=file.name)
    if json_output:
        print_json([{"file": str(file), **counts}])
    else:
        console().print(f"{file}：{counts['frames']} 个包，写入 {counts['readings']} 条（重复的不重复写入），"
                        f"隔离 {counts['quarantined']} 个")


def simulate(
    sources: Annotated[int, typer.Option("--sources", help="模拟的数采仪数量")] = 10,
    rate: Annotated[float, typer.Option("--rate", help="总发送速率（包/秒）")] = 100.0,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 9212,
    duration: Annotated[float, typer.Option("--duration", help="持续时间（秒）")] = 10.0,
    malformed: Annotated[float, typer.Option("--malformed", help="错误包比例")] = 0.01,
    disconnects: Annotated[float, typer.Option("--disconnects", help="每包后断线的概率")] = 0.001,
    register: Annotated[bool, typer.Option("--register", help="先在数据库中登记模拟的数采仪")] = False,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    json_output: JsonOption = False,
) -> None:
    """模拟 N 台数采仪经 TCP 上传 2011/2051/2061（要求应答），含错误包、断线与重发，并核对每个应答。"""
    from ecer.domain.errors import EcerError
    from ecer.server.simulator import SimulatorConfig, register_sources, run_simulation

    settings = SimulatorConfig(sources=sources, rate=rate, host=host, port=port, duration=duration,
                               malformed=malformed, disconnects=disconnects, seed=seed)
    if register:
        register_sources(config.database_url(), settings)
    report = run_simulation(settings)
    if json_output:
        print_json([report])
    else:
        print_table("模拟结果", ["项目", "数值"], [[k, v] for k, v in report.items()])
    if report["unacknowledged"] or report["wrong_acks"]:
        raise EcerError("MONITOR_SIMULATION_FAILED",
                        f"未应答 {report['unacknowledged']}，应答有误 {report['wrong_acks']}")


def register(app: typer.Typer) -> None:
    template_app.command("sources")(template_sources)
    import_app.command("sources")(import_sources)
    monitor_app.command("serve")(serve)
    sources_app.command("add")(add_source)
    sources_app.command("list")(list_sources)
    monitor_app.add_typer(sources_app, name="sources")
    monitor_app.command("readings")(show_readings)
    monitor_app.add_typer(alarms_app, name="alarms")
    monitor_app.add_typer(marks_app, name="marks")
    monitor_app.command("quarantine")(show_quarantine)
    monitor_app.command("emissions")(emissions)
    monitor_app.add_typer(retention_app, name="retention")
    monitor_app.command("ingest")(ingest)
    monitor_app.command("simulate")(simulate)
    app.add_typer(monitor_app, name="monitor")

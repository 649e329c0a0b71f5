"""``ecer twohigh list|show|log``: the two-high project inventory and its supervision log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table

twohigh_app = typer.Typer(help="“两高”项目清单管理 (two-high project inventory)", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
YearOption = Annotated[int, typer.Option("--year", help="计算地区剩余空间的年份")]


def list_projects(
    year: YearOption,
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    json_output: JsonOption = False,
) -> None:
    """清单：状态、能耗（当量值、等价值）、≥1万/≥5万吨标准煤标记、对标分类、分类处置、对地区空间的影响。"""
    from ecer.services.two_high import project_row
    from ecer.storage.db import session_scope
    from ecer.storage.two_high import projects

    with session_scope(config.database_url()) as session:
        rooms: dict[str, object] = {}
        rows = [project_row(session, p, year, rooms=rooms) for p in projects(session, region)]
    if json_output:
        print_json(rows)
        return
    print_table("“两高”项目清单", ["编号", "项目", "地区", "状态", "等价值(tce)", "≥1万", "≥5万", "对标", "分类处置",
                                 "占地区剩余空间"],
                [[r["id"], r["name"], r["region"], r["status"], r["energy_primary_tce"], _yes(r["over_10k_tce"]),
                  _yes(r["over_50k_tce"]), r["efficiency_class"], r["handling_class_zh"],
                  "—" if r["share_of_room"] is None else f"{r['share_of_room'] * 100:.1f}%"] for r in rows])


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def show_project(
    project: Annotated[str, typer.Argument(help="项目编号或名称")],
    year: YearOption,
    json_output: JsonOption = False,
) -> None:
    """一个项目的全部信息及监管记录。"""
    from ecer.services.two_high import project_row
    from ecer.storage.db import session_scope
    from ecer.storage.two_high import log_of
    from ecer.storage.two_high import project as find

    with session_scope(config.database_url()) as session:
        p = find(session, project)
        row = project_row(session, p, year)
        row["log"] = [{"date": e.date, "note": e.note, "actor": e.actor} for e in log_of(session, p.id)]
    if json_output:
        print_json([row])
        return
    for key, value in row.items():
        if key != "log":
            console().print(f"{key}: {value}")
    print_table("监管记录", ["日期", "记录", "记录人"], [[e["date"], e["note"], e["actor"]] for e in row["log"]])


def add_log(
    project: Annotated[str, typer.Argument(help="项目编号或名称")],
    note: Annotated[str, typer.Argument(help="监管记录内容")],
    date: Annotated[str | None, typer.Option("--date", help="日期 YYYY-MM-DD（默认今天）")] = None,
    json_output: JsonOption = False,
) -> None:
    """为项目添加一条带日期的监管记录（动态监管）。"""
    from ecer.domain.errors import EcerError
    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry
    from ecer.storage.two_high import add_log as store_log
    from ecer.storage.two_high import project as find

    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError as exc:
        raise EcerError("IMPORT_BAD_DATE", str(date), field="--date") from exc
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        p = find(session, project)
        entry = store_log(session, p.id, day, note, actor)
        session.add(AuditEntry(actor=actor, action="twohigh.log", target=p.name, detail={"date": day.isoformat()}))
        result = {"id": entry.id, "project_id": p.id, "date": day, "note": note, "actor": actor}
    if json_output:
        print_json([result])
    else:
        console().print(f"已记录 {p.name} {day}：{note}")


def register(app: typer.Typer) -> None:
    twohigh_app.command("list")(list_projects)
    twohigh_app.command("show")(show_project)
    twohigh_app.command("log")(add_log)
    app.add_typer(twohigh_app, name="twohigh")

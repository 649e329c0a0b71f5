"""``ecer init`` and ``ecer demo-data``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json

DEFAULT_PLAN = "jilin-2021-2025"


def init(json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """初始化数据库（运行迁移），若尚无规划则载入内置规划；不创建用户、不写入演示数据。"""
    from importlib import resources

    from ecer.domain.plan.loader import load_plan_text
    from ecer.storage.db import redact, session_scope, upgrade
    from ecer.storage.plans import active_record, save_plan

    url = config.database_url()
    revision = upgrade(url)
    with session_scope(url) as session:
        record = active_record(session)
        loaded = False
        if record is None:
            text = resources.files("ecer.data").joinpath("plans", f"{DEFAULT_PLAN}.yaml").read_text("utf-8")
            plan = load_plan_text(text, f"builtin:{DEFAULT_PLAN}")
            record = save_plan(session, plan, text, f"builtin:{DEFAULT_PLAN}", config.current_user())
            loaded = True
        result = {"database": redact(url), "schema_revision": revision, "plan_id": record.id,
                  "plan_loaded": loaded}
    if json_output:
        print_json([result])
        return
    out = console()
    out.print(f"数据库 {result['database']}")
    out.print(f"结构版本 schema revision: {revision}")
    out.print(f"规划 plan: {record.id}" + ("（已载入内置规划）" if loaded else "（已存在，未覆盖）"))


def demo_data(
    out: Annotated[Path, typer.Option("--out", help="演示工作簿输出目录")] = Path("demo-workbooks"),
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """生成确定性的合成演示数据（工作簿），并通过正常导入流程写入数据库。数据为合成数据，仅供演示。"""
    from ecer.demo import import_all
    from ecer.storage.db import require_initialised

    require_initialised(config.database_url())
    summary = import_all(config.database_url(), out)
    if json_output:
        print_json(summary)
        return
    for item in summary:
        console().print(f"[合成演示数据 SYNTHETIC] {item['kind']}: {item['file']} — 新增 {item['rows_added']} 条")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo-data")(demo_data)

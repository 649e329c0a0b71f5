"""``ecer environment stations [register]``: list stations, and make one a monitored source of the HJ 212 server.

Thin shell over ``ecer.services.environment_hj212.register_station``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json

stations_app = typer.Typer(help="已登记的空气质量站点与地表水断面；register 使站点可经 HJ 212 上报",
                           invoke_without_command=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 数组")]


@stations_app.callback()
def stations(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """列出已登记的空气质量站点与地表水断面（子命令 register 登记为 HJ 212 监控点）。"""
    if ctx.invoked_subcommand is None:
        from ecer.cli.environment_quality import list_stations

        list_stations(as_json)


@stations_app.command("register")
def register_station(
    code: Annotated[str, typer.Argument(help="站点编码（ecer import stations 登记的）")],
    pw: Annotated[str, typer.Option("--pw", help="数采仪访问密码 PW")],
    mn: Annotated[str | None, typer.Option("--mn", help="数采仪 MN；省略则用站点登记的 MN")] = None,
    as_json: JsonOpt = False,
) -> None:
    """将站点登记为 HJ 212 监控点（空气 ST=22，地表水 ST=21），服务器即接收其上报并计入空气质量与水质评价。"""
    from ecer.services.environment_hj212 import register_station as register

    row = register(config.database_url(), code, pw=pw, mn=mn, actor=config.current_user())
    if as_json:
        print_json([row])
        return
    state = "已登记" if row["changed"] else "未变化"
    console().print(f"{state}：站点 {row['code']}（{row['name']}）MN={row['mn']} ST={row['st']}，"
                    f"HJ 212 服务器接收其上报（重新加载登记后生效，最长 30 秒）")

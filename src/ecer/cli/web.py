"""``ecer serve``: run the web application (creating the first administrator if there is no user)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
) -> None:
    """启动 Web 应用（REST API 与页面）；若尚无用户，先创建系统管理员并显示一次随机密码。"""
    import uvicorn

    from ecer import config
    from ecer.cli.output import console
    from ecer.cli.users import ensure_admin, print_new_password
    from ecer.storage.db import require_initialised
    from ecer.web.app import create_app

    url = config.database_url()
    require_initialised(url)
    password = ensure_admin(url)
    if password is not None:
        print_new_password("admin", password)
    console().print(f"ECER 已启动：http://{host}:{port}/ （API 文档 /api/docs；Ctrl-C 停止）", highlight=False)
    uvicorn.run(create_app(url), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

"""``ecer serve``: run the web application."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
) -> None:
    """启动 Web 应用（REST API 与页面）。"""
    import uvicorn

    from ecer import config
    from ecer.storage.db import require_initialised
    from ecer.web.app import create_app

    require_initialised(config.database_url())
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

"""``ecer serve``: run the web application (creating the first administrator if there is no user)."""

from __future__ import annotations

import os
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    workers: Annotated[int | None, typer.Option("--workers", help="工作进程数（默认：CPU 核数，最多 4）")] = None,
    log: Annotated[str | None, typer.Option("--log", help="JetStream 地址（nats://主机:端口）：能耗采集数据写入日志；缺省 ECER_LOG_URL")] = None,
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
    if log:  # read by every worker (services.meter_log)
        os.environ["ECER_LOG_URL"] = log
    password = ensure_admin(url)
    if password is not None:
        print_new_password("admin", password)
    console().print(f"ECER 已启动：http://{host}:{port}/ （API 文档 /api/docs；Ctrl-C 停止）", highlight=False)
    workers = workers or default_workers()
    os.environ["ECER_WARM_UP"] = "1"  # each worker computes the main pages' figures as it starts
    if workers == 1:
        uvicorn.run(create_app(url), host=host, port=port, log_level="warning")
    else:  # each worker process builds the app from ECER_DATABASE_URL
        os.environ["ECER_DATABASE_URL"] = url
        uvicorn.run("ecer.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")


def default_workers() -> int:
    """One process per core, at most 4: requests are CPU-bound Python (one core per process)."""
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

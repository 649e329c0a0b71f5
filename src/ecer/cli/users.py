"""``ecer users create-admin|add|list|passwd|demo-accounts`` and ``ecer audit verify|list``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table

users_app = typer.Typer(help="用户与角色 (users and roles)", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 (audit log)", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _password(prompt: bool, username: str) -> str:
    if not prompt:
        from ecer.services.users import random_password

        return random_password(username)
    return typer.prompt("新密码", hide_input=True, confirmation_prompt=True)


def ensure_admin(url: str, username: str = "admin") -> str | None:
    """Create the first administrator with a random password if there is no user; returns it (else None)."""
    from ecer.services.users import create_user, random_password
    from ecer.storage.db import session_scope
    from ecer.storage.users import count_users

    with session_scope(url) as session:
        if count_users(session):
            return None
        password = random_password(username)
        create_user(session, username=username, password=password, role="admin", actor=config.current_user(),
                    display_name="系统管理员")
        return password


def print_new_password(username: str, password: str) -> None:
    out = console()
    out.print(f"[bold]已创建用户 {username}，密码（只显示这一次，请立即妥善保存）：[/]", highlight=False)
    out.print(f"  [bold green]{password}[/]", highlight=False)


def create_admin(
    username: Annotated[str, typer.Option("--username", help="用户名")] = "admin",
    json_output: JsonOption = False,
) -> None:
    """首次使用：若尚无任何用户，创建系统管理员并显示一次随机密码（没有默认密码）。"""
    from ecer.domain.errors import EcerError

    password = ensure_admin(config.database_url(), username)
    if password is None:
        raise EcerError("USER_EXISTS", "已有用户；请用 ecer users add 新增或 ecer users passwd 重设密码")
    if json_output:
        print_json([{"username": username, "role": "admin", "password": password}])
    else:
        print_new_password(username, password)


def add(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option("--role", help="admin、city、district、enterprise、readonly")],
    region: Annotated[str | None, typer.Option("--region", help="区县用户的所属地区")] = None,
    unit: Annotated[int | None, typer.Option("--unit", help="企业用户的重点用能单位编号")] = None,
    name: Annotated[str | None, typer.Option("--name", help="姓名")] = None,
    prompt: Annotated[bool, typer.Option("--prompt", help="输入密码（默认生成随机密码并显示一次）")] = False,
    json_output: JsonOption = False,
) -> None:
    """新增用户；默认生成随机密码并只显示一次。"""
    from ecer.services.users import create_user
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    password = _password(prompt, username)
    with session_scope(config.database_url()) as session:
        plan = active_plan(session)
        create_user(session, username=username, password=password, role=role, actor=config.current_user(),
                    display_name=name, region=region, unit_id=unit, plan_regions=[r.name for r in plan.regions])
    if json_output:
        print_json([{"username": username, "role": role, "region": region, "unit_id": unit,
                     "password": None if prompt else password}])
    elif not prompt:
        print_new_password(username, password)
    else:
        console().print(f"已创建用户 {username}")


def list_users(json_output: JsonOption = False) -> None:
    """列出用户（不含密码）。"""
    from ecer.storage.db import session_scope
    from ecer.storage.users import all_users
    from ecer.web.access import ROLES

    with session_scope(config.database_url()) as session:
        rows = [{"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
                 "region": u.region, "unit_id": u.unit_id, "is_active": u.is_active, "created_at": u.created_at}
                for u in all_users(session)]
    if json_output:
        print_json(rows)
        return
    print_table("用户", ["编号", "用户名", "姓名", "角色", "地区", "单位", "启用"],
                [[r["id"], r["username"], r["display_name"], ROLES.get(str(r["role"]), r["role"]), r["region"],
                  r["unit_id"], "是" if r["is_active"] else "否"] for r in rows])


def passwd(
    username: Annotated[str, typer.Argument(help="用户名")],
    prompt: Annotated[bool, typer.Option("--prompt", help="输入密码（默认生成随机密码并显示一次）")] = False,
    json_output: JsonOption = False,
) -> None:
    """重设密码（该用户的全部会话随即失效）。"""
    from ecer.domain.errors import EcerError
    from ecer.services.users import set_password
    from ecer.storage.db import session_scope
    from ecer.storage.users import by_username

    password = _password(prompt, username)
    with session_scope(config.database_url()) as session:
        user = by_username(session, username)
        if user is None:
            raise EcerError("NOT_FOUND", f"用户 {username}")
        set_password(session, user, password, actor=config.current_user())
    if json_output:
        print_json([{"username": username, "password": None if prompt else password}])
    elif not prompt:
        print_new_password(username, password)


def verify(json_output: JsonOption = False) -> None:
    """校验审计日志的哈希链：任何记录被改动、删除或插入都会被发现（退出码 2）。"""
    from ecer.domain.errors import EcerError
    from ecer.storage.audit import verify as run
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        result = run(session)
    if json_output:
        print_json([{"entries": result.entries, "ok": result.ok, "broken": result.broken}])
        if not result.ok:
            raise typer.Exit(2)
        return
    if result.ok:
        console().print(f"审计日志完整：{result.entries} 条记录，哈希链校验通过。")
        return
    first = result.broken[0]
    raise EcerError("AUDIT_CHAIN_BROKEN", f"共 {len(result.broken)} 处，首处为第 {first['id']} 条：{first['detail']}")


def list_audit(
    limit: Annotated[int, typer.Option("--limit", help="最近多少条")] = 50,
    json_output: JsonOption = False,
) -> None:
    """列出最近的审计日志。"""
    from sqlalchemy import select

    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry

    with session_scope(config.database_url()) as session:
        rows = [{"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "target": e.target,
                 "detail": e.detail, "before": e.before, "after": e.after, "hash": e.hash}
                for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))]
    if json_output:
        print_json(rows)
        return
    print_table("审计日志", ["编号", "时间", "操作人", "操作", "对象"],
                [[r["id"], r["at"], r["actor"], r["action"], r["target"]] for r in rows])


def demo_accounts(json_output: JsonOption = False) -> None:
    """演示用账户：系统管理员、市级用户、只读用户，以及每个有代码的县（市、区）一个区县用户；随机密码只显示一次。"""
    from ecer.domain.errors import EcerError
    from ecer.services.users import create_user, random_password
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan
    from ecer.storage.users import count_users

    rows: list[dict[str, object]] = []
    with session_scope(config.database_url()) as session:
        if count_users(session):
            raise EcerError("USER_EXISTS", "数据库中已有用户；演示账户只在新数据库上创建")
        plan = active_plan(session)
        wanted = [("admin", "admin", None, "系统管理员"), ("city", "city", None, "市发改委（演示）"),
                  ("viewer", "readonly", None, "只读用户（演示）")]
        wanted += [(f"qx{r.code}", "district", r.name, f"{r.name}（演示）") for r in plan.annex1_regions()
                   if r.kind in ("county", "county_city", "district") and r.code]
        for username, role, region, name in wanted:
            password = random_password(username)
            create_user(session, username=username, password=password, role=role, actor="demo-data",
                        display_name=name, region=region)
            rows.append({"username": username, "role": role, "region": region, "password": password})
    if json_output:
        print_json(rows)
        return
    from ecer.web.access import ROLES

    print_table("演示账户（密码只显示这一次）", ["用户名", "角色", "地区", "密码"],
                [[r["username"], ROLES[str(r["role"])], r["region"], r["password"]] for r in rows])


def register(app: typer.Typer) -> None:
    users_app.command("create-admin")(create_admin)
    users_app.command("add")(add)
    users_app.command("list")(list_users)
    users_app.command("passwd")(passwd)
    users_app.command("demo-accounts")(demo_accounts)
    audit_app.command("verify")(verify)
    audit_app.command("list")(list_audit)
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")

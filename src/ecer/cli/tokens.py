"""``ecer tokens create|revoke|list``: bearer tokens for machine clients.

A token serves one unit's gateway (``create CODE``), one region's system read-only (``--region``)
or another government system city-wide read-only (``--city``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table

tokens_app = typer.Typer(help="接入令牌：企业采集网关、区县与其他政府系统 (API tokens)", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def create(
    credit_code: Annotated[str | None, typer.Argument(help="单位令牌：所属单位的统一社会信用代码")] = None,
    label: Annotated[str, typer.Option("--label", help="名称（用途），如 网关位置")] = "gateway",
    region: Annotated[str | None, typer.Option("--region", help="地区只读令牌：该地区的系统读取本地区数据")] = None,
    city: Annotated[bool, typer.Option("--city", help="全市只读令牌：其他政府系统读取全部数据")] = False,
    expires: Annotated[dt.datetime | None, typer.Option(
        "--expires", formats=["%Y-%m-%d"], help="有效期至（含当日，北京时间），默认长期有效")] = None,
    json_output: JsonOption = False,
) -> None:
    """创建接入令牌；令牌明文只显示这一次，数据库只保存其 SHA-256。"""
    from ecer.domain.errors import EcerError
    from ecer.services import api_tokens
    from ecer.storage.db import session_scope

    if sum((credit_code is not None, region is not None, city)) != 1:
        raise EcerError("TOKEN_BAD_SCOPE", "请给出单位代码、--region 或 --city 之一")
    scope = "city" if city else "region" if region is not None else "unit"
    expires_at = api_tokens.expiry_after(expires.date()) if expires else None
    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        record, token = api_tokens.create(session, scope=scope, label=label, actor=actor, credit_code=credit_code,
                                          region=region, expires_at=expires_at)
        row = api_tokens.describe(session, record)
        result = {"id": record.id, "credit_code": row["credit_code"], "label": record.label, "token": token,
                  "scope": scope, "region": record.region, "expires_at": expires_at}
    if json_output:
        print_json([result])
    else:
        subject = result["credit_code"] or result["region"] or "全市"
        console().print(f"令牌 {result['id']}（{row['scope_zh']}：{subject}）：{token}\n请妥善保存，此后无法再次查看。")


def revoke(
    token_id: Annotated[int, typer.Argument(help="令牌编号")],
    json_output: JsonOption = False,
) -> None:
    """吊销接入令牌（立即失效）。"""
    from ecer.services import api_tokens
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        record = api_tokens.revoke(session, token_id, actor=config.current_user())
        result = {"id": record.id, "revoked_at": record.revoked_at}
    if json_output:
        print_json([result])
    else:
        console().print(f"令牌 {token_id} 已吊销")


def list_tokens(json_output: JsonOption = False) -> None:
    """列出接入令牌（不含明文）。"""
    from ecer.services import api_tokens
    from ecer.storage.db import session_scope

    with session_scope(config.database_url()) as session:
        rows = api_tokens.listing(session)
    if json_output:
        print_json(rows)
        return
    print_table("接入令牌", ["编号", "名称", "范围", "单位/地区", "创建人", "创建时间", "最近使用", "有效期至", "状态"],
                [[r["id"], r["label"], r["scope_zh"], r["credit_code"] or r["region"] or "全市", r["created_by"],
                  r["created_at"], r["last_used_at"], r["valid_until"], r["state_zh"]] for r in rows])


def register(app: typer.Typer) -> None:
    tokens_app.command("create")(create)
    tokens_app.command("revoke")(revoke)
    tokens_app.command("list")(list_tokens)
    app.add_typer(tokens_app, name="tokens")

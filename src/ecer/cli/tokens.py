"""``ecer tokens create|revoke|list``: bearer tokens for enterprise gateways, each scoped to one unit."""

from __future__ import annotations

from typing import Annotated

import typer

from ecer import config
from ecer.cli.output import console, print_json, print_table

tokens_app = typer.Typer(help="企业采集网关接入令牌 (gateway tokens)", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def create(
    credit_code: Annotated[str, typer.Argument(help="令牌所属单位的统一社会信用代码")],
    label: Annotated[str, typer.Option("--label", help="说明，如 网关位置")] = "gateway",
    json_output: JsonOption = False,
) -> None:
    """为一个单位创建接入令牌；令牌明文只显示这一次，数据库只保存其 SHA-256。"""
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import unit_by_code
    from ecer.storage.meter_data import create_token
    from ecer.storage.models import AuditEntry

    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        unit = unit_by_code(session, credit_code)
        record, token = create_token(session, unit.id, label, actor)
        session.add(AuditEntry(actor=actor, action="tokens.create", target=unit.credit_code,
                               detail={"token_id": record.id, "label": label}))
        result = {"id": record.id, "credit_code": unit.credit_code, "label": label, "token": token}
    if json_output:
        print_json([result])
    else:
        console().print(f"令牌 {result['id']}（{unit.credit_code}）：{token}\n请妥善保存，此后无法再次查看。")


def revoke(
    token_id: Annotated[int, typer.Argument(help="令牌编号")],
    json_output: JsonOption = False,
) -> None:
    """吊销接入令牌（立即失效）。"""
    from ecer.storage.db import session_scope
    from ecer.storage.meter_data import revoke_token
    from ecer.storage.models import AuditEntry

    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        record = revoke_token(session, token_id)
        session.add(AuditEntry(actor=actor, action="tokens.revoke", target=str(token_id)))
        result = {"id": record.id, "revoked_at": record.revoked_at}
    if json_output:
        print_json([result])
    else:
        console().print(f"令牌 {token_id} 已吊销")


def list_tokens(json_output: JsonOption = False) -> None:
    """列出接入令牌（不含明文）。"""
    from ecer.storage.db import session_scope
    from ecer.storage.key_units import KeyUnit
    from ecer.storage.meter_data import tokens

    with session_scope(config.database_url()) as session:
        rows = []
        for t in tokens(session):
            unit = session.get(KeyUnit, t.unit_id)
            rows.append({"id": t.id, "credit_code": unit.credit_code if unit else None, "label": t.label,
                         "created_by": t.created_by, "created_at": t.created_at, "revoked_at": t.revoked_at})
    if json_output:
        print_json(rows)
        return
    print_table("接入令牌", ["编号", "单位", "说明", "创建人", "创建时间", "吊销时间"],
                [[r["id"], r["credit_code"], r["label"], r["created_by"], r["created_at"], r["revoked_at"]]
                 for r in rows])


def register(app: typer.Typer) -> None:
    tokens_app.command("create")(create)
    tokens_app.command("revoke")(revoke)
    tokens_app.command("list")(list_tokens)
    app.add_typer(tokens_app, name="tokens")

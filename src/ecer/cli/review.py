"""The ``review`` subcommands of statistics, energy reports, emission projects and verifications.

They differ only in what they load and print: each passes the storage function that applies the
action and a function that turns the reviewed row into its JSON object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from ecer import config
from ecer.cli.output import console, print_json

RevisionId = Annotated[int, typer.Argument(help="修订编号")]
Action = Annotated[str, typer.Argument(help="submit | approve | return")]
Reason = Annotated[str | None, typer.Option("--reason", help="退回原因")]


def run_review(apply: Callable[..., Any], row_id: int, action: str, reason: str | None, *, audit: str,
               to_row: Callable[[Any], dict[str, Any]], json_output: bool, label: str = "修订") -> None:
    """Apply ``action`` in one transaction with its audit entry (``<audit>.<action>``), then print."""
    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry

    actor = config.current_user()
    with session_scope(config.database_url()) as session:
        row = apply(session, row_id, action, actor, reason)
        session.add(AuditEntry(actor=actor, action=f"{audit}.{action}", target=str(row_id),
                               detail={"status": row.status, "reason": reason}))
        result = to_row(row)
    if json_output:
        print_json([result])
    else:
        console().print(f"{label} {result['id']} 状态：{result['status']}", highlight=False)


def status_row(row: Any) -> dict[str, Any]:
    return {"id": row.id, "status": row.status, "return_reason": row.return_reason}

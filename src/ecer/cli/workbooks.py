"""``ecer template KIND`` and ``ecer import KIND``: one pattern for every workbook.

Capabilities add their kinds to ``template_app`` and ``import_app`` in their own ``register``.
"""

from __future__ import annotations

import typer

template_app = typer.Typer(help="写出导入模板 (write an import template)", no_args_is_help=True)
import_app = typer.Typer(help="导入数据 (import a workbook)", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
    app.add_typer(import_app, name="import")

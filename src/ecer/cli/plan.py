"""Placeholder: commands are added by their capability."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach this module's commands to ``app``."""

"""The docs follow the code: error codes and CLI commands are documented."""

from pathlib import Path

from ecer.cli.errors import errors_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_error_codes_doc_is_current():
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == errors_markdown(), (
        "run: .venv/bin/ecer errors --markdown > docs/errors.md")


def test_every_top_level_command_is_in_the_readme():
    import typer.main

    from ecer.cli.main import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    missing = [name for name in group.commands if f"ecer {name}" not in readme]
    assert missing == []

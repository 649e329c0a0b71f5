"""The ``ecer`` command: a thin Typer shell over the domain and the adapters.

Each capability keeps its commands in its own module and registers them here.
"""

from __future__ import annotations

import sys

import typer

from ecer.cli import commands_registry

app = typer.Typer(
    name="ecer",
    help="ECER 节能减排目标管理与监测预警平台",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
commands_registry.register_all(app)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; exit codes: 0 ok, 1 bad input, 2 usage or state error."""
    from ecer.cli.output import fail
    from ecer.domain.errors import EcerError

    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=args, prog_name="ecer")
    except EcerError as exc:
        try:
            fail(exc, "--json" in args)
        except typer.Exit as done:
            sys.exit(done.exit_code)


if __name__ == "__main__":
    main()

"""Dependencies point inwards: the domain and the protocol codec import no adapter."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ecer"
ADAPTERS = ("ecer.storage", "ecer.importers", "ecer.server", "ecer.web", "ecer.reports", "ecer.cli",
            "ecer.services", "ecer.demo")
FORBIDDEN_LIBRARIES = ("sqlalchemy", "alembic", "fastapi", "starlette", "typer", "rich", "openpyxl",
                       "python_calamine", "asyncio", "psycopg", "uvicorn")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


PURE = sorted([*(SRC / "domain").rglob("*.py"), *(SRC / "protocol").rglob("*.py")])


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(SRC)))
def test_pure_core_imports_no_adapter(path):
    bad = [name for name in imports_of(path)
           if name.startswith(ADAPTERS) or name.split(".")[0] in FORBIDDEN_LIBRARIES]
    assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


def test_the_check_can_fail(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from ecer.storage.db import engine_for\nimport sqlalchemy\n")
    assert imports_of(sample) == {"ecer.storage.db", "sqlalchemy"}

"""Web fixtures: an initialised database with the demo data and one user per role, and logged-in clients."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import run_cli

PASSWORD = "Test-pass-2024"
# username → (role, region, unit)
ACCOUNTS = {
    "root": ("admin", None, None),
    "drc": ("city", None, None),
    "yongji": ("district", "永吉县", None),
    "shulan": ("district", "舒兰市", None),
    "plant": ("enterprise", None, 7),
    "viewer": ("readonly", None, None),
}


def make_users(url: str) -> None:
    from ecer.services.users import create_user
    from ecer.storage.db import session_scope

    with session_scope(url) as session:
        for name, (role, region, unit) in ACCOUNTS.items():
            create_user(session, username=name, password=PASSWORD, role=role, actor="test", region=region,
                        unit_id=unit)


def seeded(url: str, out: Path) -> str:
    env = {"ECER_DATABASE_URL": url}
    assert run_cli("init", env=env).exit_code == 0
    assert run_cli("demo-data", "--out", str(out), env=env).exit_code == 0
    make_users(url)
    return url


@pytest.fixture
def web_db(database_url: str, tmp_path: Path) -> str:
    """Demo data and one user per role, on SQLite and on PostgreSQL."""
    return seeded(database_url, tmp_path / "wb")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-template")
    url = seeded(f"sqlite:///{folder / 'web.sqlite3'}", folder / "wb")
    from ecer.storage.db import engine_for

    engine_for(url).dispose()  # the last connection closing checkpoints the WAL into the file
    return folder / "web.sqlite3"


@pytest.fixture
def sqlite_web_db(_sqlite_template: Path, tmp_path: Path) -> str:
    """A copy of one seeded SQLite database (seeding with argon2 hashes takes seconds)."""
    import shutil

    target = tmp_path / "web.sqlite3"
    shutil.copy(_sqlite_template, target)
    return f"sqlite:///{target}"


@dataclass
class Browser:
    """A TestClient logged in as one user, with the session's CSRF token at hand."""

    client: TestClient
    csrf: str

    def post(self, path: str, **kwargs):  # type: ignore[no-untyped-def]
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.post(path, headers=headers, **kwargs)


def login(url: str, username: str, password: str = PASSWORD) -> Browser:
    from ecer.web.app import create_app

    client = TestClient(create_app(url))
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    home = client.get("/submissions")
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text).group(1)
    return Browser(client, csrf)


def anonymous(url: str) -> TestClient:
    from ecer.web.app import create_app

    return TestClient(create_app(url))


def app_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every route, including those of included routers (FastAPI keeps them nested)."""
    found: list[tuple[str, str]] = []

    def walk(routes) -> None:  # type: ignore[no-untyped-def]
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)
                continue
            for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD", "OPTIONS"}):
                found.append((method, route.path))

    walk(app.routes)
    return found

"""The application skeleton: public docs and spec, errors as JSON with the stable code."""

from fastapi.testclient import TestClient

from ecer.web.app import create_app
from tests.conftest import run_cli


def test_openapi_and_health(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    assert run_cli("init", env={"ECER_DATABASE_URL": url}).exit_code == 0
    client = TestClient(create_app(url))
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/health" in spec["paths"]
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/v1/health").json()["status"] == "ok"

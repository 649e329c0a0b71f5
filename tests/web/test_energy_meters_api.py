"""The gateway ingestion API on SQLite and PostgreSQL: tokens, scope, meters, idempotent readings, quality."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ecer.domain.energy.key_units import credit_code_check_character
from ecer.storage.db import session_scope
from ecer.storage.key_units import ApiToken, MeterReading
from ecer.web.app import create_app
from tests.conftest import run_cli


def code(first17: str) -> str:
    return first17 + credit_code_check_character(first17)


UNIT = code("91220200MA17XK0C3")
OTHER = code("91220200MA17XK0D1")


@pytest.fixture
def api(database_url):
    env = {"ECER_DATABASE_URL": database_url}
    assert run_cli("init", env=env).exit_code == 0
    for credit_code, name in ((UNIT, "甲水泥"), (OTHER, "乙钢铁")):
        added = run_cli("units", "add", "--credit-code", credit_code, "--name", name, "--industry-code", "C3011",
                        "--industry-name", "水泥制造", "--region", "磐石市", env=env)
        assert added.exit_code == 0, added.stderr
    token = run_cli("tokens", "create", UNIT, "--label", "1号网关", "--json", env=env).json()[0]
    client = TestClient(create_app(database_url))
    client.headers["Authorization"] = f"Bearer {token['token']}"
    return client, token, env, database_url


def readings(days=30, value="100", unit="kWh"):
    return [{"meter": "E01", "at": f"2024-04-{d:02d}T00:00:00", "period": "day", "value": value, "unit": unit}
            for d in range(1, days + 1)]


def test_token_is_stored_only_as_a_hash(api):
    _client, token, _env, url = api
    with session_scope(url) as s:
        stored = s.scalars(select(ApiToken)).one()
    assert token["token"] not in stored.token_hash and len(stored.token_hash) == 64


def test_missing_or_wrong_token_is_401(api):
    client, *_ = api
    anonymous = TestClient(client.app)
    r = anonymous.post("/api/v1/energy/meters", json={"credit_code": UNIT, "meters": []})
    assert r.status_code == 401 and r.json()["detail"]["code"] == "TOKEN_INVALID"
    r = anonymous.post("/api/v1/energy/meters", json={"credit_code": UNIT, "meters": []},
                       headers={"Authorization": "Bearer ecer_not-a-token"})
    assert r.status_code == 401


def test_token_is_scoped_to_its_unit(api):
    client, *_ = api
    r = client.post("/api/v1/energy/meters", json={"credit_code": OTHER, "meters": []})
    assert r.status_code == 403 and r.json()["detail"]["code"] == "TOKEN_SCOPE"


def test_upload_info_meters_and_idempotent_readings(api):
    client, _token, _env, url = api
    info = client.post("/api/v1/energy/units/info", json={"credit_code": UNIT, "energy_manager": "王工"})
    assert info.status_code == 200 and info.json()["changed"] is True
    meters = client.post("/api/v1/energy/meters", json={
        "credit_code": UNIT, "meters": [{"code": "E01", "name": "总表", "carrier": "电力", "unit": "kWh"}]})
    assert meters.json() == {"received": 1, "changed": 1}
    first = client.post("/api/v1/energy/data", json={"credit_code": UNIT, "readings": readings(27)})
    assert first.status_code == 200, first.text
    assert (first.json()["stored"], first.json()["duplicates"]) == (27, 0)
    # the same batch again, plus three new days given in MWh (converted to the meter's kWh)
    again = client.post("/api/v1/energy/data", json={
        "credit_code": UNIT, "readings": readings(27) + [
            {"meter": "E01", "at": f"2024-04-{d}T00:00:00", "period": "day", "value": "0.1", "unit": "MWh"}
            for d in (28, 29, 30)]})
    assert (again.json()["stored"], again.json()["duplicates"], again.json()["conflicts"]) == (3, 27, [])
    changed = client.post("/api/v1/energy/data", json={"credit_code": UNIT, "readings": readings(1, "101")})
    conflict = changed.json()["conflicts"][0]
    assert changed.json()["stored"] == 0
    assert (conflict["code"], conflict["value"], conflict["stored_value"]) == ("READING_CONFLICT", "101", "100")
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(MeterReading)) == 30
    client.post("/api/v1/energy/data", json={"credit_code": UNIT, "readings": [
        {"meter": "E01", "at": "2024-04-01T00:00:00", "period": "month", "value": "2900", "unit": "kWh"}]})
    quality = client.get("/api/v1/energy/quality", params={"year": 2024, "month": 4}).json()[0]
    # 30 days × 100 kWh = 3 000 against the month's 2 900: +3.45 % ≤ 5 %
    assert quality["completeness"] == 1 and quality["deviation"] == pytest.approx(100 / 2900)
    assert quality["ok"] is True


def test_a_bad_batch_is_refused_whole_with_every_problem(api):
    client, _token, _env, url = api
    client.post("/api/v1/energy/meters", json={
        "credit_code": UNIT, "meters": [{"code": "E01", "carrier": "电力", "unit": "kWh"}]})
    bad = [readings(1)[0], {"meter": "X9", "at": "2024-04-02T00:00:00", "period": "day", "value": 1, "unit": "kWh"},
           {"meter": "E01", "at": "2024-04-03T00:00:00", "period": "day", "value": 1, "unit": "吨"},
           {"meter": "E01", "at": "2024-04-04T00:00:00", "period": "hour", "value": 1, "unit": "kWh"}]
    r = client.post("/api/v1/energy/data", json={"credit_code": UNIT, "readings": bad})
    assert r.status_code == 422
    assert [e["code"] for e in r.json()["errors"]] == ["METER_UNKNOWN", "UNIT_MISMATCH", "INPUT_INVALID"]
    assert [e["field"] for e in r.json()["errors"]] == ["readings[1]", "readings[2]", "readings[3]"]
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(MeterReading)) == 0
    wrong_meter = client.post("/api/v1/energy/meters", json={
        "credit_code": UNIT, "meters": [{"code": "G1", "carrier": "天然气", "unit": "kWh"}]})
    assert wrong_meter.status_code == 422 and wrong_meter.json()["code"] == "UNIT_MISMATCH"


def test_revoked_token_stops_at_once(api):
    client, token, env, _url = api
    assert run_cli("tokens", "revoke", token["id"], env=env).exit_code == 0
    r = client.post("/api/v1/energy/meters", json={"credit_code": UNIT, "meters": []})
    assert r.status_code == 401
    listed = run_cli("tokens", "list", "--json", env=env).json()
    assert listed[0]["revoked_at"] is not None and "token" not in listed[0]


def test_routes_are_in_the_openapi_spec(api):
    client, *_ = api
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/energy/units/info", "/api/v1/energy/meters", "/api/v1/energy/data"} <= set(paths)

"""The scope matrix: every route of the app × every kind of caller, on one seeded SQLite database.

Routes come from the app itself (``app_routes``), so a router mounted later (the assessment pages,
say) is checked without editing this file. Each caller asks every route for data outside its scope:

- anonymous: 401 on the API (``TOKEN_INVALID`` on the gateway API), a 303 to /login on pages;
- 永吉县's district user and a read-only 永吉县 region token ask for 舒兰市 (its name, a revision, a
  monitoring source) and for objects of other regions (a key unit, a two-high project, an alarm);
- the enterprise user (unit 7) and the gateway token of unit 2 ask for unit 1 and for 舒兰市;
- a read-only city token may read everything but change nothing.

A route naming another's object in its path must answer 403 or 404; every other answer must not
contain the other's data (its name, MN or credit code); no change gets through (403/404, or 422
when the request never reached the handler), and afterwards the data tables are byte-for-byte as
before. Problems are collected and listed together, so one run shows every gap.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tests.web.conftest import anonymous, app_routes, login

PUBLIC = {"/api/docs", "/api/openapi.json", "/api/v1/health", "/login"}
OWN_AUTH_PREFIXES = ("/api/v1/energy/",)  # gateway API: bearer unit tokens only (PUBLIC = True in its module)
OWN, OTHER = "永吉县", "舒兰市"
OTHER_UNIT_CODE = "91220200MA0HCD001G"  # unit 1 of the demo data (龙潭区)
TOKEN_UNIT_CODE = "91220200MA0HCD002K"  # unit 2 (经开区): the gateway token's own unit
# Path parameters that name an object with an owner (a region or a unit): asking for another's → 403/404.
OWNED = {"region", "name", "revision_id", "mn", "alarm_id", "unit_id", "project_id", "upload_id", "evidence_id",
         "appeal_id", "token_id"}
SCOPING_QUERY = {"region", "mn", "unit_id", "credit_code"}
VOLATILE_TABLES = {"web_sessions", "login_attempts", "audit_log", "api_tokens"}  # logins, token use
# One body for every change, valid for as many handlers as possible so that their own scope checks run.
BODY = {"action": "approve", "reason": "范围测试", "year": 2024, "item": "organisation", "points": 1,
        "comment": "范围测试", "decision": "upheld", "meters": [], "readings": [], "username": "scope-test",
        "password": "Scope-test-2024", "role": "city"}


@dataclass
class Others:
    """Objects outside the callers' scopes, looked up in the seeded database."""

    values: dict[str, str]
    region_markers: tuple[str, ...]
    unit_markers: tuple[str, ...]


@dataclass
class Caller:
    name: str
    client: TestClient
    send: Callable[..., Response]  # POST with whatever the caller authenticates changes with
    markers: tuple[str, ...]  # text that must never appear in an answer to this caller
    values: dict[str, str]
    reads_all: bool = False
    read_only: bool = False
    token: str | None = None
    problems: list[str] = field(default_factory=list)


def _others(url: str) -> Others:
    from ecer.storage.db import session_scope
    from ecer.storage.key_units import KeyUnit, TwoHighProject
    from ecer.storage.models import StatisticsRevision
    from ecer.storage.monitoring import Alarm, MonitoredSource

    with session_scope(url) as s:
        revision = s.scalars(select(StatisticsRevision.id).where(StatisticsRevision.region == OTHER)).first()
        mn = s.scalars(select(MonitoredSource.mn).where(MonitoredSource.region == OTHER)).first()
        foreign_mns = select(MonitoredSource.mn).where(MonitoredSource.region.not_in((OWN, OTHER)))
        alarm = s.scalars(select(Alarm.id).where(Alarm.mn.in_(foreign_mns))).first()
        unit = s.scalars(select(KeyUnit).where(KeyUnit.credit_code == OTHER_UNIT_CODE)).one()
        project = s.scalars(select(TwoHighProject).where(TwoHighProject.unit_id == unit.id)).first()
        assert revision and mn and alarm and project, "the demo data lost an object the matrix needs"
        values = {"region": OTHER, "name": OTHER, "revision_id": str(revision), "mn": mn, "alarm_id": str(alarm),
                  "unit_id": str(unit.id), "project_id": str(project.id), "credit_code": unit.credit_code,
                  "indicator_id": "urban_clean_heating_share"}
        return Others(values, (OTHER, mn), (unit.credit_code, unit.name, project.name))


def _data_tables(url: str) -> dict[str, str]:
    """SHA-256 of every data table's rows: a change that slipped through shows up here."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: hashlib.sha256(repr(conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()).encode())
                .hexdigest() for t in tables if t not in VOLATILE_TABLES}


def _token(url: str, scope: str, **subject: str) -> str:
    from ecer.services import api_tokens
    from ecer.storage.db import session_scope

    with session_scope(url) as s:
        return api_tokens.create(s, scope=scope, label=f"矩阵 {scope}", actor="test", **subject)[1]


def _bearer_caller(url: str, name: str, token: str, **kwargs: Any) -> Caller:
    client = anonymous(url)
    client.headers["Authorization"] = f"Bearer {token}"
    return Caller(name, client, client.post, token=token, **kwargs)


def _session_caller(url: str, name: str, username: str, **kwargs: Any) -> Caller:
    browser = login(url, username)
    return Caller(name, browser.client, browser.post, **kwargs)


def _callers(url: str, others: Others) -> dict[str, Callable[[], Caller]]:
    region_view = {"markers": others.region_markers + others.unit_markers, "values": others.values}
    unit_view = {"markers": others.unit_markers, "values": others.values}
    return {
        "district": lambda: _session_caller(url, "区县用户 永吉县", "yongji", **region_view),
        "region-token": lambda: _bearer_caller(url, "地区只读令牌 永吉县", _token(url, "region", region=OWN),
                                               read_only=True, **region_view),
        "enterprise": lambda: _session_caller(url, "企业用户 单位7", "plant", **unit_view),
        "unit-token": lambda: _bearer_caller(url, "单位令牌 单位2", _token(url, "unit", credit_code=TOKEN_UNIT_CODE),
                                             **unit_view),
        "city-token": lambda: _bearer_caller(url, "全市只读令牌", _token(url, "city"), markers=(),
                                             values=others.values, reads_all=True, read_only=True),
    }


def _route_params(app: Any) -> dict[tuple[str, str], tuple[set[str], set[str]]]:
    """(method, path) → (path parameter names, query parameter names), dependencies included."""
    def names(dependant: Any, kind: str) -> set[str]:
        found = {p.name for p in getattr(dependant, kind)}
        for sub in dependant.dependencies:
            found |= names(sub, kind)
        return found

    params: dict[tuple[str, str], tuple[set[str], set[str]]] = {}

    def walk(routes: Any) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)
            elif getattr(route, "dependant", None) is not None:
                for method in route.methods:
                    params[(method, route.path)] = (names(route.dependant, "path_params"),
                                                    names(route.dependant, "query_params"))
    walk(app.routes)
    return params


def _leaks(caller: Caller, response: Response) -> list[str]:
    """Markers in an answer that carries data (a refusal may echo the name the caller asked for)."""
    if response.status_code >= 400:
        return []
    return [m for m in caller.markers if m in response.text]


def _check_read(caller: Caller, path: str, concrete: str, path_params: set[str], query: dict[str, str]) -> None:
    answer = caller.client.get(concrete, params=query or None, follow_redirects=False)
    where = f"{caller.name}: GET {path}"
    if path.startswith(OWN_AUTH_PREFIXES) and caller.token is None:  # a session is no credential there
        if answer.status_code != 401:
            caller.problems.append(f"{where} → {answer.status_code} (expected 401)")
        return
    if answer.status_code >= 500 or answer.status_code in (401, 303):
        caller.problems.append(f"{where} → {answer.status_code}")
        return
    if path_params & OWNED and not caller.reads_all and answer.status_code not in (403, 404):
        caller.problems.append(f"{where} with another's {sorted(path_params & OWNED)} → {answer.status_code}")
    if leaked := _leaks(caller, answer):
        caller.problems.append(f"{where} ({answer.status_code}) shows {leaked}")
    if not path_params and query:  # the same list without the filter holds only readable rows
        listed = caller.client.get(concrete, follow_redirects=False)
        if listed.status_code >= 500 or (leaked := _leaks(caller, listed)):
            caller.problems.append(f"{where} unfiltered ({listed.status_code}) shows {leaked}")


def _check_change(caller: Caller, method: str, path: str, concrete: str, own_auth: bool) -> None:
    body = {**BODY, "credit_code": caller.values["credit_code"]}
    if "/alarms/" in path:
        body["action"] = "acknowledge"
    if path.startswith("/api/"):
        answer = caller.send(concrete, json=body) if method == "POST" else caller.client.request(method, concrete)
    else:
        answer = caller.send(concrete, data={k: str(v) for k, v in body.items() if not isinstance(v, list)},
                             follow_redirects=False)
    where = f"{caller.name}: {method} {path} → {answer.status_code}"
    if own_auth:  # the gateway API: sessions are no credentials there, other tokens are refused
        expected = {401} if caller.token is None else {403}
    elif caller.read_only:
        expected = {403}
    else:
        expected = {403, 404, 422}
    if answer.status_code not in expected:
        caller.problems.append(f"{where} (expected {sorted(expected)}): {answer.text[:160]}")
    elif answer.status_code == 422 and not _unparsed(answer):
        # a handler's own validation ran before (or instead of) the scope check: report unless it is the scope
        caller.problems.append(f"{where}: checked the request before the caller's scope: {answer.text[:160]}")
    if leaked := _leaks(caller, answer):
        caller.problems.append(f"{where} shows {leaked}")


def _unparsed(answer: Response) -> bool:
    """FastAPI refused the request's shape (its validation error): the handler never ran."""
    if not answer.headers.get("content-type", "").startswith("application/json"):
        return False
    return isinstance(answer.json().get("detail"), list)


def _concrete(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "999999"), path)


@pytest.mark.parametrize("who", ["district", "region-token", "enterprise", "unit-token", "city-token"])
def test_no_caller_reads_or_changes_what_is_outside_its_scope(sqlite_web_db, who):
    others = _others(sqlite_web_db)
    caller = _callers(sqlite_web_db, others)[who]()
    params = _route_params(caller.client.app)
    before = _data_tables(sqlite_web_db)
    checked = 0
    for method, path in app_routes(caller.client.app):
        if path in PUBLIC or path == "/logout" or path.startswith("/static"):
            continue
        path_params, query_params = params.get((method, path), (set(), set()))
        concrete = _concrete(path, caller.values)
        if method == "GET":
            query = {k: caller.values[k] for k in query_params & SCOPING_QUERY}
            _check_read(caller, path, concrete, path_params, query)
        else:
            _check_change(caller, method, path, concrete, path.startswith(OWN_AUTH_PREFIXES))
        checked += 1
    after = _data_tables(sqlite_web_db)
    caller.problems += [f"{caller.name}: table {t} changed" for t in before if before[t] != after.get(t)]
    assert not caller.problems, "\n".join(caller.problems)
    assert checked >= 60


def test_anonymous_requests_get_401_or_the_login_page(sqlite_web_db):
    """Every route but the public ones; no answer carries data (the region markers of the demo)."""
    client = anonymous(sqlite_web_db)
    markers = _others(sqlite_web_db).region_markers
    problems = []
    for method, path in app_routes(client.app):
        if path in PUBLIC or path.startswith("/static"):
            continue
        answer = client.request(method, _concrete(path, {}), follow_redirects=False)
        if path == "/logout" or not path.startswith("/api/"):
            ok = answer.status_code == 303 and answer.headers["location"].startswith("/login")
        else:
            body = answer.json() if answer.status_code == 401 else {}
            code = body.get("code") or body.get("detail", {}).get("code")
            ok = code == ("TOKEN_INVALID" if path.startswith(OWN_AUTH_PREFIXES) else "AUTH_REQUIRED")
        if not ok or any(m in answer.text for m in markers):
            problems.append(f"{method} {path} → {answer.status_code} {answer.text[:120]}")
    assert not problems, "\n".join(problems)

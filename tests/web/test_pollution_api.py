"""在线监测, 重点工程 and 环境质量 over the API (issue 6 §2, issue 8 §4) on SQLite and PostgreSQL with the demo data.

The demo (``ecer demo-data``) registers six sources, one per region (永吉县's is …001), uploads the
hours 2024-03-01 00:00 to 03-07 23:00 Beijing time, and its alarm run opens two alarms; the plan's
city is 吉林市. Figures are checked against the stored rows and the services the CLI prints.
"""

from __future__ import annotations

import csv
import io

from tests.web.conftest import login

YONGJI_MN = "DE0000A8900016F000000001"
CITY = "吉林市"


def test_sources_with_status_and_latest_values(web_db):
    api = login(web_db, "drc").client
    page = api.get("/api/v1/monitoring/sources").json()
    assert page["total"] == 6
    row = next(r for r in page["items"] if r["mn"] == YONGJI_MN)
    assert row["region"] == "永吉县" and row["last_data_time"] == "2024-03-07T23:00:00+08:00"
    assert row["status"] == "offline"  # the demo week is long past: more than 3 hourly intervals ago
    from sqlalchemy import func, select

    from ecer.storage.db import session_scope
    from ecer.storage.monitoring import Reading

    with session_scope(web_db) as s:
        last = s.scalar(select(func.max(Reading.data_time)).where(Reading.mn == YONGJI_MN, Reading.cn == "2061"))
        stored = {r.code: r.avg for r in s.scalars(select(Reading).where(
            Reading.mn == YONGJI_MN, Reading.cn == "2061", Reading.data_time == last))}
    assert row["latest_values"] == stored and "w01018" in stored
    assert {p["code"] for p in row["pollutants"]} <= set(stored)


def test_readings_between_from_and_to_in_beijing_time(web_db):
    api = login(web_db, "drc").client
    page = api.get("/api/v1/monitoring/readings", params={
        "mn": YONGJI_MN, "cn": "2061", "from": "2024-03-01 00:00", "to": "2024-03-01 02:00"}).json()
    times = sorted({r["data_time"] for r in page["items"]})
    assert times == ["2024-03-01T00:00:00+08:00", "2024-03-01T01:00:00+08:00"]  # "to" is excluded
    codes = {r["code"] for r in page["items"]}
    assert page["total"] == 2 * len(codes)
    bad = api.get("/api/v1/monitoring/readings", params={"mn": YONGJI_MN, "from": "yesterday"})
    assert bad.status_code == 422 and bad.json()["code"] == "MONITOR_TIME_INVALID"


def test_alarm_acknowledge_then_close_via_the_api_is_audited(web_db):
    drc = login(web_db, "drc")
    open_alarms = drc.client.get("/api/v1/monitoring/alarms", params={"status": "open"}).json()["items"]
    alarm = next(a for a in open_alarms if a["kind"] == "over_limit")
    path = f"/api/v1/monitoring/alarms/{alarm['id']}"
    assert drc.client.post(f"{path}/acknowledge", json={"reason": "x"}).status_code == 403  # no CSRF token
    assert drc.post(f"{path}/acknowledge", json={}).status_code == 422  # a reason is required
    assert drc.post(f"{path}/acknowledge", json={"reason": " "}).json()["code"] == "MONITOR_REASON_REQUIRED"
    done = drc.post(f"{path}/acknowledge", json={"reason": "已通知企业核查"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "acknowledged" and done.json()["handled_by"] == "drc"
    again = drc.post(f"{path}/acknowledge", json={"reason": "再次确认"})
    assert again.status_code in (400, 409) and again.json()["code"] == "MONITOR_ALARM_TRANSITION"
    closed = drc.post(f"{path}/close", json={"reason": "企业已整改"}).json()
    assert closed["status"] == "closed" and closed["reason"] == "企业已整改"
    audit = login(web_db, "root").client.get("/api/v1/audit", params={"page_size": 500}).json()["items"]
    actions = [(e["action"], e["target"]) for e in audit if e["action"].startswith("monitor.alarm.")]
    assert ("monitor.alarm.acknowledge", str(alarm["id"])) in actions
    assert ("monitor.alarm.close", str(alarm["id"])) in actions


def test_alarm_handling_is_scoped(web_db):
    alarm = login(web_db, "drc").client.get("/api/v1/monitoring/alarms").json()["items"][0]
    assert alarm["mn"] != YONGJI_MN
    yongji = login(web_db, "yongji")
    assert yongji.client.get("/api/v1/monitoring/alarms").json()["total"] == 0
    refused = yongji.post(f"/api/v1/monitoring/alarms/{alarm['id']}/acknowledge", json={"reason": "x"})
    assert refused.status_code == 404  # another region's alarm does not exist for this user
    viewer = login(web_db, "viewer").post(f"/api/v1/monitoring/alarms/{alarm['id']}/close", json={"reason": "x"})
    assert viewer.status_code == 403


def test_district_user_sees_its_own_sources_projects_and_stations(web_db):
    api = login(web_db, "yongji").client
    sources = api.get("/api/v1/monitoring/sources").json()["items"]
    assert [s["mn"] for s in sources] == [YONGJI_MN]
    projects = api.get("/api/v1/emissions/projects", params={"page_size": 500}).json()["items"]
    assert projects and {p["region"] for p in projects} == {"永吉县"}
    progress = api.get("/api/v1/emissions/progress", params={"year": 2024, "page_size": 500}).json()["items"]
    assert {r["region"] for r in progress} == {CITY, "永吉县"}
    air = api.get("/api/v1/environment/air", params={"page_size": 500}).json()["items"]
    assert {r["scope"] for r in air} == {"city"}  # the demo has no air station in 永吉县
    assert api.get("/api/v1/monitoring/sources", params={"region": "舒兰市"}).status_code == 403
    other = "DE0000A8900016F000000002"  # 舒兰市
    assert api.get("/api/v1/monitoring/readings", params={"mn": other}).status_code == 404


def test_enterprise_user_without_a_linked_source_is_refused(web_db):
    api = login(web_db, "plant").client
    for path in ("/api/v1/monitoring/sources", "/api/v1/monitoring/alarms", "/api/v1/emissions/projects",
                 "/api/v1/environment/air", "/api/v1/environment/water", "/monitoring", "/environment"):
        assert api.get(path).status_code == 403, path


def test_projects_and_progress_match_the_service(web_db):
    from ecer.cli.output import jsonable
    from ecer.services import emission_projects
    from ecer.storage.db import session_scope

    api = login(web_db, "drc").client
    page = api.get("/api/v1/emissions/progress", params={"year": 2024, "page_size": 500}).json()
    with session_scope(web_db) as s:
        expected = [jsonable(emission_projects.progress_json(r)) for r in emission_projects.progress(s, 2024).rows]
    assert page["items"] == expected
    projects = api.get("/api/v1/emissions/projects", params={"page_size": 500}).json()["items"]
    one = next(p for p in projects if p["claimed_cod_t"] is not None)
    assert isinstance(one["claimed_cod_t"], (int, float))
    assert all(p["verified_cod_t"] is None for p in projects if p["basis"] == "claimed")


def test_environment_air_and_water_evaluation(web_db):
    api = login(web_db, "drc").client
    air = api.get("/api/v1/environment/air", params={"year": 2024, "page_size": 500}).json()["items"]
    city = next(r for r in air if r["scope"] == "city" and r["month"] is None)
    assert city["days"] == 366 and city["valid_days"] <= 366  # 2024 is a leap year
    assert len([r for r in air if r["scope"] == "station" and r["month"] is None]) == 4
    water = api.get("/api/v1/environment/water", params={"year": 2024, "page_size": 500}).json()["items"]
    sections = [r for r in water if r["scope"] == "section" and r["month"] is None]
    assert len(sections) == 6 and all(r["target_class"] for r in sections)
    text = api.get("/api/v1/environment/water", params={"year": 2024, "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(water) and rows[0]["scope"] == "city"


def test_the_three_pages_render(web_db):
    api = login(web_db, "drc").client
    monitoring = api.get("/monitoring")
    assert monitoring.status_code == 200 and 'id="curves-data"' in monitoring.text and 'id="alarm-table"' in monitoring.text
    assert 'name="csrf_token"' in monitoring.text
    projects = api.get("/projects", params={"year": 2024})
    assert projects.status_code == 200 and 'id="progress-data"' in projects.text
    environment = api.get("/environment")
    assert environment.status_code == 200 and 'id="environment-data"' in environment.text
    assert 'href="/environment"' in environment.text  # in the navigation


def test_alarm_acknowledged_from_the_page_form(web_db):
    drc = login(web_db, "drc")
    alarm = drc.client.get("/api/v1/monitoring/alarms", params={"status": "open"}).json()["items"][0]
    done = drc.client.post(f"/monitoring/alarms/{alarm['id']}", data={
        "csrf_token": drc.csrf, "action": "acknowledge", "reason": "值班确认"}, follow_redirects=False)
    assert done.status_code == 303
    after = drc.client.get("/api/v1/monitoring/alarms", params={"status": "acknowledged"}).json()["items"]
    assert [a["id"] for a in after] == [alarm["id"]]

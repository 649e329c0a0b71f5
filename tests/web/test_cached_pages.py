"""Pages rendered once per data version (总览, 在线监测, 重点用能单位): what the home page shows at the user's
level, that each page follows the data, and that a cached page still carries each session's own CSRF token."""

from __future__ import annotations

import re

from tests.web.conftest import login


def _section(html: str, table_id: str) -> list[list[str]]:
    """The text of each row of one table of the page."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)]


def _open_alarms(user) -> int:  # type: ignore[no-untyped-def]
    return int(user.client.get("/api/v1/monitoring/alarms?status=open&page_size=1").json()["total"])


def test_home_shows_annex2_progress_and_open_alarms_at_the_users_level(sqlite_web_db: str) -> None:
    for username, region in (("drc", "吉林市"), ("yongji", "永吉县")):
        user = login(sqlite_web_db, username)
        page = user.client.get("/").text
        progress = user.client.get("/api/v1/emissions/progress").json()["items"]
        own = {r["pollutant"]: r for r in progress if r["region"] == region}
        assert own, f"{region} has Annex 2 targets"
        rows = _section(page, "pollutant-progress")
        assert len(rows) == len(own)
        targets = sorted(float(r[2].replace(",", "")) for r in rows)
        assert targets == sorted(float(r["target_t"]) for r in own.values())
        assert f"未处理 {_open_alarms(user)} 条" in page


def test_enterprise_home_has_no_regional_pollutant_progress(sqlite_web_db: str) -> None:
    page = login(sqlite_web_db, "plant").client.get("/")
    assert page.status_code == 200
    assert 'id="pollutant-progress"' not in page.text


def test_home_follows_an_alarm_being_closed(sqlite_web_db: str) -> None:
    drc = login(sqlite_web_db, "drc")
    before = _open_alarms(drc)
    assert before > 0, "the demo data has open alarms"
    assert f"未处理 {before} 条" in drc.client.get("/").text  # rendered and kept
    alarm = drc.client.get("/api/v1/monitoring/alarms?status=open&page_size=1").json()["items"][0]
    done = drc.post(f"/monitoring/alarms/{alarm['id']}", data={"action": "close", "reason": "设备已修复"},
                    follow_redirects=False)
    assert done.status_code == 303
    assert f"未处理 {before - 1} 条" in drc.client.get("/").text


def test_home_follows_an_alarm_raised_by_the_monitoring_server(sqlite_web_db: str) -> None:
    """The HJ 212 server writes alarms without an audit entry: the page must notice the new row itself."""
    import datetime as dt

    from ecer.storage.db import session_scope
    from ecer.storage.monitoring import Alarm

    drc = login(sqlite_web_db, "drc")
    before = _open_alarms(drc)
    assert f"未处理 {before} 条" in drc.client.get("/").text
    mn = drc.client.get("/api/v1/monitoring/alarms?page_size=1").json()["items"][0]["mn"]
    with session_scope(sqlite_web_db) as session:
        session.add(Alarm(mn=mn, kind="exceed", code="a21002", level="red", value=300.0, threshold=200.0,
                          start=dt.datetime.now(dt.UTC), status="open"))
    page = drc.client.get("/").text
    assert f"未处理 {before + 1} 条" in page
    assert "a21002" in page.split('id="open-alarms"', 1)[1]


def test_each_session_gets_its_own_csrf_token_on_the_cached_home_page(sqlite_web_db: str) -> None:
    first, second = login(sqlite_web_db, "drc"), login(sqlite_web_db, "drc")
    tokens = []
    for user in (first, second):
        page = user.client.get("/").text
        in_headers = re.search(r'"X-CSRF-Token": "([^"]+)"', page).group(1)
        in_form = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert in_headers == in_form == user.csrf
        tokens.append(in_headers)
    assert tokens[0] != tokens[1]
    assert first.client.post("/logout", data={"csrf_token": tokens[0]}, follow_redirects=False).status_code == 303
    assert second.client.get("/", follow_redirects=False).status_code == 200  # the other session lives on


def test_monitoring_page_follows_a_new_alarm_and_keeps_the_forms_token(sqlite_web_db: str) -> None:
    import datetime as dt

    from ecer.storage.db import session_scope
    from ecer.storage.monitoring import Alarm

    drc = login(sqlite_web_db, "drc")
    before = drc.client.get("/monitoring").text
    mn = drc.client.get("/api/v1/monitoring/alarms?page_size=1").json()["items"][0]["mn"]
    with session_scope(sqlite_web_db) as session:
        alarm = Alarm(mn=mn, kind="exceed", code="w21003", level="red", value=30.0, threshold=8.0,
                      start=dt.datetime.now(dt.UTC), status="open")
        session.add(alarm)
        session.flush()
        alarm_id = alarm.id
    after = drc.client.get("/monitoring").text
    assert f'id="alarm-{alarm_id}"' not in before and f'id="alarm-{alarm_id}"' in after
    form_tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', after))
    assert form_tokens == {drc.csrf}
    closed = drc.client.post(f"/monitoring/alarms/{alarm_id}", data={"csrf_token": drc.csrf, "action": "close",
                                                                     "reason": "误报"}, follow_redirects=False)
    assert closed.status_code == 303


def test_key_project_indicators_agree_with_annex2_progress(sqlite_web_db: str) -> None:
    """The plan's 重点工程累计减排量 indicators take the city's Annex 2 tally when no value was reported."""
    drc = login(sqlite_web_db, "drc")
    indicators = {r["indicator_id"]: r for r in drc.client.get("/api/v1/indicators?page_size=200").json()["items"]}
    city = {r["pollutant"]: r for r in drc.client.get("/api/v1/emissions/progress").json()["items"]
            if r["region"] == "吉林市"}
    pairs = {"cod_key_project_reduction": "COD", "nh3n_key_project_reduction": "NH3N",
             "nox_key_project_reduction": "NOx", "vocs_key_project_reduction": "VOCs"}
    for indicator_id, pollutant in pairs.items():
        row = indicators[indicator_id]
        assert float(row["value"]) == float(city[pollutant]["cumulative_reduction_t"]), indicator_id
        assert row["status"] != "未报送" and row["source"]


def test_key_project_indicators_are_unreported_without_projects(tmp_path) -> None:
    from tests.conftest import run_cli
    from tests.web.conftest import make_users

    url = f"sqlite:///{tmp_path / 'bare.sqlite3'}"
    assert run_cli("init", env={"ECER_DATABASE_URL": url}).exit_code == 0
    make_users(url)
    rows = login(url, "drc").client.get("/api/v1/indicators?page_size=200").json()["items"]
    cod = next(r for r in rows if r["indicator_id"] == "cod_key_project_reduction")
    assert cod["value"] is None and cod["status"] == "未报送"

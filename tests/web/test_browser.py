"""End to end in a real browser: Debian's chromium driven by Playwright, the app served by uvicorn.

Covers login, the home page and its charts, a bad workbook's error table, a good workbook submitted
and approved changing the barometer, and a district user refused another district's page.
Screenshots of the main pages go to test-artifacts/ (look at them).
With CI=true a missing Chromium or missing web assets fail; elsewhere these tests skip and say why.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
VENDOR = ROOT / "src" / "ecer" / "web" / "static" / "vendor"
HEADER = "地区,年份,期间,\"地区生产总值(现价,亿元)\",地区生产总值指数(上年同期=100),能源消费总量(万吨标准煤)"

pytestmark = pytest.mark.slow


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (make system-deps)"
    if not (VENDOR / "echarts.min.js").exists() or not (VENDOR / "htmx.min.js").exists():
        return "web assets are missing (make web-assets)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")
def server(_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    problem = _missing()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {problem}")
        pytest.skip(problem)
    import shutil

    import uvicorn

    from ecer.web.app import create_app

    db = tmp_path_factory.mktemp("browser") / "web.sqlite3"
    shutil.copy(_sqlite_template, db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(create_app(f"sqlite:///{db}"), host="127.0.0.1", port=port,
                                             log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(200):
        if instance.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _page(browser, server: str, user: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=server)
    page = context.new_page()
    page.goto("/")
    assert "/login" in page.url  # anonymous: redirected to the login page
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _upload(page, tmp_path: Path, name: str, *lines: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    page.goto("/submissions")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")


def test_login_and_the_home_page_with_its_charts(browser, server):
    page = _page(browser, server, "drc")
    page.wait_for_selector("#map[data-ready] canvas")
    page.wait_for_selector("#ranking[data-ready] canvas")
    page.wait_for_timeout(500)  # the map's GeoJSON arrives by fetch
    assert page.locator("#barometer tbody tr").count() == 14
    assert page.locator("#barometer tr[data-region='永吉县']").get_attribute("data-level") == "green"
    assert page.locator(".synthetic").is_visible()
    _shot(page, "01-home")
    for path, name in (("/regions/龙潭区", "02-region"), ("/indicators", "03-indicators"), ("/regions", "04-regions")):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        _shot(page, name)


def test_a_bad_workbook_shows_every_error(browser, server, tmp_path):
    page = _page(browser, server, "yongji")
    _upload(page, tmp_path, "bad.csv", "永吉县,2024,全年,abc,105,80", "永吉县,2024,第五季度,90,104,60",
            "永吉县,二〇二四,全年,100,105,80")
    page.wait_for_selector("#check-errors table")
    reasons = page.locator("#check-errors tbody tr").all_inner_texts()
    assert len(reasons) == 3 and any("IMPORT_BAD_PERIOD" in r for r in reasons)
    _shot(page, "05-upload-errors")


def test_a_good_workbook_submitted_and_approved_changes_the_barometer(browser, server, tmp_path):
    district = _page(browser, server, "yongji")
    _upload(district, tmp_path, "good.csv", "永吉县,2024,全年,125.5,104.8,150")
    district.wait_for_selector("#check-ok")
    _shot(district, "06-upload-ok")
    with district.expect_navigation():  # the form is on /submissions too: wait for the POST's redirect
        district.click("#submit-upload")
    district.wait_for_load_state("networkidle")
    # retried until the redirected page shows it (read once, the row was sometimes read from the page before)
    from playwright.sync_api import expect

    expect(district.locator("#history tbody tr").first).to_contain_text("待审核")

    city = _page(browser, server, "drc")
    city.goto("/submissions")
    row = city.locator("#pending tbody tr").first
    assert "永吉县" in row.inner_text()
    _shot(city, "07-review")
    with city.expect_navigation():
        row.locator("button.primary").click()
    city.wait_for_load_state("networkidle")
    city.goto("/")
    city.wait_for_selector("#map[data-ready] canvas")
    assert city.locator("#barometer tr[data-region='永吉县']").get_attribute("data-level") == "red"
    city.wait_for_timeout(500)
    _shot(city, "08-home-after-approval")


def test_a_district_user_is_refused_another_districts_page(browser, server):
    page = _page(browser, server, "yongji")
    response = page.goto("/regions/舒兰市")
    assert response.status == 403
    assert "无权访问" in page.inner_text("h1")
    _shot(page, "09-refused")


def test_the_admin_page(browser, server):
    page = _page(browser, server, "root")
    page.goto("/admin")
    assert "完整" in page.inner_text("h2:has-text('审计日志')")
    _shot(page, "10-admin")


def test_monitoring_projects_and_environment_pages(browser, server):
    page = _page(browser, server, "drc")
    page.goto("/monitoring")
    page.wait_for_selector("#curves[data-ready] canvas")
    assert page.locator("#sources tbody tr").count() == 6
    _shot(page, "31-monitoring")
    page.goto("/projects?year=2024")
    page.wait_for_selector("#progress-chart[data-ready] canvas")
    _shot(page, "32-projects")
    page.goto("/environment")
    page.wait_for_selector("#stations-map[data-ready] canvas")
    page.wait_for_selector("#aqi-calendar[data-ready] canvas")
    page.wait_for_timeout(500)  # the map's GeoJSON arrives by fetch
    assert page.locator("#sections tbody tr").count() == 6
    _shot(page, "33-environment")


def test_a_district_user_self_assesses_on_the_assessment_page(browser, server):
    page = _page(browser, server, "yongji")
    page.goto("/assessment/永吉县?year=2024")
    page.select_option("#self-form select[name=item]", "organisation")
    page.fill("#self-form input[name=points]", "5")
    with page.expect_navigation():  # the form posts and is sent back to the region's page
        page.click("#self-form button[type=submit]")
    assert "自评（待审核）" in page.inner_text("#item-organisation")
    _shot(page, "40-assessment-region")
    page.goto("/assessment?year=2024")
    assert page.locator("#assessment-results tbody tr").count() == 1  # its own region only
    _shot(page, "41-assessment")

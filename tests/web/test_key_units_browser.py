"""The 重点用能单位 and “两高”项目 pages in a real browser (Debian chromium + Playwright), with screenshots.

Reuses the server and browser fixtures of test_browser (same skip rules: without Chromium or the
web assets these skip and say why; with CI=true they fail).
"""

from __future__ import annotations

import pytest

from tests.web.test_browser import _page, _shot, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow


def test_units_list_filters_by_htmx_and_a_unit_page_draws_its_monthly_chart(browser, server):  # noqa: F811
    page = _page(browser, server, "drc")
    page.goto("/units")
    assert page.locator("#units tbody tr").count() == 6
    _shot(page, "21-units")
    page.select_option("select[name=region]", "经开区")
    page.wait_for_function("document.querySelectorAll('#units tbody tr').length === 2")
    assert "region=" in page.url  # hx-push-url: the filtered list can be bookmarked
    page.goto("/units/3")
    page.wait_for_selector("#monthly[data-ready] canvas")
    assert page.locator("#products tbody tr").count() >= 1
    _shot(page, "22-unit")
    page.goto("/twohigh")
    assert page.locator("#twohigh tbody tr").count() == 3
    _shot(page, "23-twohigh")

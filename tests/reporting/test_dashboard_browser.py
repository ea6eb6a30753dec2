"""The dashboard's progress panels in Chromium: the dimension and trend charts drawn as islands whose bars
and points lead to the roll-up, the same numbers as linked tables without JavaScript, and a page that
fits a phone's width."""

import pytest
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD
from tests.support.demo import palopo  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", "admin@kota-palopo.demo")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button.btn-primary").click()
    page.wait_for_url("**/t/kota-palopo/**")


def test_the_charts_draw_and_a_bar_leads_to_the_roll_up(browser, live_server, palopo):  # noqa: F811
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, live_server)
    page.goto(f"{live_server}/t/kota-palopo/?lang=en")
    dimensions = page.locator("#progress-by-dimension figure[data-chart]")
    trend = page.locator("#progress-trend figure[data-chart]")
    expect(dimensions).to_have_class("kc-chart kc-chart--bar kc-chart--mounted")
    expect(trend).to_have_class("kc-chart kc-chart--line kc-chart--mounted")
    expect(trend.locator(".kc-chart-canvas svg")).to_contain_text("Quarter IV")
    expect(page.locator("#progress-by-dimension")).to_contain_text("Only verified reports count")
    # The longest bar of the dimension chart opens that dimension's part of the roll-up.
    bar = page.evaluate(
        """() => {
          const bars = [...document.querySelectorAll("#progress-by-dimension svg path[fill='#0b5d7a']")];
          const box = bars.map((bar) => bar.getBoundingClientRect()).sort((a, b) => b.width - a.width)[0];
          return {x: box.x + box.width / 2, y: box.y + box.height / 2, width: box.width};
        }"""
    )
    assert bar["width"] > 20
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url("**/rollup#dim-*")
    expect(page.locator("#" + page.url.split("#")[1])).to_be_visible()
    assert errors == []
    context.close()


def test_without_javascript_the_numbers_are_linked_tables(browser, live_server, palopo):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _log_in(page, live_server)
    page.goto(f"{live_server}/t/kota-palopo/")
    table = page.locator("#progress-by-dimension figure table")
    expect(table).to_be_visible()
    first = table.locator("tbody tr").first.locator("td a")
    href = first.get_attribute("href")
    assert "/rollup#dim-" in href
    first.click()
    expect(page.locator(f"#{href.split('#')[1]}")).to_be_visible()
    context.close()


def test_the_dashboard_fits_a_phone(browser, live_server, palopo):  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    _log_in(page, live_server)
    page.goto(f"{live_server}/t/kota-palopo/")
    expect(page.locator("#reports-missing")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()

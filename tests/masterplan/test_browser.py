"""In real Chromium: a Palopo admin edits a line of the masterplan tree in place (htmx), and a reader at
phone width with JavaScript off reaches the overview and the roadmap through the menu."""

import re

import pytest

from app.demo import DEMO_PASSWORD
from tests.support.snapshot import DEMO

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app_ctx):
    DEMO.load()


def _login(page, base, email="admin@kota-palopo.demo"):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.btn-primary")
    # Each role lands on its own start page: an admin on the dashboard, an OPD operator on their programs.
    page.wait_for_url(re.compile(r".*/t/kota-palopo/"))


def test_a_tree_line_is_edited_in_place(page, live_server, demo):
    _login(page, live_server)
    page.goto(f"{live_server}/t/kota-palopo/masterplans/")
    page.click("text=2.0")  # the draft revision
    page.click("ul.nav-tabs >> text=Pohon") if page.locator(
        "ul.nav-tabs >> text=Pohon"
    ).count() else page.click("ul.nav-tabs >> text=Tree")
    page.click("#tree a.nav-link:text-is('SOC')")
    page.wait_for_url(re.compile(r".*/tree\?dimension=SOC$"))
    node = page.locator("[id^=node-programs-]", has_text="PLP-S-01").first
    node_id = node.get_attribute("id")
    url_before = page.url
    node.locator("a[hx-get*='edit=1']").click()
    form = page.locator(f"#{node_id} form")
    form.locator("input[name=name]").fill("Portal Komunitas Warga Palopo")
    form.locator("button.btn-primary").click()
    page.locator(f"#{node_id}", has_text="Portal Komunitas Warga Palopo").wait_for()
    assert page.url == url_before  # swapped in place, no page load
    page.reload()
    assert page.locator(f"#{node_id}").inner_text().count("Portal Komunitas Warga Palopo") == 1


def test_a_reader_at_phone_width_without_javascript_reaches_the_roadmap(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    _login(page, live_server, "opd@kota-palopo.demo")
    page.click("details.kc-menu > summary")
    page.click("nav.kc-menu-items >> text=Masterplan")
    page.wait_for_url(f"{live_server}/t/kota-palopo/masterplans/")
    page.click("td >> text=1.1")
    assert page.locator(".card h3", has_text="Smart Society").count() == 1
    assert page.locator("button[name=status]").count() == 0  # readers get no editing controls
    page.locator("ul.nav-tabs a[href$='/roadmap']").click()
    page.wait_for_url(re.compile(r".*/roadmap$"))
    assert page.locator("table tbody tr").count() >= 9
    # The wide table scrolls inside its box instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()

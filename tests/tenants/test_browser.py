"""A person logs in as each demo tenant's admin in real Chromium and sees only that tenant."""

import pytest

from app.demo import DEMO_PASSWORD, demo_tenants
from tests.support.snapshot import DEMO

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app_ctx):
    DEMO.load()
    return {t["slug"]: t["region"]["nama"] for t in demo_tenants()}


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")  # submits the password form, whatever other buttons the page has


def test_each_demo_admin_sees_only_their_tenant(browser, live_server, demo):
    for slug, name in demo.items():
        # A fresh context per person: clearing cookies in a shared one races with late responses
        # (the favicon) that set the previous person's session cookie again.
        context = browser.new_context()
        page = context.new_page()
        _login(page, live_server, f"admin@{slug}.demo")
        page.wait_for_url(f"{live_server}/t/{slug}/")
        assert page.locator("header").inner_text().startswith(name)
        page.goto(f"{live_server}/t/{slug}/opds")
        assert page.locator("table tbody tr").count() >= 4
        for other in demo:
            if other == slug:
                continue
            response = page.goto(f"{live_server}/t/{other}/opds")
            assert response.status == 404
            assert demo[other] not in page.content()
        context.close()


def test_phone_width_menu_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    _login(page, live_server, "admin@kota-palopo.demo")
    page.wait_for_url(f"{live_server}/t/kota-palopo/")
    assert not page.locator("nav.kc-menu-items >> text=OPD").is_visible()
    page.click("details.kc-menu > summary")
    page.click("nav.kc-menu-items >> text=OPD")
    page.wait_for_url(f"{live_server}/t/kota-palopo/opds")
    context.close()

"""An OPD operator logs in with the city's account in real Chromium and lands on their tenant."""

import os

import pytest

from tests.support.idp import PASSWORD

pytestmark = pytest.mark.browser


def test_an_opd_operator_logs_in_with_sso_in_a_real_browser(page, live_server, palopo):
    page.goto(f"{live_server}/t/kota-palopo/login")
    page.click("a.kc-sso-button")
    page.wait_for_selector("#idp-submit")  # the provider's own login form
    page.fill("#login", "palopo-disdik")
    page.fill("#password", PASSWORD)
    page.click("#idp-submit")
    page.wait_for_url(f"{live_server}/t/kota-palopo/")
    assert "Rina Operator DISDIK" in page.locator(".alert-success").inner_text()
    assert "Dinas DISDIK" in page.locator(".alert-success").inner_text()
    assert page.locator("header").inner_text().startswith("Kota Palopo")
    assert "Operator OPD" in page.locator("main").inner_text()  # the role, in the default language
    folder = os.environ.get("KC_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, "sso-landed.png"), full_page=True)
    # Logging out ends the session here and at the provider.
    page.click("details.kc-user > summary")  # the account menu holds the logout button
    page.click("header form[action='/logout'] button")
    page.wait_for_selector("button[name=logout]")
    page.click("button[name=logout]")
    page.wait_for_url(f"{live_server}/t/kota-palopo/login*")
    assert page.goto(f"{live_server}/t/kota-palopo/opds").url.startswith(f"{live_server}/t/kota-palopo/login")

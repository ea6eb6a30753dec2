"""At phone width and without JavaScript, a tenant admin pastes a list of OPDs and ticks usual ones in real
Chromium: preview, confirm, and the OPD list holds them."""

import pytest

from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.factories import PASSWORD, make_tenant

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def palopo(app_ctx):
    return make_tenant("73.73", "kota-palopo")


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")


def _codes(setup) -> set[str]:
    with tenant_context(setup.tenant_id):
        db.session.expire_all()
        return {opd.code for opd in tenants.list_opds(actor=SYSTEM)}


def test_pasting_and_ticking_opds_at_phone_width_without_javascript(browser, live_server, palopo):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    _login(page, live_server, palopo.admin_email)
    page.wait_for_url(f"{live_server}/t/kota-palopo/")
    page.goto(f"{live_server}/t/kota-palopo/opds")

    page.fill(
        "#f-lines", "BAPPEDA;Badan Perencanaan Pembangunan Daerah\nDinas Kesehatan\nDISHUB\tDinas Perhubungan"
    )
    page.click("#bulk-opds button")
    page.wait_for_url(f"{live_server}/t/kota-palopo/opds/bulk")
    new = page.locator("#bulk-new")
    assert new.is_visible()
    assert "DINKES" in new.inner_text() and "Dinas Perhubungan" in new.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the preview is {width}px wide at phone width"
    page.click("#bulk-confirm button")
    page.wait_for_url(f"{live_server}/t/kota-palopo/opds")
    assert _codes(palopo) == {"BAPPEDA", "DINKES", "DISHUB"}

    # The usual list, folded now, shows the three as present; ticking two more adds them the same way.
    page.click("#usual-opds summary")
    assert page.locator("#usual-opds input[value='BAPPEDA']").count() == 0
    page.check("#usual-opds input[value='DPMPTSP']")
    page.check("#usual-opds input[value='DISKOMINFOSANDI']")
    page.click("#usual-opds button")
    page.click("#bulk-confirm button")
    page.wait_for_url(f"{live_server}/t/kota-palopo/opds")
    assert _codes(palopo) == {"BAPPEDA", "DINKES", "DISHUB", "DPMPTSP", "DISKOMINFOSANDI"}
    context.close()

"""A ministry official opens the tenants' enacted masterplans from the menu, in Chromium, on a desktop
and on a phone."""

import pytest
from playwright.sync_api import expect

from app.accounts import services as accounts
from app.core.auth import MINISTRY_ADMIN
from app.extensions import db
from tests.pages.conftest import log_in, switch_language
from tests.support.pages import seed_demo_apart

pytestmark = pytest.mark.browser

OFFICIAL = "direktorat@kemendagri.test"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def official(app):
    seed_demo_apart(app)
    with app.app_context():
        accounts.create_user(OFFICIAL, "Direktorat", PASSWORD, MINISTRY_ADMIN)
        db.session.commit()
    return OFFICIAL


@pytest.mark.parametrize("width", [1280, 375])
def test_an_official_opens_the_enacted_masterplans_from_the_menu(browser, live_server, official, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server}/login")
    switch_language(page, "en")
    log_in(page, live_server, official, PASSWORD)
    if width < 768:
        page.locator("details.kc-menu > summary").click()
        page.locator("nav.kc-menu-items a", has_text="Enacted masterplans").click()
    else:
        page.locator("nav.kc-nav.d-md-block a", has_text="Enacted masterplans").click()
    page.wait_for_url(f"{live_server}/ministry/masterplans")
    expect(page.locator("h1")).to_have_text("Enacted masterplans")
    expect(page.locator("tr[data-tenant]")).to_have_count(3)
    expect(page.locator('tr[data-tenant="kota-balikpapan"]')).to_contain_text("2.0")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    context.close()

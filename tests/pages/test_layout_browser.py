"""A person uses the demo tenant admin's pages in Chromium: one layout everywhere, both languages,
a phone-width window, JavaScript on and off."""

import re

import pytest
from playwright.sync_api import expect

from tests.pages.conftest import log_in, switch_language

pytestmark = pytest.mark.browser

ADMIN = "admin@kota-palopo.demo"
PAGES = {
    "/t/kota-palopo/": {"id": "Dasbor", "en": "Dashboard"},
    "/t/kota-palopo/opds": {"id": "OPD", "en": "OPDs"},
    "/t/kota-palopo/members": {"id": "Anggota", "en": "Members"},
}


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_admins_pages_share_one_layout(page, live_server, demo, console_errors, locale):
    page.goto(f"{live_server}/login")
    switch_language(page, locale)
    log_in(page, live_server, ADMIN)
    page.wait_for_url(f"{live_server}/t/kota-palopo/")
    for path, titles in PAGES.items():
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == locale
        expect(page.locator("h1")).to_have_text(titles[locale])
        expect(page.locator(".kc-brand-name")).to_have_text("Kota Palopo")
        expect(page.locator(".kc-brand-sub")).to_have_text("Sulawesi Selatan · 73.73 · WITA")
        # Dashboard, OPDs and Members, with the entries other capabilities add.
        expect(page.locator("nav.kc-nav.d-md-block a").first).to_be_visible()
        assert page.locator("nav.kc-nav.d-md-block a").count() >= 3
        expect(page.locator("footer")).to_be_visible()
        expect(page.locator(".kc-lang button[aria-pressed=true]")).to_have_text(locale.upper())
        # The header is styled by the built stylesheet: the brand's colour, not the browser's default.
        background = page.locator("header.kc-header").evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(11, 93, 122)"
        expect(page.locator("nav.kc-nav.d-md-block a[aria-current=page]")).to_have_text(titles[locale])
    # The account's pages belong to no tenant: the platform's name heads them, in the same layout.
    tokens = {"id": "Token API", "en": "API tokens"}[locale]
    page.locator("details.kc-user > summary").click()
    page.locator(".kc-dropdown-menu a", has_text=tokens).click()
    expect(page.locator("h1")).to_have_text(tokens)
    expect(page.locator(".kc-brand-name")).to_have_text("Kota Cerdas")
    expect(page.locator("footer")).to_be_visible()
    assert console_errors == []


def test_the_language_is_remembered_for_the_user(browser, live_server, demo):
    first = browser.new_context()
    page = first.new_page()
    log_in(page, live_server, ADMIN)
    expect(page.locator("h1")).to_have_text("Dasbor")
    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.locator("details.kc-user > summary").click()
    page.locator("button.kc-logout").click()
    expect(page.locator(".kc-flash")).to_have_text(re.compile("You are logged out"))
    first.close()

    # Another browser starts in Indonesian, and turns English once the user logs in.
    second = browser.new_context()
    page = second.new_page()
    page.goto(f"{live_server}/login")
    expect(page.locator("h1")).to_have_text("Masuk ke Kota Cerdas")
    log_in(page, live_server, ADMIN)
    expect(page.locator("h1")).to_have_text("Dashboard")
    second.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_pages_fit_a_phone_without_sideways_scrolling(browser, live_server, demo, javascript):
    context = browser.new_context(viewport={"width": 375, "height": 740}, java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, live_server, ADMIN)
    paths = [*PAGES, "/account/tokens", "/t/kota-palopo/opds?q=dinas", "/t/kota-palopo/no-such-page"]
    for path in paths:
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide"
        # On a phone the menu is a button; the wide menu bar is hidden.
        expect(page.locator("nav.kc-nav.d-md-block")).to_be_hidden()
    page.goto(f"{live_server}/t/kota-palopo/")
    page.locator("details.kc-menu > summary").click()
    page.locator("nav.kc-menu-items a", has_text="Anggota").click()
    page.wait_for_url(f"{live_server}/t/kota-palopo/members")
    context.close()


def test_the_account_menu_opens_and_logs_out_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, ADMIN)
    menu = page.locator("details.kc-user .kc-dropdown-menu")
    expect(menu).to_be_hidden()
    page.locator("details.kc-user > summary").click()
    expect(menu).to_contain_text("admin@kota-palopo.demo")
    expect(menu).to_contain_text("Admin pemda")
    menu.get_by_role("link", name="Token API").click()
    page.wait_for_url(f"{live_server}/account/tokens")
    page.locator("details.kc-user > summary").click()
    page.locator("button.kc-logout").click()
    page.wait_for_url(f"{live_server}/login")
    context.close()


def test_forms_work_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/t/kota-palopo/opds")
    # A refused OPD: the page says which field, the values stay.
    page.fill("#f-code", "DISKOMINFO")
    page.fill("#f-name", "Dinas Kedua")
    page.locator("#add-opd button").click()
    expect(page.locator("#add-opd .alert-danger")).to_contain_text("Kode")
    expect(page.locator("#f-name")).to_have_value("Dinas Kedua")
    page.fill("#f-code", "DPMPTSP")
    page.fill("#f-name", "Dinas Penanaman Modal dan PTSP")
    page.locator("#add-opd button").click()
    expect(page.locator(".alert-success")).to_contain_text("DPMPTSP")
    # Filtering is a plain GET form.
    page.fill("#f-q", "modal")
    page.locator("form.kc-filter button").click()
    page.wait_for_url(re.compile(r"/opds\?q=modal"))
    expect(page.locator("#opd-table tbody tr")).to_have_count(1)
    # Editing opens a page of its own.
    page.locator("#opd-table tbody tr a", has_text="Ubah").click()
    page.fill("#f-acronym", "DPMPTSP")
    page.locator("main form button.btn-primary").click()
    expect(page.locator(".alert-success")).to_contain_text("DPMPTSP")
    context.close()

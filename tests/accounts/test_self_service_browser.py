"""In real Chromium: a forgotten password is reset from the login page with JavaScript off, the mail
read from the log as on the embedded default; the login page's SSO search finds a city as one types; an
OPD operator lands on their programs; and the pages hold at phone width."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.support import demo

palopo = demo.palopo  # the seeded demo's Kota Palopo (its sign-in service switched on)
NEW = "sandi-baru-yang-panjang"


@pytest.fixture(autouse=True)
def _english_pages(app, monkeypatch):
    """These tests read the pages' English wording; the Indonesian catalogue is checked in tests/core."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")


def _shot(page, name: str) -> None:
    folder = os.environ.get("KC_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_a_forgotten_password_is_reset_with_javascript_off(
    browser, live_server, palopo, app, mail_log, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.click("text=Forgot your password?")
    page.fill("#f-email", "admin@kota-palopo.demo")
    _shot(page, "forgot-password-phone")
    page.click("button:has-text('Send the link')")
    page.wait_for_url(f"{live_server}/password/forgot/sent")
    expect(page.locator("h1")).to_have_text("Check your inbox")

    (mail,) = mail_log.texts
    link = re.search(re.escape(live_server) + r"/password/reset/\S+", mail).group(0)
    page.goto(link)
    page.fill("#f-new_password", NEW)
    page.fill("#f-confirm_password", NEW)
    _shot(page, "reset-password-phone")
    page.click("button:has-text('Save the new password')")
    page.wait_for_url(f"{live_server}/login")
    expect(page.locator(".alert-success")).to_contain_text("Your password is changed")

    page.fill("#email", "admin@kota-palopo.demo")
    page.fill("#password", NEW)
    page.click("form button.btn-primary.w-100 >> text=Log in")
    page.wait_for_url(f"{live_server}/t/kota-palopo/")
    context.close()


def test_the_sso_search_finds_a_city_as_one_types(page, live_server, palopo):
    page.goto(f"{live_server}/login")
    expect(page.locator("#sso-search-title")).to_have_text("Log in with your city's SSO")
    page.fill("#sso-q", "balik")
    expect(page.locator("#sso-results a")).to_have_count(1)
    expect(page.locator("#sso-results a")).to_contain_text("Kota Balikpapan")
    assert page.url == f"{live_server}/login"  # swapped in place
    _shot(page, "login-sso-search")
    page.click("#sso-results a")
    page.wait_for_url(f"{live_server}/t/kota-balikpapan/login")
    expect(page.locator("a.kc-sso-button")).to_have_count(1)


def test_an_opd_operator_lands_on_their_programs(page, live_server, palopo):
    page.goto(f"{live_server}/login")
    page.fill("#email", "opd@kota-palopo.demo")
    page.fill("#password", "kotacerdas-demo")
    page.click("form button.btn-primary.w-100 >> text=Log in")
    page.wait_for_url(re.compile(r"/t/kota-palopo/masterplans/[^/]+/programs\?opd_id="))
    selected = page.locator("select[name=opd_id] option:checked")
    expect(selected).not_to_have_text(re.compile(r"^\s*$"))

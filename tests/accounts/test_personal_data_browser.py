"""In real Chromium, JavaScript off, at phone width, in both languages: an OPD operator of the demo's Kota
Palopo reads and downloads their data; the platform operator finds them, confirms and erases them."""

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.demo import PLATFORM_ADMIN_EMAIL
from tests.support import demo

palopo = demo.palopo
SHOTS = os.environ.get("KC_SCREENSHOTS", "/tmp/shots-privacy")
PHONE = {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _fits_the_phone(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def _log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", "kotacerdas-demo")
    page.click("form button.btn-primary.w-100")
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["id", "en"])
def test_a_person_downloads_their_data_and_the_operator_erases_them(
    browser, live_server, palopo, app, monkeypatch, locale
):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", locale)
    operator_email = f"opd@{palopo.slug}.demo"

    person = browser.new_context(java_script_enabled=False, viewport=PHONE, accept_downloads=True)
    page = person.new_page()
    _log_in(page, live_server, operator_email)
    page.goto(f"{live_server}/account/data")
    expect(page.locator("main")).to_contain_text("Kota Palopo")
    _fits_the_phone(page)
    _shot(page, f"personal-data-{locale}")
    with page.expect_download() as download:
        page.locator("a[href$='/account/data.json']").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"][0]["email"] == operator_email and data["memberships"][0]["tenant"] == "Kota Palopo"
    person.close()

    admin = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = admin.new_page()
    _log_in(page, live_server, PLATFORM_ADMIN_EMAIL)
    page.goto(f"{live_server}/admin/people?q=opd@{palopo.slug}")
    _fits_the_phone(page)
    _shot(page, f"people-{locale}")
    page.locator("table a").first.click()
    expect(page.locator("main")).to_contain_text(operator_email)
    _fits_the_phone(page)
    _shot(page, f"person-erase-{locale}")
    page.fill("#f-confirm_email", operator_email)
    page.locator("form button.btn-danger").click()
    page.wait_for_url(f"{live_server}/admin/people")
    expect(page.locator(".alert-success")).to_be_visible()
    _shot(page, f"people-after-erasure-{locale}")
    page.goto(f"{live_server}/admin/people?q=opd@{palopo.slug}")
    expect(page.locator("main")).not_to_contain_text(operator_email)
    admin.close()

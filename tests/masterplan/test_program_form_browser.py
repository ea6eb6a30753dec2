"""In real Chromium: "Add a budget row" adds the row in place with htmx (no page load, what was typed
stays), and without JavaScript the same button brings the form back with the row."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.core.tenancy import tenant_context
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.masterplan.models import Masterplan, Program
from app.tenants import services as tenants
from tests.support.snapshot import DEMO

pytestmark = pytest.mark.browser


@pytest.fixture
def edit_path(app_ctx):
    DEMO.load()
    palopo = tenants.find_tenant_by_slug("kota-palopo")
    with tenant_context(palopo.id):
        draft = db.session.scalar(select(Masterplan).where(Masterplan.status == "draft"))
        program = db.session.scalar(
            select(Program).where(Program.masterplan_id == draft.id).order_by(Program.code)
        )
        return f"/t/kota-palopo/masterplans/{draft.id}/programs/{program.id}/edit"


def _login(page, base):
    page.goto(f"{base}/login")
    page.fill("#email", "admin@kota-palopo.demo")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_url(re.compile(r".*/t/kota-palopo/"))


def _add_a_row_keeps_what_was_typed(page, base, edit_path):
    page.goto(f"{base}{edit_path}")
    rows = page.locator("input[name=budget-amount]")
    before = rows.count()
    page.fill("#f-description", "Diketik sebelum menambah baris")
    rows.nth(before - 1).fill("75.000.000")
    page.click("button[name=add_row][value=budget]")
    expect(rows).to_have_count(before + 1)
    assert page.locator("#f-description").input_value() == "Diketik sebelum menambah baris"
    assert rows.nth(before - 1).input_value() == "75.000.000"
    assert rows.nth(before).input_value() == ""


def test_a_budget_row_is_added_in_place_with_htmx(page, live_server, edit_path):
    _login(page, live_server)
    page.goto(f"{live_server}{edit_path}")
    page.evaluate("window.kcNoReload = true")
    rows = page.locator("input[name=budget-amount]")
    before = rows.count()
    page.fill("#f-description", "Diketik sebelum menambah baris")
    page.click("button[name=add_row][value=budget]")
    expect(rows).to_have_count(before + 1)
    assert page.evaluate("window.kcNoReload") is True  # no page load: only the rows were swapped
    assert page.locator("#f-description").input_value() == "Diketik sebelum menambah baris"


def test_without_javascript_the_button_brings_the_form_back_with_a_row(browser, live_server, edit_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    _login(page, live_server)
    _add_a_row_keeps_what_was_typed(page, live_server, edit_path)
    context.close()

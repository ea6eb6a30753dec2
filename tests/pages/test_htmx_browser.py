"""htmx makes lists quicker in Chromium: an OPD edited in its row, tables filtered and paged in place,
the address kept in step so the back button and a reload still work."""

import re

import pytest
from playwright.sync_api import expect

from app.core.auth import TENANT_ADMIN, Actor
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.pages.conftest import log_in

pytestmark = pytest.mark.browser

ADMIN = "admin@kota-palopo.demo"


def _mark_page(page) -> None:
    """A flag that a full page load would wipe: its survival proves an update happened in place."""
    page.evaluate("window.kcNoReload = true")


def _still_same_page(page) -> bool:
    return page.evaluate("window.kcNoReload === true")


def test_an_opd_is_edited_in_its_row(page, live_server, demo, console_errors):
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/t/kota-palopo/opds")
    _mark_page(page)
    # The row keeps its id while it turns into a form and back.
    row = page.locator("#" + page.locator("#opd-table tbody tr", has_text="DLH").get_attribute("id"))
    row.get_by_role("link", name=re.compile("^Ubah")).click()
    name = row.locator("input[name=name]")
    expect(name).to_have_value("Dinas Lingkungan Hidup")
    assert page.url == f"{live_server}/t/kota-palopo/opds"

    # A taken code is refused in the row, naming the problem; nothing else moves.
    row.locator("input[name=code]").fill("DISKOMINFO")
    row.get_by_role("button", name="Simpan").click()
    expect(row.locator(".invalid-feedback")).to_have_text("sudah dipakai di pemda ini")

    row.locator("input[name=code]").fill("DLH")
    name.fill("Dinas Lingkungan Hidup dan Kebersihan")
    row.get_by_role("button", name="Simpan").click()
    expect(row.locator("td").nth(1)).to_have_text("Dinas Lingkungan Hidup dan Kebersihan")
    expect(row.locator("input[name=name]")).to_have_count(0)
    assert _still_same_page(page)

    # Cancel puts the row back as it was.
    row.get_by_role("link", name=re.compile("^Ubah")).click()
    row.locator("input[name=name]").fill("Something else")
    row.get_by_role("link", name="Batal").click()
    expect(row.locator("td").nth(1)).to_have_text("Dinas Lingkungan Hidup dan Kebersihan")

    page.reload()
    expect(page.locator("#opd-table")).to_contain_text("Dinas Lingkungan Hidup dan Kebersihan")
    # The browser notes the refused save (422) in its console; nothing else may appear there.
    assert [e for e in console_errors if "status of 422" not in e] == []


@pytest.fixture
def many_opds(app, demo):
    with app.app_context():
        tenant = tenants.find_tenant_by_slug("kota-palopo")
        with tenant_context(tenant.id):
            actor = Actor(user_id=None, tenant_role=TENANT_ADMIN)
            for i in range(30):
                tenants.create_opd({"code": f"KEC{i:02d}", "name": f"Kecamatan Nomor {i:02d}"}, actor=actor)
            db.session.commit()
        db.session.remove()


def test_the_opd_table_filters_and_pages_in_place(page, live_server, many_opds, console_errors):
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/t/kota-palopo/opds")
    _mark_page(page)
    rows = page.locator("#opd-table tbody tr")
    expect(rows).to_have_count(20)
    expect(page.locator(".kc-table-footer")).to_contain_text("1–20 dari 36")

    page.locator("#opd-table").get_by_role("link", name="2", exact=True).click()
    expect(rows).to_have_count(16)
    expect(page).to_have_url(re.compile(r"/opds\?page=2$"))

    page.fill("#f-q", "nomor 1")
    expect(rows).to_have_count(10)
    expect(page).to_have_url(re.compile(r"/opds\?q=nomor(\+|%20)1$"))
    expect(page.locator(".kc-table-footer")).to_contain_text("1–10 dari 10")
    assert _still_same_page(page)
    expect(page.locator("#f-q")).to_be_focused()

    # The address is a real one: back returns to page 2, a fresh load of it shows the same table.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/opds\?page=2$"))
    expect(rows).to_have_count(16)
    page.goto(f"{live_server}/t/kota-palopo/opds?q=nomor+1")
    expect(rows).to_have_count(10)
    assert console_errors == []


def test_members_are_filtered_by_role_in_place(page, live_server, demo):
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/t/kota-palopo/members")
    _mark_page(page)
    table = page.locator("#member-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    page.select_option("#f-role-filter", "opd_operator")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("opd@kota-palopo.demo")
    page.select_option("#f-role-filter", "council_member")
    expect(table).to_contain_text("Tidak ada anggota yang cocok")
    assert _still_same_page(page)


def test_a_failed_update_says_so(page, live_server, demo):
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/t/kota-palopo/opds")
    notice = page.locator("#kc-live-error")
    expect(notice).to_be_hidden()
    # The server goes away between loading the page and filtering it.
    page.route("**/opds?q=*", lambda route: route.abort())
    page.fill("#f-q", "dinas")
    expect(notice).to_be_visible()


def test_an_opd_operator_is_invited_with_the_opds_ticked(page, live_server, demo):
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/t/kota-palopo/members")
    page.fill("#f-email", "staf.dlh@palopokota.go.id")
    page.select_option("#f-role", "opd_operator")
    picker = page.locator("#f-opds")
    expect(picker.locator("summary")).to_contain_text("Tanpa OPD")
    picker.locator("summary").click()
    picker.get_by_label("DLH").check()
    picker.get_by_label("BPBD").check()
    # The summary follows the ticks.
    expect(picker.locator("summary")).to_contain_text("BPBD, DLH")
    page.get_by_role("button", name="Undang", exact=True).click()
    expect(page.locator(".kc-flash")).to_contain_text("staf.dlh@palopokota.go.id")
    invitation = page.locator("#invitation-table tr", has_text="staf.dlh@palopokota.go.id")
    expect(invitation).to_contain_text("Operator OPD")
    expect(invitation).to_contain_text("BPBD, DLH")


def test_no_page_is_kept_in_the_browsers_storage(page, live_server, many_opds):
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/t/kota-palopo/opds")
    page.locator("#opd-table").get_by_role("link", name="2", exact=True).click()
    expect(page).to_have_url(re.compile(r"/opds\?page=2$"))
    page.fill("#f-q", "nomor")
    expect(page).to_have_url(re.compile(r"/opds\?q=nomor$"))
    # A shared office computer keeps no copy of the tenant's pages after the session.
    assert page.evaluate("JSON.stringify(localStorage)") in ("{}", '{"htmx-history-cache":"[]"}')

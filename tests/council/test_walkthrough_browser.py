"""In real Chromium, on PostgreSQL, the council's whole path in Kota Palopo's Indonesian pages: the
secretariat registers a decree (SK) with its members, schedules a coordination meeting, records attendance,
minutes and a decision that becomes an action item on a program; the OPD operator whose OPD owns it sees it
and closes it; the program's page shows it closed; the minutes PDF holds the attendance and the decision.

Elements are found by their form fields and links, not by their wording, so the test reads the same
whichever words the catalogue gives them."""

import re

import pytest
from pypdf import PdfReader

from app.demo import DEMO_PASSWORD, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

T = "/t/kota-palopo"
DECISION = "Dinas Pendidikan menghimpun data kolaborasi 17 perguruan tinggi sebelum evaluasi"
ACTION = "Menghimpun data kolaborasi 17 perguruan tinggi"


@pytest.fixture
def demo(app_ctx):
    seed_demo()


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_url(re.compile(r".*/t/kota-palopo/"))


def _submit(page, form):
    with page.expect_navigation():
        form.locator("button[class*='btn-']").last.click()


def test_the_council_walkthrough(page, browser, live_server, demo):
    base = live_server
    _login(page, base, "admin@kota-palopo.demo")

    # 1. An SK of the Tim Pelaksana amending its first one, with the members it appoints.
    page.goto(f"{base}{T}/council")
    page.click("a[href*='/council/bodies/'] >> text=Tim Pelaksana Smart City")
    page.click("#add-decree > summary")
    decree = page.locator("form[action$='/decrees']")
    decree.locator("#f-number").fill("100.3.3.2/77/2026")
    decree.locator("#f-decree-date").fill("2026-11-02")
    decree.locator("#f-signer").fill("Wali Kota Palopo")
    decree.locator("#f-title").fill("Perubahan susunan Tim Pelaksana Smart City")
    decree.locator("#f-relation").select_option("amends")
    decree.locator("#f-previous").select_option(index=1)
    _submit(page, decree)
    assert "100.3.3.2/77/2026" in page.locator("#decrees").inner_text()
    for name, institution in (
        ("Kepala Dinas Pendidikan Kota Palopo", "Dinas Pendidikan"),
        ("Rektor Universitas Andi Djemma", "Universitas Andi Djemma"),
    ):
        page.click("#add-member > summary")
        member = page.locator("form[action$='/members']")
        member.locator("#f-position").select_option(label="Anggota")
        member.locator("#f-mname").fill(name)
        member.locator("#f-inst").fill(institution)
        member.locator("#f-penta").select_option("AKADEMISI" if "Rektor" in name else "PEMERINTAH")
        member.locator("#f-start").fill("2026-11-02")
        member.locator("#f-mdecree").select_option(label="100.3.3.2/77/2026")
        _submit(page, member)
    members = page.locator("#members table").inner_text()
    assert "Kepala Dinas Pendidikan Kota Palopo" in members and "Rektor Universitas Andi Djemma" in members

    # 2. A coordination meeting of the Tim Pelaksana.
    page.goto(f"{base}{T}/council/meetings/new")
    form = page.locator("form[action$='/council/meetings']")
    form.locator("#f-kind").select_option("RAKOR")
    form.locator("#f-title").fill("Rapat Koordinasi Tim Pelaksana November 2026")
    form.locator("#f-body").select_option(label="Tim Pelaksana Smart City")
    form.locator("#f-starts").fill("2026-11-20T09:00")
    form.locator("#f-ends").fill("2026-11-20T12:00")
    form.locator("#f-mode").select_option("LURING")
    form.locator("#f-place").fill("Ruang Rapat Bappeda")
    form.locator("#f-chair").fill("Kepala Bappeda Kota Palopo")
    form.locator("#f-agenda").fill("Capaian Palopo Kampus Terbuka\nPersiapan evaluasi")
    _submit(page, form)
    meeting_url = page.url
    assert re.search(r"/council/meetings/[0-9a-f-]+$", meeting_url)

    # 3. The Tim Pelaksana invited (its members serving that day, the two just appointed among them).
    invite = page.locator("form[action$='/invitees']")
    page.locator("#invitees details summary").click()
    invite.locator("label", has_text="Tim Pelaksana Smart City").click()
    _submit(page, invite)
    rows = page.locator("#attendance tbody tr")
    names = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert any("Kepala Dinas Pendidikan Kota Palopo" in n for n in names)
    assert any("Rektor Universitas Andi Djemma" in n for n in names)

    # 4. Attendance: the Rektor represented by his vice-rector, the rest present.
    for i in range(rows.count()):
        row = rows.nth(i)
        if "Rektor Universitas Andi Djemma" in row.locator("td").first.inner_text():
            row.locator("select").select_option("represented")
            row.locator("input[name^='represented_by-']").fill("Wakil Rektor I")
        else:
            row.locator("select").select_option("present")
    _submit(page, page.locator("form#attendance"))

    # 5. Minutes: a summary and the discussion of each agenda item.
    minutes = page.locator("form[action$='/minutes']")
    minutes.locator("#f-minutes").fill("Rapat dibuka pukul 09.00 oleh Kepala Bappeda.")
    discussions = minutes.locator("textarea[name^='discussion-']")
    discussions.nth(0).fill("Dinas Pendidikan memaparkan kolaborasi perguruan tinggi.")
    discussions.nth(1).fill("Bukti dukung evaluasi disiapkan bersama.")
    _submit(page, minutes)

    # 6. The decision, and the action item it becomes on Palopo Kampus Terbuka (PLP-S-02).
    decision = page.locator("form[action$='/decisions']")
    decision.locator("#f-dtext").fill(DECISION)
    _submit(page, decision)
    entry = page.locator("#decisions ol > li", has_text=DECISION)
    entry.locator("details summary").click()
    action = entry.locator("form[action$='/action-items']")
    action.locator("input[name=title]").fill(ACTION)
    action.locator("select[name=owner]").select_option(label="Dinas Pendidikan")
    action.locator("input[name=due_on]").fill("2026-12-31")
    action.locator("label", has_text="PLP-S-02").click()
    _submit(page, action)
    assert ACTION in page.locator("#decisions").inner_text()

    # 7. The minutes as a PDF, through the page's link: attendance and decision.
    with page.expect_download() as download:
        page.click("a[href$='/minutes.pdf']")
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(download.value.path()).pages
    )
    assert "Kepala Dinas Pendidikan Kota Palopo" in text
    assert "Diwakili oleh Wakil Rektor I" in text
    assert "Dinas Pendidikan menghimpun data kolaborasi 17 perguruan tinggi" in text
    assert "Rapat Koordinasi" in text

    # 8. The operator of Dinas Pendidikan sees the action item among their own and closes it.
    operator = browser.new_context()
    op = operator.new_page()
    _login(op, base, "opd@kota-palopo.demo")
    op.goto(f"{base}{T}/council/action-items")
    op.click(f"a[href*='/council/action-items/'] >> text={ACTION}")
    item_url = op.url
    close = op.locator("form[action$='/close']")
    close.locator("textarea[name=note]").fill("Data 17 perguruan tinggi terhimpun dan diunggah.")
    with op.expect_navigation():
        close.locator("button.btn-success").click()
    assert op.locator(".badge.text-bg-success").count() == 1
    assert op.locator("#f-note").input_value() == "Data 17 perguruan tinggi terhimpun dan diunggah."

    # 9. The program's page shows the action item, done.
    op.click("a[href*='/programs/'] >> text=PLP-S-02")
    panel = op.locator("#council-action-items")
    item = panel.locator("li", has_text=ACTION)
    assert item.locator(".badge.text-bg-success").count() == 1
    assert item.locator(f"a[href='{item_url.removeprefix(base)}']").count() == 1
    operator.close()


def test_the_action_item_pages_fit_a_phone_and_work_without_javascript(browser, live_server, demo):
    """At 375 px with JavaScript off, in Indonesian and English: the list, an action item and the program's
    panel fit the width, and the operator reports their OPD's overdue action item done with the form."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    _login(page, live_server, "opd@kota-palopo.demo")
    overdue = "Menyusun data capaian kolaborasi 17 perguruan tinggi"
    for lang in ("id", "en"):
        page.goto(f"{live_server}{T}/council/action-items?overdue=1&lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("tbody tr", has_text=overdue).locator(".badge.text-bg-danger").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click(f"a[href*='/council/action-items/'] >> text={overdue}")
    item_url = page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("#f-note").fill("Rekap 17 perguruan tinggi diserahkan ke Bappeda.")
    with page.expect_navigation():
        page.locator("form[action$='/close'] button.btn-success").click()
    assert page.url == item_url and page.locator(".badge.text-bg-success").count() == 1
    for lang in ("id", "en"):
        page.goto(f"{item_url}?lang={lang}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.click("a[href*='/programs/'] >> text=PLP-S-02")
        panel = page.locator("#council-action-items")
        assert panel.locator("li", has_text=overdue).locator(".badge.text-bg-success").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()

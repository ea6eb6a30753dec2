"""The workbook on the grid page in Chromium, at a phone's width and without JavaScript: the secretariat
downloads the period, types a percentage that is too high, uploads it and reads the problem above the
form (nothing saved), corrects it and uploads again; in English the download has English headers."""

import os
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD
from app.reporting import periods
from tests.support.demo import palopo  # noqa: F401 - fixture

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("KC_SHOTS", "/tmp/shots-periodxlsx"))
EDITABLE = {"Draf", "Dikembalikan", "Belum ada laporan"}


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button.btn-primary").click()
    page.wait_for_url("**/t/kota-palopo/**")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_secretariat_uploads_a_workbook_from_a_phone_without_javascript(
    browser,
    live_server,
    palopo,  # noqa: F811
    tmp_path,
):
    with palopo.inside():
        period = periods.current_period(actor=palopo.actor)
    assert period is not None and period.status == "open"
    grid = f"{live_server}/t/kota-palopo/reporting/periods/{period.id}/grid"
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    _log_in(page, live_server, "admin@kota-palopo.demo")
    page.goto(grid)
    expect(page.locator("#workbook")).to_be_visible()
    _fits(page)
    with page.expect_download() as waiting:
        page.locator("#workbook form[method=get] button").click()
    book = load_workbook(BytesIO(Path(waiting.value.path()).read_bytes()))
    ws = book["Laporan"]
    header = [c.value for c in ws[1]]
    column = {name: header.index(name) + 1 for name in header}
    row = next(
        r for r in range(2, ws.max_row + 1) if ws.cell(r, column["Status alur kerja"]).value in EDITABLE
    )
    code = ws.cell(row, column["Kode program"]).value
    ws.cell(row, column["Realisasi fisik (%)"]).value = 120
    wrong = tmp_path / "laporan.xlsx"
    book.save(wrong)

    page.set_input_files("#workbook-file", str(wrong))
    page.locator("#workbook form[enctype] button").click()
    problems = page.locator("#workbook-problems")
    expect(problems.locator("tbody tr")).to_have_count(1)
    cells = problems.locator("tbody tr td")
    expect(cells.nth(1)).to_have_text(str(row))
    expect(cells.nth(2)).to_contain_text("H (")
    _fits(page)
    _shot(page, "grid-problems-id-phone")

    ws.cell(row, column["Realisasi fisik (%)"]).value = "55,5"
    ws.cell(row, column["Narasi"]).value = "=Dikerjakan bersama kelurahan"
    right = tmp_path / "laporan-benar.xlsx"
    book.save(right)
    page.set_input_files("#workbook-file", str(right))
    page.locator("#workbook form[enctype] button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#workbook-problems")).to_have_count(0)
    expect(page.locator(f"tr:has-text('{code}') input[value='55,50']")).to_have_count(1)
    _fits(page)
    _shot(page, "grid-imported-id-phone")

    page.goto(f"{grid}?lang=en")
    with page.expect_download() as waiting:
        page.locator("#workbook form[method=get] button").click()
    assert load_workbook(BytesIO(Path(waiting.value.path()).read_bytes())).sheetnames[0] == "Reports"
    _fits(page)
    _shot(page, "grid-en-phone")
    context.close()


def test_the_period_and_roll_up_pages_offer_their_exports(browser, live_server, palopo):  # noqa: F811
    with palopo.inside():
        period = periods.current_period(actor=palopo.actor)
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    _log_in(page, live_server, "admin@kota-palopo.demo")
    for name, url, lang in (
        ("period", f"/t/kota-palopo/reporting/periods/{period.id}", "id"),
        ("rollup", f"/t/kota-palopo/reporting/periods/{period.id}/rollup", "en"),
    ):
        page.goto(f"{live_server}{url}?lang={lang}")
        link = page.locator("a[download]", has_text="Excel")
        expect(link).to_be_visible()
        with page.expect_download() as waiting:
            link.click()
        assert load_workbook(BytesIO(Path(waiting.value.path()).read_bytes())).sheetnames
        _fits(page)
        _shot(page, f"{name}-{lang}-phone")
    page.goto(f"{live_server}/t/kota-palopo/reporting/periods/{period.id}/grid?lang=id")
    expect(page.locator("#workbook-opd")).to_be_visible()
    _shot(page, "grid-admin-id-phone")
    context.close()

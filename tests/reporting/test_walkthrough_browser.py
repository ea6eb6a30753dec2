"""A quarter of progress reporting in real Chromium, on PostgreSQL, with the city's own sign-in.

An OPD operator of DISKOMINFO signs in through the city's OpenID provider and reports on all of the
programs DISKOMINFO leads in the grid (without JavaScript: the grid's plain form), then submits each
report. The secretariat returns one report with a comment and verifies the rest; the operator fixes the
returned one and submits it again, and it is verified. The dashboard shows the roll-up with its rule;
the administrator publishes the period, and the published snapshot is read back through the API.
"""

import os
import re
import uuid

import pytest

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.reporting import periods
from app.sso import services as sso
from tests.sso.conftest import idp, provider_settings  # noqa: F401 - fixture
from tests.support.demo import palopo  # noqa: F401 - fixture
from tests.support.idp import PASSWORD as IDP_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SSO_LABEL = "Masuk dengan akun Pemkot Palopo"
YEAR = 2027  # a year the demo has not planned: its first quarter is reported here from scratch


@pytest.fixture
def period_id(palopo, idp) -> uuid.UUID:  # noqa: F811
    """Palopo with the city's provider and Triwulan I 2027 open."""
    with palopo.inside():
        sso.create_provider(provider_settings(idp.issuer, label=SSO_LABEL), actor=palopo.actor)
        quarter = periods.create_periods(YEAR, actor=palopo.actor)[0]
        periods.open_period(quarter.id, actor=palopo.actor)
        db.session.commit()
        return quarter.id


def _sso_login(page, base: str) -> None:
    page.goto(f"{base}/t/kota-palopo/login")
    page.click(f"a.kc-sso-button:has-text('{SSO_LABEL}')")
    page.wait_for_selector("#idp-submit")  # the provider's own login form
    page.fill("#login", "palopo-kominfo")
    page.fill("#password", IDP_PASSWORD)
    page.click("#idp-submit")
    page.wait_for_url(re.compile(r".*/t/kota-palopo/"))


def _password_login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_url(re.compile(r".*/t/kota-palopo/"))


def _submit(page, report_url: str) -> None:
    page.goto(report_url)
    page.click("button[name=action][value=submit]")
    page.wait_for_selector(".alert-info")  # "submitted on …; waiting for the secretariat"


def _shot(page, name: str) -> None:
    folder = os.environ.get("KC_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"reporting-{name}.png"), full_page=True)


def _tick(queue, codes) -> None:
    for code in codes:
        queue.locator("tr", has_text=code).locator("input[name=report_id]").check()


def test_a_quarter_is_reported_verified_and_published(browser, live_server, palopo, period_id, client):  # noqa: F811
    base = live_server
    reporting = f"{base}/t/kota-palopo/reporting"

    # The operator, without JavaScript: the grid is a plain form.
    operator = browser.new_context(java_script_enabled=False).new_page()
    _sso_login(operator, base)
    operator.goto(f"{reporting}/periods/{period_id}/grid")
    rows = operator.locator("tr[id^=grid-row-]")
    codes = [rows.nth(i).locator(".kc-code").inner_text() for i in range(rows.count())]
    assert len(codes) >= 3 and all(code.startswith("PLP-") for code in codes)
    for i, _code in enumerate(codes):
        row = rows.nth(i)
        row.locator("select[name$=progress_status]").select_option("on_track")
        row.locator("input[name$=physical_pct]").fill(f"{40 + i},5")  # typed the Indonesian way
        row.locator("textarea[name$=narrative]").fill(f"Kegiatan triwulan I berjalan ({i + 1}).")
    operator.click("#grid-form button.btn-primary")  # save all rows
    operator.wait_for_url(re.compile(rf".*/periods/{period_id}/grid$"))
    _shot(operator, "grid-saved")
    # Figures read back as an Indonesian writes them.
    assert rows.nth(1).locator("input[name$=physical_pct]").input_value() == "41,50"
    links = {
        code: rows.nth(i).locator("a[href*='/reporting/reports/']").get_attribute("href")
        for i, code in enumerate(codes)
    }
    for code in codes:
        _submit(operator, base + links[code])

    # The secretariat returns the first report and verifies the rest, from the verification queue.
    admin = browser.new_context().new_page()
    _password_login(admin, base, "admin@kota-palopo.demo")
    queue_url = f"{reporting}/periods/{period_id}/queue"
    admin.goto(queue_url)
    _shot(admin, "queue")
    returned, rest = codes[0], codes[1:]
    _tick(admin, [returned])
    admin.fill("#q-comment", "Foto kegiatan belum dilampirkan.")
    admin.click("button[name=action][value=return]")
    admin.wait_for_url(re.compile(r".*/queue.*"))
    _tick(admin, rest)
    admin.click("button[name=action][value=verify]")
    admin.wait_for_url(re.compile(r".*/queue.*"))

    # The operator sees the comment in the grid, fixes the report and submits it again.
    operator.goto(f"{reporting}/periods/{period_id}/grid")
    returned_row = operator.locator(f"tr[id^=grid-row-]:has-text('{returned}')")
    assert "Foto kegiatan belum dilampirkan." in returned_row.inner_text()
    operator.goto(base + links[returned])
    operator.fill("textarea[name=narrative]", "Kegiatan berjalan; foto kegiatan terlampir di tautan bukti.")
    operator.click("button[name=action][value=submit]")
    operator.wait_for_selector(".alert-info")

    admin.goto(queue_url)
    _tick(admin, [returned])
    admin.click("button[name=action][value=verify]")
    admin.wait_for_url(re.compile(r".*/queue.*"))
    admin.goto(queue_url)
    assert admin.locator("input[name=report_id]").count() == 0  # nothing left to verify

    # The dashboard states the roll-up and its rule, from the verified reports of this quarter.
    admin.goto(f"{base}/t/kota-palopo/")
    _shot(admin, "dashboard")
    progress = admin.locator("#progress-by-dimension").inner_text()
    assert f"Triwulan I {YEAR}" in progress
    rule = admin.locator("#rollup-rule").inner_text()
    assert "Berbobot anggaran" in rule  # the tenant's rule: weighted by budget

    # The administrator publishes; the snapshot is read back through the API.
    admin.goto(f"{reporting}/periods/{period_id}")
    admin.click("#published form button")
    admin.wait_for_selector("#published li")
    headers = palopo.token()
    listed = client.get(
        f"/api/v1/t/kota-palopo/reporting/snapshots?period_id={period_id}", headers=headers
    ).get_json()
    assert len(listed) == 1 and listed[0]["version"] == 1
    snapshot = client.get(
        f"/api/v1/t/kota-palopo/reporting/snapshots/{listed[0]['id']}", headers=headers
    ).get_json()
    published = {p["code"]: p for p in snapshot["document"]["programs"]}
    for i, code in enumerate(codes):
        assert float(published[code]["physical_pct"]) == 40 + i + 0.5
    assert snapshot["document"]["rule"]["rollup"] == "budget_weighted"

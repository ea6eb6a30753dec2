"""A person exports the members in real Chromium and watches the progress bar move by itself: inline
(no Redis) and on a real rq worker; and, with JavaScript off, the page refreshes itself until done."""

import os
import shutil
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import app.tenants.jobs as members_jobs
from app.demo import DEMO_PASSWORD
from tests.support.jobkinds import pace_members_export
from tests.support.waiting import thread_stacks

pytestmark = pytest.mark.browser
PACE = 1.2  # seconds the export pauses after each progress report, so the bar is seen moving
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def paced(monkeypatch):
    monkeypatch.setattr(members_jobs, "report_progress", members_jobs.report_progress)
    pace_members_export(PACE)


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_url(f"{base}/t/kota-palopo/")


def _export_and_watch(page, base: str, palopo) -> bytes:
    """Press Export on the members page; the bar must show values between 0 and 100 without the page
    reloading, then the download link appears; returns the downloaded workbook."""
    page.goto(f"{base}/t/kota-palopo/members")
    page.click("text=Export to Excel")
    page.wait_for_url(f"{base}/t/kota-palopo/jobs/*")
    page.evaluate("window.kcSamePage = true")
    bar = page.locator("#job-progress .progress")
    try:
        page.wait_for_function(
            "() => { const bar = document.querySelector('#job-progress .progress');"
            " const v = +bar.getAttribute('aria-valuenow'); return v > 0 && v < 100; }",
            timeout=20000,
            polling=100,
        )
    except PlaywrightTimeout:
        run_id = page.url.rstrip("/").rsplit("/", 1)[1]
        pytest.fail(
            f"the bar never moved: it shows {bar.get_attribute('aria-valuenow')} and "
            f"{page.inner_text('#job-message')!r}; the run is {palopo.job(run_id)};"
            f" threads:\n{thread_stacks()}"
        )
    seen = int(bar.get_attribute("aria-valuenow"))
    page.wait_for_selector("#job-result", timeout=30000)
    assert 0 < seen < 100
    assert bar.get_attribute("aria-valuenow") == "100"
    # The bar is drawn full width (its width comes from the stylesheet, which the CSP allows).
    filled = page.locator("#job-progress .progress-bar").bounding_box()["width"]
    assert filled >= 0.95 * bar.bounding_box()["width"]
    assert page.evaluate("window.kcSamePage") is True  # swapped in by htmx, not reloaded
    _screenshot(page, "job-done")
    with page.expect_download() as download:
        page.click("#job-result")
    return Path(download.value.path()).read_bytes()


def _members(workbook: bytes) -> set[str]:
    return {row[1] for row in load_workbook(BytesIO(workbook)).active.iter_rows(min_row=2, values_only=True)}


def test_the_export_runs_inline_with_a_live_progress_bar(page, live_server, palopo, paced):
    _login(page, live_server, "admin@kota-palopo.demo")
    assert _members(_export_and_watch(page, live_server, palopo)) == {
        "admin@kota-palopo.demo",
        "opd@kota-palopo.demo",
    }


def test_the_export_runs_on_a_worker_with_a_live_progress_bar(
    page, live_server, palopo, queue_app, workers, monkeypatch
):
    queue = f"test-browser-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(queue_app.config, "JOBS_QUEUE", queue)
    workers.start(queue, KC_TEST_PACE_SECONDS=str(PACE))
    _login(page, live_server, "admin@kota-palopo.demo")
    assert _members(_export_and_watch(page, live_server, palopo)) == {
        "admin@kota-palopo.demo",
        "opd@kota-palopo.demo",
    }


def test_without_javascript_the_job_page_refreshes_itself_until_done(browser, live_server, palopo, paced):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _login(page, live_server, "admin@kota-palopo.demo")
    page.goto(f"{live_server}/t/kota-palopo/members")
    page.click("text=Export to Excel")
    page.wait_for_url(f"{live_server}/t/kota-palopo/jobs/*")
    assert page.locator("#job-result").count() == 0
    assert page.locator("text=Refresh").count() == 1
    page.wait_for_selector("#job-result", timeout=30000)  # arrives only through the page's own refresh
    assert page.locator("#job-progress .progress").get_attribute("aria-valuenow") == "100"
    context.close()


@pytest.mark.parametrize("width, label", [(375, "phone"), (1280, "desktop")])
def test_job_and_audit_pages_fit_the_screen(browser, live_server, palopo, width, label):
    """Nothing wider than the screen, at phone and desktop width; the result link in view."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    _login(page, live_server, "admin@kota-palopo.demo")
    for name, path in [("jobs", "/t/kota-palopo/jobs"), ("audit", "/t/kota-palopo/audit")]:
        page.goto(f"{live_server}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, name
        _screenshot(page, f"{name}-{label}")
    page.goto(f"{live_server}/t/kota-palopo/jobs")
    page.click("table a")  # the demo's export
    assert page.locator("#job-result").is_visible()
    _screenshot(page, f"job-{label}")
    context.close()


def _screenshot(page, name: str) -> None:
    """Kept for a person to look at (test-artifacts/ is not committed; docs/screenshots holds a copy)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    target = os.environ.get("KC_SCREENSHOTS_DIR")
    if target:
        shutil.copy(ARTIFACTS / f"{name}.png", Path(target) / f"{name}.png")

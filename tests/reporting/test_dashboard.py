"""The tenant's dashboard shows progress on the demo's Kota Palopo: the masterplan's status, progress by
dimension with the roll-up rule, the trend, programs at risk or delayed, reports missing by OPD and budget
realisation by funding source. Every number links to the rows it comes from, unverified data never
counts, an OPD operator's lists hold their own OPDs, and the page reads a fixed number of statements."""

import re
from decimal import Decimal
from html import unescape

from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import periods, reports
from app.reporting.models import ProgressReport, ReportingPeriod
from tests.conftest import login
from tests.support.queries import count_queries

from .conftest import PASSWORD

DASHBOARD = "/t/kota-palopo/"


def _section(page: str, section_id: str) -> str:
    """The HTML of one panel (a card with this id) of the dashboard."""
    start = page.index(f'id="{section_id}"')
    end = page.find('<div class="card h-100" id="', start + 1)
    return page[start : end if end != -1 else len(page)]


def _links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link, the text without tags."""
    return [
        (unescape(href), re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    ]


def _latest_verified(reporting):
    with reporting.demo.inside():
        latest = db.session.scalar(
            select(ReportingPeriod)
            .join(ProgressReport, ProgressReport.period_id == ReportingPeriod.id)
            .where(ProgressReport.status == "verified")
            .order_by(ReportingPeriod.starts_on.desc())
            .limit(1)
        )
        tree = reports.period_rollup(latest, actor=reporting.demo.actor)
        with force_locale("en"):
            return latest.id, periods.period_label(latest), tree


def test_the_dashboard_shows_the_roll_up_with_its_rule_and_links_to_it(client, reporting):
    login(client, "admin@kota-palopo.demo")
    page = client.get(DASHBOARD + "?lang=en").get_data(as_text=True)
    period_id, label, tree = _latest_verified(reporting)
    panel = _section(page, "progress-by-dimension")
    assert label in panel
    overall = f"{tree.rounded:.2f}%"
    rollup_url = f"/t/kota-palopo/reporting/periods/{period_id}/rollup"
    assert (rollup_url, overall) in _links(panel)
    # Each dimension's figure leads to its part of the roll-up page.
    for dim in tree.children:
        assert (f"{rollup_url}#dim-{dim.key}", f"{dim.rounded:.2f}") in _links(panel)
    assert "Weighted by budget" in panel and "Only verified reports count" in panel
    assert f'id="dim-{tree.children[0].key}"' in client.get(rollup_url).get_data(as_text=True)
    status = _section(page, "masterplan-status")
    assert "Enacted" in status and "Version" in status


def test_an_unverified_report_never_counts_until_it_is_verified(client, reporting):
    demo = reporting.demo
    period_id, _label, before = _latest_verified(reporting)
    with demo.inside():
        waiting = db.session.scalar(
            select(ProgressReport)
            .where(ProgressReport.period_id == period_id, ProgressReport.status == "submitted")
            .limit(1)
        )
        waiting_id = waiting.id
        # The secretariat has not verified it: whatever it says does not count.
        waiting.physical_pct = Decimal(100)
        db.session.commit()
    login(client, "admin@kota-palopo.demo")
    panel = _section(client.get(DASHBOARD + "?lang=en").get_data(as_text=True), "progress-by-dimension")
    assert f">{before.rounded:.2f}%<" in panel
    with demo.inside():
        reports.verify_report(waiting_id, actor=demo.actor)
        db.session.commit()
    _pid, _label, after = _latest_verified(reporting)
    assert after.rounded != before.rounded
    panel = _section(client.get(DASHBOARD + "?lang=en").get_data(as_text=True), "progress-by-dimension")
    assert f">{after.rounded:.2f}%<" in panel


def _rows_in(client, url: str) -> int:
    """How many report rows (or program rows) the list at ``url`` shows."""
    html = client.get(url).get_data(as_text=True)
    return len(re.findall(r'<td data-label="[^"]*" class="kc-stack-title">', html))


def test_every_count_leads_to_as_many_rows(client, reporting):
    login(client, "admin@kota-palopo.demo")
    page = client.get(DASHBOARD + "?lang=en").get_data(as_text=True)
    checked = 0
    for section in ("programs-at-risk", "reports-missing", "budget-by-source"):
        for href, text in _links(_section(page, section)):
            count = re.fullmatch(r"(?:Delayed|At risk)?\s*(\d+)", text)
            if count is None or "/reporting/" not in href or "/reports/" in href:
                continue
            assert _rows_in(client, href) == int(count.group(1)), (section, href)
            checked += 1
    assert checked >= 6


def test_an_operator_sees_their_own_opds_reports_missing(client, reporting):
    login(client, "operator.kominfo@palopo.test", PASSWORD)
    page = client.get(DASHBOARD + "?lang=en").get_data(as_text=True)
    missing = _section(page, "reports-missing")
    assert "Your OPDs' programs only." in missing
    names = re.findall(r'class="kc-stack-title"><a [^>]*>([^<]+)</a>', missing)
    assert len(names) == 1 and "Informatika" in names[0]


def test_the_dashboard_reads_a_fixed_number_of_statements(client, reporting):
    demo = reporting.demo
    login(client, "admin@kota-palopo.demo")
    client.get(DASHBOARD)
    with count_queries(demo.app) as few:
        assert client.get(DASHBOARD).status_code == 200
    # More reports: every program of the open period reported, submitted and verified.
    with demo.inside():
        now = periods.current_period(actor=demo.actor)
        current = masterplans.current_masterplan(actor=demo.actor)
        for program in masterplans.list_programs(current.id, actor=demo.actor):
            report = reports.start_report(now.id, program.id, actor=demo.actor)
            if report.status in ("draft", "returned"):
                reports.update_report(
                    report.id, {"progress_status": "at_risk", "physical_pct": "55"}, actor=demo.actor
                )
                reports.submit_report(report.id, actor=demo.actor)
            if report.status == "submitted":
                reports.verify_report(report.id, actor=demo.actor)
        db.session.commit()
    with count_queries(demo.app) as many:
        assert client.get(DASHBOARD).status_code == 200
    assert len(many) == len(few)


def _trend(client) -> list[str]:
    """The trend table's figures, oldest period first."""
    panel = _section(client.get(DASHBOARD + "?lang=en").get_data(as_text=True), "progress-trend")
    return [text for href, text in _links(panel) if href.endswith("/rollup")]


def test_the_trend_follows_the_rule_the_tenant_picks(client, reporting):
    demo = reporting.demo
    login(client, "admin@kota-palopo.demo")

    def live() -> list[str]:
        with demo.inside():
            begun = db.session.scalars(
                select(ReportingPeriod)
                .where(ReportingPeriod.status != "planned")
                .order_by(ReportingPeriod.starts_on.desc())
                .limit(8)
            )
            trees = [reports.period_rollup(p, actor=demo.actor) for p in reversed(list(begun))]
            return [f"{tree.rounded:.2f}" for tree in trees]

    weighted = live()
    assert _trend(client) == weighted
    assert _trend(client) == weighted  # the closed periods' figures kept from the first view
    with demo.inside():
        periods.update_settings({"rollup_rule": "equal"}, actor=demo.actor)
        db.session.commit()
    equal = live()
    assert equal != weighted
    assert _trend(client) == equal


def test_a_renamed_opd_reads_its_new_name_on_the_next_view(client, reporting):
    from app.tenants import services as tenants
    from app.tenants.models import Opd

    demo = reporting.demo
    login(client, "admin@kota-palopo.demo")
    assert "Dinas Komunikasi dan Informatika" in _section(
        client.get(DASHBOARD).get_data(as_text=True), "reports-missing"
    )
    with demo.inside():
        opd_id = db.session.scalar(select(Opd.id).where(Opd.code == "DISKOMINFO"))
        tenants.update_opd(opd_id, {"name": "Dinas Kominfo dan Persandian"}, actor=demo.actor)
        db.session.commit()
    missing = _section(client.get(DASHBOARD).get_data(as_text=True), "reports-missing")
    assert "Dinas Kominfo dan Persandian" in missing
    assert "Dinas Komunikasi dan Informatika" not in missing

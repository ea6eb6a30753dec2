"""The audit pages and API: a tenant admin browses the tenant's log, a platform admin the platform's."""

import re
from datetime import date, timedelta

from app.core.audit import acting_as
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import login
from tests.support.queries import count_queries

PAGE = "/t/kota-palopo/audit"
API = "/api/v1/t/kota-palopo/audit-entries"
ROWS = re.compile(r"<li class=\"list-group-item kc-audit-entry\">")


def _rows(html: str) -> int:
    return len(ROWS.findall(html))


def _add_opds(demo, count: int, first: int = 0) -> None:
    with demo.inside(), acting_as(demo.admin_id, "web"):
        for number in range(first, first + count):
            tenants.create_opd({"code": f"KEC{number:03}", "name": f"Kecamatan {number}"}, actor=demo.actor)
        db.session.commit()


def test_the_tenant_admin_sees_the_writes_made_in_the_demo(palopo, client):
    login(client, "admin@kota-palopo.demo")
    with client.session_transaction() as session:
        session["locale"] = "en"
    html = client.get(f"{PAGE}?object_type=Opd").get_data(as_text=True)
    assert "Audit log" in html
    assert "Dinas Komunikasi dan Informatika" in html  # an OPD the demo seeded, as created
    assert "Admin Kota Palopo" in html and "admin@kota-palopo.demo" in html
    assert "Balikpapan" not in html
    assert 'href="/t/kota-palopo/audit"' in html  # in the menu


def test_filters_narrow_the_log_by_object_type_user_and_day(palopo, client):
    login(client, "admin@kota-palopo.demo")
    everything = _rows(client.get(PAGE).get_data(as_text=True))
    opds = client.get(f"{PAGE}?object_type=Opd").get_data(as_text=True)
    assert 0 < _rows(opds) < everything
    assert "Membership" not in opds.split('id="audit-results"')[1]

    mine = client.get(f"{PAGE}?user_id={palopo.admin_id}").get_data(as_text=True)
    assert _rows(mine) > 0
    nobody = client.get(f"{PAGE}?user_id={palopo.operator_id}").get_data(as_text=True)
    assert _rows(nobody) == 0 and "Nothing recorded for this filter" in nobody

    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert _rows(client.get(f"{PAGE}?since={tomorrow}").get_data(as_text=True)) == 0
    today = (date.today() - timedelta(days=1)).isoformat()
    assert _rows(client.get(f"{PAGE}?since={today}&until={tomorrow}").get_data(as_text=True)) == everything


def test_a_bad_filter_answers_422_naming_the_field(palopo, client):
    login(client, "admin@kota-palopo.demo")
    with client.session_transaction() as session:
        session["locale"] = "en"
    response = client.get(f"{PAGE}?since=2024-02-30")
    assert response.status_code == 422 and '<span class="fw-semibold">From</span>' in response.get_data(
        as_text=True
    )
    response = client.get(f"{PAGE}?since=2024-05-02&until=2024-05-01")
    assert response.status_code == 422 and '<span class="fw-semibold">Until</span>' in response.get_data(
        as_text=True
    )


def test_htmx_gets_only_the_results_and_paging_keeps_the_filter(palopo, client):
    _add_opds(palopo, 60)
    login(client, "admin@kota-palopo.demo")
    swap = {"HX-Request": "true", "HX-Target": "audit-results"}  # what the filter form's htmx sends
    partial = client.get(f"{PAGE}?object_type=Opd", headers=swap).get_data(as_text=True)
    assert "<html" not in partial and _rows(partial) == 50
    assert 'href="/t/kota-palopo/audit?page=2&amp;object_type=Opd"' in partial
    second = client.get(f"{PAGE}?object_type=Opd&page=2").get_data(as_text=True)
    assert _rows(second) == 6 + 60 - 50  # the demo's six OPDs and the sixty added, 50 a page
    assert "<html" in second


def test_only_the_tenant_admin_reads_the_log(palopo, client, app):
    login(client, "opd@kota-palopo.demo")
    assert client.get(PAGE).status_code == 403
    assert 'href="/t/kota-palopo/audit"' not in client.get("/t/kota-palopo/").get_data(as_text=True)
    other = app.test_client()
    login(other, "admin@kota-balikpapan.demo")
    assert other.get(PAGE).status_code == 404
    assert other.get("/admin/audit").status_code == 404


def test_the_platform_admin_sees_platform_events(palopo, client):
    login(client, "admin@kotacerdas.local")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Platform audit log" in html
    assert "kota-palopo" in html and "admin@kota-palopo.demo" in html  # the demo's tenants and users
    assert "***" in html  # password hashes never shown
    tenants_only = client.get("/admin/audit?object_type=Tenant&action=create").get_data(as_text=True)
    assert _rows(tenants_only) == 3


def test_page_and_api_send_the_same_queries_for_a_short_or_long_log(palopo, client):
    login(client, "admin@kota-palopo.demo")

    auth = palopo.token()
    # A token's first use is written once; the counts below compare reads.
    client.get(API, headers=auth)

    def measure():
        counts = []
        for url, headers in [(PAGE, {}), (f"{PAGE}?object_type=Opd&page=2", {}), (API, auth)]:
            with count_queries(palopo.app) as statements:
                assert client.get(url, headers=headers).status_code == 200
            counts.append(len(statements))
        return counts

    _add_opds(palopo, 60)  # a second page to ask for, in the short log too
    few = measure()
    _add_opds(palopo, 120, first=60)
    assert measure() == few


def test_the_api_lists_and_filters_the_log(palopo, client):
    auth = palopo.token()
    base = API
    entries = client.get(f"{base}?object_type=Opd&page_size=100", headers=auth).get_json()
    assert {e["after"]["code"] for e in entries} >= {"DISKOMINFO", "BAPPEDA"}
    assert all(e["user_name"] == "Admin Kota Palopo" for e in entries)
    assert client.get(base, headers=auth).headers["X-Pagination"]
    for query, field in [
        ("since=yesterday", "since"),
        ("user_id=7", "user_id"),
        ("until=2024-13-01", "until"),
    ]:
        response = client.get(f"{base}?{query}", headers=auth)
        assert response.status_code == 422 and field in response.get_json()["errors"], query
    operator = palopo.token(palopo.operator_id)
    assert client.get(base, headers=operator).status_code == 403


def _options(html: str) -> list[str]:
    select = html.split('id="f-type"')[1].split("</select>")[0]
    return re.findall(r"<option value=\"\w*\"[^>]*>([^<]+)</option>", select)


def test_object_types_and_job_kinds_read_as_words_in_both_languages(palopo, client):
    palopo.start("members_export")
    login(client, "admin@kota-palopo.demo")
    indonesian = client.get(f"{PAGE}?lang=id").get_data(as_text=True)
    offered = _options(indonesian)
    for label in (
        "Butir rencana aksi",
        "Rincian anggaran",
        "Analisis kesenjangan",
        "Butir SWOT",
        "Pekerjaan",
    ):
        assert label in offered
    assert not [label for label in offered if re.fullmatch(r"[A-Z][a-z]+([A-Z][a-z]+)+", label)], offered
    assert offered[1:] == sorted(offered[1:], key=str.casefold)  # after "Semua", alphabetical

    jobs = client.get(f"{PAGE}?lang=id&object_type=JobRun").get_data(as_text=True)
    results = jobs.split('id="audit-results"')[1]
    assert "Anggota ke Excel" in results and "members_export" not in results
    # When, to the minute, with the month by name and the zone.
    assert re.search(
        r"\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4} \d{2}\.\d{2} WITA</time>", results
    )

    english = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert {"Action plan item", "Budget line", "SWOT item", "Job"} <= set(_options(english))
    members = client.get(f"{PAGE}?lang=en&object_type=Membership").get_data(as_text=True)
    assert "Tenant admin" in members.split('id="audit-results"')[1]
    assert "tenant_admin" not in members.split('id="audit-results"')[1]
    # Stored codes of the masterplan read as words too.
    masterplans = client.get(f"{PAGE}?lang=en&object_type=Masterplan").get_data(as_text=True)
    results = masterplans.split('id="audit-results"')[1]
    assert "Perwali (mayor&#39;s regulation)" in results and "PERWALI" not in results

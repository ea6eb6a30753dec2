"""The pages: an OPD operator's start page lists their programs this period with what each lacks; the grid
saves every row in one plain form post (all or nothing), or one row at a time with htmx; a report's page
takes figures, evidence and the secretariat's decision."""

import re

from sqlalchemy import select

from app.extensions import db
from app.reporting.models import BudgetRealisation, ProgressReport
from tests.conftest import csrf_token, form_post, login

from .conftest import PASSWORD


def _reports(reporting) -> dict[str, ProgressReport]:
    with reporting.demo.inside():
        rows = db.session.scalars(
            select(ProgressReport).where(ProgressReport.period_id == reporting.period_id)
        )
        by_program = {v: k for k, v in reporting.programs.items()}
        return {by_program[r.program_id]: r for r in rows}


def _grid_url(reporting) -> str:
    return f"/t/kota-palopo/reporting/periods/{reporting.period_id}/grid"


def test_the_operator_sees_only_their_programs_and_what_is_missing(client, reporting):
    login(client, "operator.kominfo@palopo.test", PASSWORD)
    page = client.get(f"/t/kota-palopo/reporting/periods/{reporting.period_id}/grid").get_data(as_text=True)
    for code in ("PLP-S-01", "PLP-S-03", "PLP-G-01", "PLP-B-01"):
        assert code in page
    assert "PLP-S-02" not in page and "PLP-L-01" not in page
    start = client.get("/t/kota-palopo/reporting/").get_data(as_text=True)
    # The start page shows the open period the demo is in, its programs and what their reports lack.
    assert "PLP-S-01" in start and "PLP-S-02" not in start


def test_the_grid_saves_every_row_in_one_plain_post(client, reporting):
    login(client, "operator.kominfo@palopo.test", PASSWORD)
    data = {}
    for n, code in enumerate(("PLP-S-01", "PLP-S-03", "PLP-G-01", "PLP-B-01")):
        prefix = f"row-{reporting.programs[code]}-"
        data.update(
            {
                f"{prefix}present": "1",
                f"{prefix}progress_status": "on_track",
                f"{prefix}physical_pct": f"{20 + n},5",
                f"{prefix}narrative": f"Kegiatan {code} berjalan.",
            }
        )
    response = form_post(client, _grid_url(reporting), data)
    assert response.status_code == 302
    saved = _reports(reporting)
    assert set(saved) == {"PLP-S-01", "PLP-S-03", "PLP-G-01", "PLP-B-01"}
    assert str(saved["PLP-G-01"].physical_pct) == "22.50"
    assert saved["PLP-B-01"].narrative == "Kegiatan PLP-B-01 berjalan."
    page = client.get(_grid_url(reporting)).get_data(as_text=True)
    assert 'value="22,50"' in page  # written the Indonesian way


def test_one_bad_row_saves_nothing_and_keeps_what_was_typed(client, reporting):
    login(client, "operator.kominfo@palopo.test", PASSWORD)
    good, bad = (f"row-{reporting.programs[c]}-" for c in ("PLP-S-01", "PLP-S-03"))
    data = {
        f"{good}present": "1",
        f"{good}physical_pct": "30",
        f"{good}narrative": "tersimpan?",
        f"{bad}present": "1",
        f"{bad}physical_pct": "130",
    }
    response = form_post(client, _grid_url(reporting), data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="130"' in page and "tersimpan?" in page
    assert re.search(rf'id="grid-row-{reporting.programs["PLP-S-03"]}"[^>]*class="table-danger"', page)
    assert _reports(reporting) == {}


def test_htmx_saves_one_row_and_answers_the_row(client, reporting):
    login(client, "opd@kota-palopo.demo")
    pid = reporting.programs["PLP-S-02"]
    url = f"/t/kota-palopo/reporting/periods/{reporting.period_id}/grid/{pid}"
    headers = {
        "HX-Request": "true",
        "HX-Target": f"grid-row-{pid}",
        "X-CSRFToken": csrf_token(client, _grid_url(reporting)),
    }
    prefix = f"row-{pid}-"
    response = client.post(
        url, data={f"{prefix}present": "1", f"{prefix}physical_pct": "12"}, headers=headers
    )
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.startswith("<tr") or row.lstrip().startswith("<tr")
    assert 'class="kc-saved"' in row and 'value="12"' in row
    refused = client.post(url, data={f"{prefix}present": "1", f"{prefix}physical_pct": "-1"}, headers=headers)
    assert refused.status_code == 422 and "table-danger" in refused.get_data(as_text=True)
    assert str(_reports(reporting)["PLP-S-02"].physical_pct) == "12.00"
    # Another OPD's program: not found, nothing started.
    other = reporting.programs["PLP-S-01"]
    stranger = client.post(
        f"/t/kota-palopo/reporting/periods/{reporting.period_id}/grid/{other}",
        data={f"row-{other}-present": "1", f"row-{other}-physical_pct": "5"},
        headers={**headers, "HX-Target": f"grid-row-{other}"},
    )
    assert stranger.status_code == 404
    assert "PLP-S-01" not in _reports(reporting)


def test_the_report_page_takes_figures_and_the_secretariat_returns_it(client, reporting):
    login(client, "opd@kota-palopo.demo")
    start = form_post(
        client,
        f"/t/kota-palopo/reporting/periods/{reporting.period_id}/programs/{reporting.programs['PLP-S-02']}/report",
    )
    assert start.status_code == 302
    url = start.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Tindak kriminal tertangani per tahun" in page and "300.000.000" in page
    saved = form_post(
        client,
        url,
        {
            "progress_status": "delayed",
            "physical_pct": "15",
            "narrative": "Tertunda.",
            "realised-APBD": "Rp 75.000.000,00",
            "action": "submit",
        },
    )
    assert saved.status_code == 302
    report = _reports(reporting)["PLP-S-02"]
    assert (report.status, report.progress_status) == ("submitted", "delayed")
    with reporting.demo.inside():
        realised = db.session.scalar(
            select(BudgetRealisation.realised).where(BudgetRealisation.report_id == report.id)
        )
    assert realised == 75_000_000
    form_post(client, "/logout")
    login(client, "admin@kota-palopo.demo")
    decided = form_post(
        client, url + "/decision", {"action": "return", "comment": "Realisasi anggaran belum sesuai SP2D."}
    )
    assert decided.status_code == 302
    form_post(client, "/logout")
    login(client, "opd@kota-palopo.demo")
    again = client.get(url).get_data(as_text=True)
    assert "Realisasi anggaran belum sesuai SP2D." in again
    assert _reports(reporting)["PLP-S-02"].status == "returned"


def test_the_secretariat_verifies_and_returns_in_bulk_from_the_queue(client, reporting):
    demo = reporting.demo
    from app.reporting import reports

    with demo.inside():
        ids = {}
        for code in ("PLP-S-01", "PLP-S-03", "PLP-G-01"):
            report = reports.start_report(reporting.period_id, reporting.programs[code], actor=demo.actor)
            reports.update_report(
                report.id, {"progress_status": "on_track", "physical_pct": "40"}, actor=demo.actor
            )
            reports.submit_report(report.id, actor=demo.actor)
            ids[code] = str(report.id)
        db.session.commit()
    login(client, "kabid@bappeda-palopo.test", PASSWORD)
    url = f"/t/kota-palopo/reporting/periods/{reporting.period_id}/queue"
    page = client.get(url).get_data(as_text=True)
    assert all(code in page for code in ids)
    # Returning needs a comment: nothing changes without one.
    refused = form_post(client, url, {"report_id": [ids["PLP-S-01"], ids["PLP-S-03"]], "action": "return"})
    assert refused.status_code == 422
    assert {r.status for r in _reports(reporting).values()} == {"submitted"}
    form_post(
        client, url, {"report_id": [ids["PLP-S-01"]], "action": "return", "comment": "Data belum valid."}
    )
    form_post(client, url, {"report_id": [ids["PLP-S-03"], ids["PLP-G-01"]], "action": "verify"})
    states = {code: r.status for code, r in _reports(reporting).items()}
    assert states == {"PLP-S-01": "returned", "PLP-S-03": "verified", "PLP-G-01": "verified"}
    # Filtered by OPD and status.
    verified = client.get(url + "?status=verified").get_data(as_text=True)
    assert "PLP-S-03" in verified and "PLP-S-01" not in verified

"""A period as an Excel workbook: downloaded, filled in with openpyxl as a person would, uploaded back.
The upload writes exactly what was typed, all or nothing, never over a report that changed since the
download or one that is locked, and only on the uploader's own OPDs' programs; the exports open with the
figures the pages show."""

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core.auth import OPD_OPERATOR, Actor
from app.extensions import db
from app.reporting import reports
from app.reporting.models import BudgetRealisation, IndicatorActual, ProgressReport
from app.tenants.models import Opd
from tests.conftest import csrf_token, login

from .conftest import PASSWORD

KOMINFO = ("PLP-B-01", "PLP-G-01", "PLP-S-01", "PLP-S-03")
FORMULA = '=HYPERLINK("http://evil.example","Klik")'


def _url(reporting, tail: str = "") -> str:
    return f"{reporting.base}/periods/{reporting.period_id}/workbook{tail}"


def _download(client, reporting, who="kominfo", **params):
    response = client.get(_url(reporting), headers=reporting.headers(who), query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(response.data))


def _upload(client, reporting, workbook, who="kominfo"):
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return client.post(
        _url(reporting, "/uploads"),
        headers=reporting.headers(who),
        data={"file": (buffer, "laporan.xlsx")},
        content_type="multipart/form-data",
    )


def _rows(ws) -> dict[str, dict]:
    """A sheet's rows by program code (the indicator and budget sheets: by code and the row's key)."""
    header = [c.value for c in ws[1]]
    found = {}
    for cells in ws.iter_rows(min_row=2):
        values = dict(zip(header, cells, strict=False))
        key = values["Kode program"].value
        if "ID indikator" in values:
            key = (key, values["ID indikator"].value)
        elif "Sumber dana" in values:
            key = (key, values["Sumber dana"].value)
        found[key] = values
    return found


def _kominfo(reporting) -> Actor:
    """The DISKOMINFO operator as the services know them (call inside the tenant)."""
    opd = db.session.scalar(select(Opd.id).where(Opd.code == "DISKOMINFO"))
    return Actor(user_id=reporting.users["kominfo"], tenant_role=OPD_OPERATOR, opd_ids=frozenset({opd}))


def _start(reporting, code: str, who="kominfo", **values):
    demo = reporting.demo
    with demo.inside():
        actor = _kominfo(reporting) if who != "admin" else demo.actor
        report = reports.start_report(reporting.period_id, reporting.programs[code], actor=actor)
        if values:
            reports.update_report(report.id, values, actor=actor)
        db.session.commit()
        return report.id


def _state(reporting):
    """Every report of the period with its indicator and budget rows, as plain values."""
    with reporting.demo.inside():
        by_program = {v: k for k, v in reporting.programs.items()}
        found = {}
        for r in db.session.scalars(
            select(ProgressReport).where(ProgressReport.period_id == reporting.period_id)
        ):
            found[by_program[r.program_id]] = {
                "status": r.progress_status,
                "pct": r.physical_pct,
                "narrative": r.narrative,
                "obstacles": r.obstacles,
                "follow_up": r.follow_up,
                "actuals": {
                    a.indicator_id: a.actual
                    for a in db.session.scalars(
                        select(IndicatorActual).where(IndicatorActual.report_id == r.id)
                    )
                },
                "budget": {
                    b.funding_source: b.realised
                    for b in db.session.scalars(
                        select(BudgetRealisation).where(BudgetRealisation.report_id == r.id)
                    )
                },
                "updated_at": r.updated_at,
            }
        audit = db.session.scalar(select(func.count()).select_from(AuditEntry))
        return found, audit


def test_an_operator_fills_in_the_workbook_and_the_upload_writes_exactly_what_was_typed(client, reporting):
    _start(reporting, "PLP-S-01")
    book = _download(client, reporting)
    assert book.sheetnames == ["Laporan", "Indikator", "Anggaran", "Petunjuk"]
    report_rows = _rows(book["Laporan"])
    # The operator's workbook holds their OPD's programs only.
    assert sorted(report_rows) == list(KOMINFO)
    assert report_rows["PLP-S-01"]["Status alur kerja"].value == "Draf"
    assert report_rows["PLP-S-03"]["Status alur kerja"].value == "Belum ada laporan"
    validations = book["Laporan"].data_validations.dataValidation
    assert any("Sesuai rencana" in (v.formula1 or "") for v in validations)
    indicators, budget = _rows(book["Indikator"]), _rows(book["Anggaran"])
    assert indicators and budget and all(key[0] == "PLP-S-01" for key in [*indicators, *budget])
    row = report_rows["PLP-S-01"]
    row["Status kemajuan"].value = "Berisiko"
    row["Realisasi fisik (%)"].value = "12,5"  # typed as text, the Indonesian way
    row["Narasi"].value = "Jaringan fiber tahap 1 selesai."
    row["Kendala"].value = "Cuaca"
    first_indicator = sorted(indicators)[0]
    indicators[first_indicator]["Realisasi"].value = "1.234,5"
    first_source = sorted(budget)[0]
    budget[first_source]["Realisasi (Rp)"].value = "Rp 1.250.000"
    fresh = report_rows["PLP-S-03"]
    fresh["Status kemajuan"].value = "Sesuai rencana"
    fresh["Realisasi fisik (%)"].value = 30
    response = _upload(client, reporting, book)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"started": 1, "updated": 1, "unchanged": 2}
    state, audit = _state(reporting)
    assert sorted(state) == ["PLP-S-01", "PLP-S-03"]  # G-01 and B-01, left empty, are not started
    s01 = state["PLP-S-01"]
    assert (s01["status"], s01["pct"], s01["narrative"], s01["obstacles"], s01["follow_up"]) == (
        "at_risk",
        Decimal("12.50"),
        "Jaringan fiber tahap 1 selesai.",
        "Cuaca",
        None,
    )
    indicator_id = __import__("uuid").UUID(first_indicator[1])
    assert s01["actuals"][indicator_id] == Decimal("1234.5")
    assert [v for k, v in s01["actuals"].items() if k != indicator_id] == [None] * (len(s01["actuals"]) - 1)
    assert s01["budget"][first_source[1]] == 1_250_000
    assert state["PLP-S-03"]["status"] == "on_track" and state["PLP-S-03"]["pct"] == Decimal("30.00")

    # The same file again changes nothing: every row equals what is stored now.
    again = _upload(client, reporting, book)
    assert again.status_code == 200, again.get_json()
    assert again.get_json() == {"started": 0, "updated": 0, "unchanged": 4}
    assert _state(reporting) == (state, audit)


def test_one_bad_row_writes_nothing_and_every_bad_row_is_listed(client, reporting):
    _start(reporting, "PLP-S-01")
    book = _download(client, reporting)
    report_rows = _rows(book["Laporan"])
    report_rows["PLP-S-01"]["Realisasi fisik (%)"].value = 120
    report_rows["PLP-S-03"]["Status kemajuan"].value = "Hampir selesai"
    report_rows["PLP-G-01"]["Narasi"].value = "Baris yang baik"
    budget = _rows(book["Anggaran"])
    budget[sorted(budget)[0]]["Realisasi (Rp)"].value = -5
    # Another OPD's program (DISDIK's PLP-S-02), added by copying its ID in.
    book["Laporan"].append([str(reporting.programs["PLP-S-02"]), "", "PLP-S-02", "", "", "", "Selesai", 50])
    other_row = book["Laporan"].max_row
    before = _state(reporting)
    response = _upload(client, reporting, book)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    rows = {code: cells["Realisasi fisik (%)"].row for code, cells in report_rows.items()}
    assert set(errors) == {
        f"Laporan!H{rows['PLP-S-01']}",
        f"Laporan!G{rows['PLP-S-03']}",
        f"Laporan!A{other_row}",
        "Anggaran!E2",
    }
    assert "0 to 100" in errors[f"Laporan!H{rows['PLP-S-01']}"][0]
    assert "Hampir selesai" in errors[f"Laporan!G{rows['PLP-S-03']}"][0]
    assert "PLP-S-02" in errors[f"Laporan!A{other_row}"][0]
    assert "negative" in errors["Anggaran!E2"][0]
    assert _state(reporting) == before


def test_a_report_changed_after_the_download_is_not_overwritten(client, reporting):
    report_id = _start(reporting, "PLP-S-01", narrative="Versi pertama")
    book = _download(client, reporting)
    with reporting.demo.inside():
        actor = _kominfo(reporting)
        reports.update_report(report_id, {"narrative": "Diubah lewat layar"}, actor=actor)
        db.session.commit()
    row = _rows(book["Laporan"])["PLP-S-01"]
    row["Kendala"].value = "Ditulis di Excel"
    response = _upload(client, reporting, book)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == [f"Laporan!B{row['Kendala'].row}"]
    assert "PLP-S-01" in errors[f"Laporan!B{row['Kendala'].row}"][0]
    assert "changed after this file was downloaded" in errors[f"Laporan!B{row['Kendala'].row}"][0]
    state, _audit = _state(reporting)
    assert state["PLP-S-01"]["narrative"] == "Diubah lewat layar" and state["PLP-S-01"]["obstacles"] is None


def test_a_submitted_report_is_locked_but_its_unchanged_row_is_skipped(client, reporting):
    report_id = _start(reporting, "PLP-S-01", progress_status="on_track", physical_pct="40")
    with reporting.demo.inside():
        reports.submit_report(report_id, actor=_kominfo(reporting))
        db.session.commit()
    book = _download(client, reporting)
    assert _upload(client, reporting, book).get_json() == {"started": 0, "updated": 0, "unchanged": 4}
    row = _rows(book["Laporan"])["PLP-S-01"]
    row["Realisasi fisik (%)"].value = 45
    response = _upload(client, reporting, book)
    assert response.status_code == 422
    assert "locked" in response.get_json()["errors"][f"Laporan!A{row['Narasi'].row}"][0]


def test_numbers_are_read_the_way_the_workbook_language_writes_them(client, reporting):
    _start(reporting, "PLP-S-01")
    book = _download(client, reporting, lang="en")
    assert book.sheetnames == ["Reports", "Indicators", "Budget", "Instructions"]
    ws = book["Indicators"]
    header = [c.value for c in ws[1]]
    actual = ws.cell(row=2, column=header.index("Actual") + 1)
    actual.value = "1,234.5"  # English: a comma groups thousands
    reports_ws = book["Reports"]
    header = [c.value for c in reports_ws[1]]
    codes = [reports_ws.cell(row=r, column=3).value for r in range(2, reports_ws.max_row + 1)]
    row = codes.index("PLP-S-01") + 2
    reports_ws.cell(row=row, column=header.index("Progress status") + 1).value = "Delayed"
    reports_ws.cell(row=row, column=header.index("Physical progress (%)") + 1).value = "7.25"
    response = _upload(client, reporting, book)
    assert response.status_code == 200, response.get_json()
    state, _audit = _state(reporting)
    assert Decimal("1234.5") in state["PLP-S-01"]["actuals"].values()
    assert state["PLP-S-01"]["pct"] == Decimal("7.25") and state["PLP-S-01"]["status"] == "delayed"


def test_a_narrative_that_looks_like_a_formula_round_trips_unchanged(client, reporting):
    _start(reporting, "PLP-S-01", narrative=FORMULA, obstacles="-kurang anggaran")
    book = _download(client, reporting)
    cell = _rows(book["Laporan"])["PLP-S-01"]["Narasi"]
    assert cell.data_type == "s" and cell.value == FORMULA and cell.quotePrefix
    before = _state(reporting)
    response = _upload(client, reporting, book)
    assert response.get_json() == {"started": 0, "updated": 0, "unchanged": 4}
    assert _state(reporting) == before
    assert before[0]["PLP-S-01"]["narrative"] == FORMULA


def test_the_secretariat_exports_every_program_and_the_rollup_with_its_arithmetic(client, reporting):
    from app.reporting import periods

    report_id = _start(reporting, "PLP-S-01", who="admin", progress_status="on_track", physical_pct="40")
    with reporting.demo.inside():
        actor = reporting.demo.actor
        reports.submit_report(report_id, actor=actor)
        reports.verify_report(report_id, actor=actor)
        db.session.commit()
        tree = reports.period_rollup(periods.find_period(reporting.period_id), actor=actor)
    book = _download(client, reporting, who="admin")
    rows = _rows(book["Laporan"])
    assert set(rows) == set(reporting.programs)
    assert rows["PLP-S-01"]["Realisasi fisik (%)"].value == 40
    assert rows["PLP-S-01"]["Status alur kerja"].value == "Terverifikasi"
    # One OPD's workbook.
    with reporting.demo.inside():
        from app.masterplan import services as masterplans

        disdik = next(o.id for o in masterplans.list_opds(actor=reporting.demo.actor) if o.code == "DISDIK")
    assert set(_rows(_download(client, reporting, who="admin", opd_id=str(disdik))["Laporan"])) == {
        "PLP-S-02"
    }

    response = client.get(
        f"{reporting.base}/periods/{reporting.period_id}/rollup/workbook", headers=reporting.headers()
    )
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.data))["Rekapitulasi"]
    header = [c.value for c in ws[1]]
    lines = [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    top = lines[0]
    assert top["Tingkat"] == "Masterplan"
    assert Decimal(str(top["Realisasi fisik (%)"])) == tree.rounded
    dimensions = [line for line in lines if line["Tingkat"] == "Dimensi"]
    assert len(dimensions) == len(tree.children)
    # The dimensions' contributions add up to the masterplan's progress (to the cent of rounding).
    total = sum(Decimal(str(d["Kontribusi (poin %)"] or 0)) for d in dimensions)
    assert abs(total - tree.rounded) <= Decimal("0.01") * len(dimensions)
    program = next(line for line in lines if line["Kode"] == "PLP-S-01")
    assert program["Tingkat"] == "Program" and program["Realisasi fisik (%)"] == 40


def test_a_file_that_is_no_workbook_or_too_large_is_refused(client, reporting, app):
    headers = reporting.headers("kominfo")
    text = client.post(
        _url(reporting, "/uploads"),
        headers=headers,
        data={"file": (BytesIO(b"program;status\n"), "laporan.xlsx")},
        content_type="multipart/form-data",
    )
    assert text.status_code == 422 and "file" in text.get_json()["errors"]
    big = BytesIO(b"PK\x03\x04" + b"0" * (10 * 1024 * 1024 + 1))
    large = client.post(
        _url(reporting, "/uploads"),
        headers=headers,
        data={"file": (big, "laporan.xlsx")},
        content_type="multipart/form-data",
    )
    assert large.status_code == 413
    empty = Workbook()
    empty.active.title = "Lembar1"
    assert _upload(client, reporting, empty).status_code == 422


def test_the_grid_page_downloads_in_the_page_language_and_lists_problems_above_the_form(client, reporting):
    _start(reporting, "PLP-S-01")
    login(client, "operator.kominfo@palopo.test", PASSWORD)
    grid = f"/t/kota-palopo/reporting/periods/{reporting.period_id}/grid"
    page = client.get(grid).get_data(as_text=True)
    assert "workbook.xlsx" in page and 'enctype="multipart/form-data"' in page
    download = client.get(f"/t/kota-palopo/reporting/periods/{reporting.period_id}/workbook.xlsx")
    book = load_workbook(BytesIO(download.data))
    assert book.sheetnames[0] == "Laporan"
    _rows(book["Laporan"])["PLP-S-01"]["Realisasi fisik (%)"].value = 120
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    response = client.post(
        f"/t/kota-palopo/reporting/periods/{reporting.period_id}/workbook",
        data={"file": (buffer, "laporan.xlsx"), "csrf_token": csrf_token(client, grid)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "workbook-problems" in text and "Laporan" in text and "(Realisasi fisik (%))" in text
    assert text.index("workbook-problems") < text.index('enctype="multipart/form-data"')

    client.post("/locale", data={"locale": "en", "csrf_token": csrf_token(client, grid)})
    english = client.get(f"/t/kota-palopo/reporting/periods/{reporting.period_id}/workbook.xlsx")
    assert load_workbook(BytesIO(english.data)).sheetnames[0] == "Reports"


def _statements(reporting, call) -> int:
    from tests.support.queries import count_queries

    with count_queries(reporting.demo.app) as statements:
        response = call()
    assert response.status_code == 200, response.get_data(as_text=True)
    return len(statements)


def _fill(book, codes, narrative: str):
    rows = _rows(book["Laporan"])
    for code in codes:
        rows[code]["Narasi"].value = narrative
        rows[code]["Realisasi fisik (%)"].value = 15


def test_the_download_and_the_upload_cost_the_same_statements_for_one_program_or_many(client, reporting):
    codes = sorted(reporting.programs)
    _start(reporting, codes[0], who="admin")
    headers = reporting.headers()
    client.get(_url(reporting), headers=headers)  # the token's first use is written once

    def download():
        return client.get(_url(reporting), headers=headers)

    few_download = _statements(reporting, download)
    book = load_workbook(BytesIO(download().data))
    _fill(book, codes[:1], "Satu program")
    few_upload = _statements(reporting, lambda: _upload(client, reporting, book, who="admin"))

    for code in codes[1:]:
        _start(reporting, code, who="admin")
    assert _statements(reporting, download) == few_download
    book = load_workbook(BytesIO(download().data))
    _fill(book, codes, "Semua program")
    assert _statements(reporting, lambda: _upload(client, reporting, book, who="admin")) == few_upload
    state, _audit = _state(reporting)
    assert {s["narrative"] for s in state.values()} == {"Semua program"}


def test_a_workbook_stored_first_is_imported_by_its_file_id_and_a_closed_period_refuses_changes(
    client, reporting
):
    from app.reporting import periods

    _start(reporting, "PLP-S-01", who="admin")
    book = _download(client, reporting, who="admin")
    _rows(book["Laporan"])["PLP-S-01"]["Tindak lanjut"].value = "Rapat koordinasi"
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    headers = reporting.headers()
    stored = client.post(
        f"/api/v1/t/{reporting.demo.slug}/files",
        headers=headers,
        data={"file": (buffer, "laporan.xlsx"), "purpose": "import"},
        content_type="multipart/form-data",
    )
    assert stored.status_code == 201, stored.get_json()
    file_id = stored.get_json()["id"]
    with reporting.demo.inside():
        periods.close_period(reporting.period_id, actor=reporting.demo.actor)
        db.session.commit()
    closed = client.post(_url(reporting, "/imports"), headers=headers, json={"file_id": file_id})
    assert closed.status_code == 409
    with reporting.demo.inside():
        periods.reopen_period(reporting.period_id, "Koreksi data", actor=reporting.demo.actor)
        db.session.commit()
    response = client.post(_url(reporting, "/imports"), headers=headers, json={"file_id": file_id})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["updated"] == 1
    assert _state(reporting)[0]["PLP-S-01"]["follow_up"] == "Rapat koordinasi"


def test_the_grid_page_answers_413_and_422_for_an_oversize_or_foreign_file(client, reporting):
    login(client, "operator.kominfo@palopo.test", PASSWORD)
    grid = f"/t/kota-palopo/reporting/periods/{reporting.period_id}/grid"
    upload = f"/t/kota-palopo/reporting/periods/{reporting.period_id}/workbook"
    for body, status in ((b"PK\x03\x04" + b"0" * (10 * 1024 * 1024 + 1), 413), (b"Nama;Status\n", 422)):
        response = client.post(
            upload,
            data={"file": (BytesIO(body), "laporan.xlsx"), "csrf_token": csrf_token(client, grid)},
            content_type="multipart/form-data",
        )
        assert response.status_code == status
        assert "workbook-problems" in response.get_data(as_text=True)
    assert _state(reporting)[0] == {}

"""What an import refuses: a workbook with wrong rows (nothing imported, every wrong row reported), an
enacted version, a file that is no workbook, a file too large, someone who may not import."""

import re
import zipfile
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.core.auth import VIEWER
from app.extensions import db
from app.files.models import StoredFile
from tests.conftest import login
from tests.factories import PASSWORD
from tests.masterplan_exchange.conftest import csrf, enact, job_id, logged_in, upload, workbook_bytes


def _bad_workbook(client, city) -> bytes:
    workbook = load_workbook(BytesIO(client.get(city.url(tail="/template.xlsx")).data))

    def put(sheet, row, values):
        for column, value in enumerate(values, start=1):
            workbook[sheet].cell(row, column, value)

    # A good row: it must not be imported either, since other rows are wrong.
    put("Sasaran", 3, [7, "ENV", None, "Sampah terpilah di sumber"])
    # Program: a code with a space, an unknown dimension, a quick win that is neither Ya nor Tidak, a year
    # outside 2025–2029; a missing name; a duplicate code.
    put(
        "Program",
        3,
        ["PRG 1", "Bank sampah", None, "XYZ", None, None, None, "mungkin", None, None, None, "2031"],
    )
    put("Program", 4, ["P-2", None, None, "SOC"])
    put("Program", 5, ["P-2", "Ronda digital", None, "SOC"])
    # Budget: an unknown program, a year in words, a negative amount; a year outside the period.
    put("Anggaran Program", 3, ["P-404", "dua ribu", "APBD", -5])
    put("Anggaran Program", 4, ["P-2", 2030, "APBD", 1_000_000])
    # Indicator: a goal No that exists nowhere, a baseline that is no number, an unknown OPD.
    put("Indikator", 3, [1, 9, None, "Sampah terpilah", "ton", None, None, "banyak", 2024, None, "DINAS-X"])
    return workbook_bytes(workbook)


EXPECTED = {
    ("Program", 3, "A"),  # PRG 1: not a code
    ("Program", 3, "D"),  # XYZ: no such dimension
    ("Program", 3, "H"),  # mungkin
    ("Program", 3, "L"),  # 2031
    ("Program", 4, "B"),  # name missing
    ("Program", 5, "A"),  # P-2 twice
    ("Anggaran Program", 3, "A"),  # P-404
    ("Anggaran Program", 3, "B"),  # dua ribu
    ("Anggaran Program", 3, "D"),  # -5
    ("Anggaran Program", 4, "B"),  # 2030
    ("Indikator", 3, "B"),  # goal 9
    ("Indikator", 3, "H"),  # banyak
    ("Indikator", 3, "K"),  # DINAS-X
}


def test_a_workbook_with_wrong_rows_imports_nothing_and_reports_every_wrong_row(client, city):
    logged_in(client, city)
    before = city.counts(city.masterplan_id)

    run_id = job_id(upload(client, city, _bad_workbook(client, city)))
    run, report_path = city.job(run_id)
    # Failed on the first attempt, not retried: the same file would give the same report.
    assert (run.status, run.attempts) == ("failed", 1)
    assert run.message.startswith("Nothing was imported: 13 problems in 6 rows.")
    assert run.error == run.message
    assert city.counts(city.masterplan_id) == before

    report = list(load_workbook(BytesIO(report_path.read_bytes())).active.iter_rows(values_only=True))
    assert report[0] == ("Sheet", "Row", "Column", "Column title", "Reason")
    assert {(sheet, row, column) for sheet, row, column, _t, _r in report[1:]} == EXPECTED
    reasons = {(sheet, row, column): reason for sheet, row, column, _t, reason in report[1:]}
    assert "2031: outside the masterplan's period 2025–2029" in reasons[("Program", 3, "L")]
    assert "XYZ is not in the list" in reasons[("Program", 3, "D")]
    assert reasons[("Program", 4, "B")] == "Required."
    assert "same value is on row 4" in reasons[("Program", 5, "A")]
    assert "P-404" in reasons[("Anggaran Program", 3, "A")]
    assert "No goal has No 9" in reasons[("Indikator", 3, "B")]

    # The job's page lists them too, and offers the report.
    page = client.get(f"/t/{city.slug}/jobs/{run_id}").get_data(as_text=True)
    assert "Nothing was imported." in page and "The job found problems and changed nothing." in page
    assert "Run it again" not in page
    back = re.search(r'href="([^"]+)" id="job-link"', page).group(1)
    assert back == f"/t/{city.slug}/masterplans/{city.masterplan_id}/excel-pdf"
    jobs_list = client.get(f"/t/{city.slug}/jobs").get_data(as_text=True)
    assert "Failed" in jobs_list and "Done" not in jobs_list
    listed = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>([A-Z]+) · ", page)
    assert {(s, int(r), c) for s, r, c in listed} == EXPECTED
    link = re.search(rf'href="(/t/{city.slug}/files/[0-9a-f-]+)" id="job-result"', page).group(1)
    assert client.get(link).data == report_path.read_bytes()


def test_a_workbook_without_the_template_columns_is_reported_by_sheet(client, city):
    logged_in(client, city)
    workbook = load_workbook(BytesIO(client.get(city.url(tail="/template.xlsx")).data))
    workbook["Program"].cell(1, 2, "Program")  # the name column renamed
    run, report_path = city.job(job_id(upload(client, city, workbook_bytes(workbook))))
    assert run.status == "failed"
    assert run.message.startswith("Nothing was imported: 1 problem in 1 row.")
    rows = list(
        load_workbook(BytesIO(report_path.read_bytes())).active.iter_rows(min_row=2, values_only=True)
    )
    assert rows == [
        ("Program", 1, None, "Nama Program", "This column is missing: add it back as in the template.")
    ]


def test_an_enacted_version_refuses_imports(client, city):
    logged_in(client, city)
    data = client.get(city.url(tail="/template.xlsx")).data
    enact(city, city.masterplan_id)

    page = client.get(city.url()).get_data(as_text=True)
    assert "Only a draft can be imported into" in page and 'name="file"' not in page
    response = upload(client, city, data)
    assert response.status_code == 409
    assert "read-only" in response.get_data(as_text=True)

    headers = city.token()
    stored = client.post(
        f"/api/v1/t/{city.slug}/files",
        data={"purpose": "import", "file": (BytesIO(data), "masterplan.xlsx")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert stored.status_code == 201
    answer = client.post(
        city.api(tail="/imports"), json={"file_id": stored.get_json()["id"]}, headers=headers
    )
    assert answer.status_code == 409
    assert answer.get_json()["code"] == "conflict"


def _stored_files(city) -> int:
    with city.inside():
        return db.session.scalar(select(func.count()).select_from(StoredFile))


def test_a_file_that_is_no_workbook_is_refused_and_not_kept(client, city):
    logged_in(client, city)
    pdf = upload(client, city, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", filename="masterplan.pdf")
    assert pdf.status_code == 422
    assert "not one of the accepted kinds: .xlsx, .csv" in pdf.get_data(as_text=True)
    csv = upload(client, city, b"Kode,Nama\nP-1,Program\n", filename="masterplan.csv")
    assert csv.status_code == 422
    assert "an Excel workbook (.xlsx) made from the template is needed" in csv.get_data(as_text=True)
    renamed = upload(client, city, b"just text pretending", filename="masterplan.xlsx")
    assert renamed.status_code == 422
    assert _stored_files(city) == 0

    headers = city.token()
    stored = client.post(
        f"/api/v1/t/{city.slug}/files",
        data={"purpose": "import", "file": (BytesIO(b"Kode\nP-1\n"), "program.csv")},
        headers=headers,
        content_type="multipart/form-data",
    )
    answer = client.post(
        city.api(tail="/imports"), json={"file_id": stored.get_json()["id"]}, headers=headers
    )
    assert answer.status_code == 422
    assert "file_id" in answer.get_json()["errors"]


def test_a_workbook_with_an_xml_entity_bomb_fails_without_expanding_it(client, city):
    logged_in(client, city)
    template = client.get(city.url(tail="/template.xlsx")).data
    source, hostile = zipfile.ZipFile(BytesIO(template)), BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="3">'
        '<c r="A3" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, bomb if item.filename == "xl/worksheets/sheet2.xml" else data)
    before = city.counts(city.masterplan_id)
    run, _path = city.job(job_id(upload(client, city, hostile.getvalue())))
    assert run.status == "failed"
    assert run.error == "The file could not be read as an Excel workbook."
    assert city.counts(city.masterplan_id) == before


def test_a_file_over_the_import_limit_is_refused_with_413(client, city):
    logged_in(client, city)
    response = upload(client, city, b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert _stored_files(city) == 0


def test_only_editors_import_but_every_member_exports(client, city):
    email = city.member(VIEWER, "viewer@kota-palopo.test")
    login(client, email, PASSWORD)
    page = client.get(city.url())
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'name="file"' not in text and "Tenant admins and planners import" in text
    assert client.get(city.url(tail="/template.xlsx")).status_code == 200
    data = {"file": (BytesIO(b"PK\x03\x04"), "m.xlsx"), "csrf_token": csrf(client, city.url())}
    assert (
        client.post(city.url(tail="/import"), data=data, content_type="multipart/form-data").status_code
        == 403
    )
    response = client.post(
        city.url(tail="/export"), data={"format": "xlsx", "csrf_token": csrf(client, city.url())}
    )
    run, _path = city.job(job_id(response))
    assert run.status == "succeeded", run.error


def test_another_citys_masterplan_is_not_found(client, city, app):
    from tests.masterplan_exchange.conftest import create_city

    other = create_city(app, "64.71", "kota-balikpapan")
    logged_in(client, other)
    foreign = f"/t/{other.slug}/masterplans/{city.masterplan_id}/excel-pdf"
    assert client.get(foreign).status_code == 404
    assert client.get(foreign + "/template.xlsx").status_code == 404
    assert (
        client.post(
            foreign + "/export", data={"format": "pdf", "csrf_token": csrf(client, "/account/tokens")}
        ).status_code
        == 404
    )

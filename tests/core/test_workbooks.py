"""Uploaded workbooks: refused when too large (413) or not an Excel workbook (422); read by headers in
either language, with empty rows skipped, a missing column named, and text kept as it was typed."""

from io import BytesIO

import pytest
from openpyxl import Workbook

from app.core.errors import ValidationFailed
from app.core.exports import append_row
from app.core.files import PayloadTooLarge
from app.core.workbooks import read_sheets, received_workbook

WANTED = {
    "people": {
        "_titles": ("Orang", "People"),
        "name": ("Nama", "Name"),
        "note": ("Catatan", "Note"),
    }
}


def _bytes(build) -> BytesIO:
    workbook = Workbook()
    build(workbook.active)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_rows_are_read_by_headers_in_either_language_and_text_stays_as_typed(app_ctx):
    def build(ws):
        ws.title = "People"
        ws.append(["Note", "  name "])
        append_row(ws, ["=SUM(A1)", "Andi"])
        ws.append([None, None])
        ws.append(["'=1+1", " Budi "])

    with received_workbook(_bytes(build), 1024 * 1024) as path:
        found, problems = read_sheets(path, WANTED)
    assert problems == []
    rows = found["people"]
    assert rows.letters == {"name": "B", "note": "A"}
    assert rows.rows == [(2, {"name": "Andi", "note": "=SUM(A1)"}), (4, {"name": "Budi", "note": "=1+1"})]


def test_a_missing_column_is_a_problem_naming_it(app_ctx):
    def build(ws):
        ws.title = "Orang"
        ws.append(["Nama"])
        ws.append(["Andi"])

    with received_workbook(_bytes(build), 1024 * 1024) as path:
        _found, problems = read_sheets(path, WANTED)
    assert [(p.sheet, p.row, p.title) for p in problems] == [("Orang", 1, "Catatan")]


def test_too_large_is_413_and_not_a_workbook_is_422(app_ctx):
    oversize = BytesIO(b"PK\x03\x04" + b"0" * 2048)
    with pytest.raises(PayloadTooLarge), received_workbook(oversize, 1024):
        pass
    text = BytesIO(b"Nama;Catatan\nAndi;-\n")
    with pytest.raises(ValidationFailed) as refused, received_workbook(text, 1024 * 1024):
        pass
    assert "file" in refused.value.errors

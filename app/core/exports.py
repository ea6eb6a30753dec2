"""Cells for every XLSX and CSV the product writes: text stays text, it never becomes a formula.

Spreadsheet programs run a cell that starts with ``=`` as a formula, and on typing, editing or opening a
CSV also one that starts with ``+``, ``-``, ``@``, a tab or a carriage return, or with the full-width
forms (＝ ＋ － ＠) that an Asian keyboard's input method types. A member named
``=HYPERLINK("http://evil.example", "Klik")`` would then be a live link in whoever opens the export.

- XLSX: such a text is written as a string cell, never a formula (openpyxl would make it one), with the
  "quote prefix" style, so Excel and LibreOffice keep it text even when the cell is edited.
- CSV: such a text gets a leading apostrophe (OWASP's advice for CSV injection); ``imported_text``
  removes it again when a file comes back, so the apostrophe never reaches the data.

Numbers, dates and booleans are written as they are: -5 is a number, not text.
"""

from collections.abc import Iterable

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill

# What a spreadsheet may read as the start of a formula: = + - @, tab, carriage return, and the
# full-width forms of the four signs (U+FF1D, U+FF0B, U+FF0D, U+FF20).
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
CSV_GUARD = "'"


def starts_like_formula(value) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def _guarded_on_import(text: str) -> bool:
    """Text that ``imported_text`` shortens by one apostrophe: apostrophes before a formula's first
    character. Writers add one more to such a text, so what was typed so comes back whole."""
    unquoted = text.lstrip(CSV_GUARD)
    return len(unquoted) < len(text) and starts_like_formula(unquoted)


def _mistyped(text: str) -> bool:
    """Text that openpyxl would not write as plain text: a formula, an error code (#N/A), or one that
    ``as_text`` changes."""
    return starts_like_formula(text) or text in ERROR_CODES or _guarded_on_import(text)


# --- XLSX ---------------------------------------------------------------------------------------------


def as_text(cell: Cell) -> Cell:
    """Make a text cell show exactly its text: never a formula (nor an error code such as #N/A)."""
    value = cell.value
    if not isinstance(value, str):
        return cell
    if _guarded_on_import(value):
        # '=x typed on purpose: one more apostrophe, so reading the file back gives '=x again.
        cell.value = value = CSV_GUARD + value
    cell.data_type = "s"
    if starts_like_formula(value):
        cell.quotePrefix = True
    return cell


def xlsx_cell(
    ws,
    value,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> Cell:
    """A cell for ``ws`` (write-only or not) holding ``value``, styled; text is written as text."""
    cell = WriteOnlyCell(ws, value=value)
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    if number_format:
        cell.number_format = number_format
    return as_text(cell)


def xlsx_row(ws, values: Iterable) -> list:
    """``values`` ready for ``ws.append``: a text that would not be written as plain text becomes a text
    cell; other texts, cells made by ``xlsx_cell``, numbers, dates and empty cells stay as they are (a
    write-only sheet writes plain values without making a cell for each)."""
    row = []
    for value in values:
        if isinstance(value, Cell):
            row.append(as_text(value))
        elif isinstance(value, str) and _mistyped(value):
            row.append(as_text(WriteOnlyCell(ws, value=value)))
        else:
            row.append(value)
    return row


def append_row(ws, values: Iterable) -> None:
    """Append one row to a worksheet, texts as text (see ``xlsx_row``)."""
    ws.append(xlsx_row(ws, values))


# --- CSV ----------------------------------------------------------------------------------------------


def csv_field(value):
    """A value for ``csv.writer``: a text a spreadsheet would run gets a leading apostrophe."""
    if isinstance(value, str) and (starts_like_formula(value) or _guarded_on_import(value)):
        return CSV_GUARD + value
    return value


def csv_row(values: Iterable) -> list:
    """A row for ``csv.writer.writerow``, each field through ``csv_field``."""
    return [csv_field(value) for value in values]


# --- reading back -------------------------------------------------------------------------------------


def imported_text(value):
    """A cell read from an uploaded file, without the apostrophe ``csv_field`` put before a formula's
    first character (a CSV opened and saved again as a workbook keeps it as typed)."""
    if isinstance(value, str) and _guarded_on_import(value):
        return value[1:]
    return value

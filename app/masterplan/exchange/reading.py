"""Reading a filled-in masterplan workbook, and the report of its problems.

Only the template's sheets are read, each row as {column key: cell value}; an unreadable or hostile file
(openpyxl parses through defusedxml, which refuses entity declarations) is refused as a whole, and so is
one that would unpack to too much (checked again here: the file may have been stored before the limits).
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app.core.errors import DomainError
from app.core.exports import append_row, imported_text, xlsx_cell
from app.core.files import check_archive
from app.masterplan.exchange.shape import (
    DEFAULT_LANGUAGE,
    HINT_ROW,
    ID_COLUMN,
    INSTRUCTIONS_SHEET,
    LANGUAGE_LABEL,
    LANGUAGES,
    SHEETS,
    TARGET_HEADER_RE,
    Sheet,
    hint_texts,
    hint_texts_of,
    normalise_header,
)

# A sheet longer than this is refused: no masterplan needs it (a large city's 1,000 programs over five
# years make 5,000 budget lines), and every row read and every problem found is held in memory: at this
# many rows on every sheet, all wrong, a worker stays within the figures of docs/PERFORMANCE.md.
MAX_ROWS_PER_SHEET = 20_000


class UnreadableWorkbook(Exception):
    """The file is no masterplan workbook at all (the job fails with this message)."""


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None  # the column's letter in the uploaded file
    title: str | None  # the column's title
    reason: str


@dataclass
class SheetRows:
    sheet: Sheet
    letters: dict[str, str]  # column key → its letter in this file
    target_letters: dict[int, str]  # indicators: year → letter of its "Target <year>" column
    rows: list[tuple[int, dict]]  # (row number, {column key or year: cell value})


# --- reading --------------------------------------------------------------------------------------------


def read_workbook(path: Path) -> tuple[dict[str, SheetRows], list[Problem], str]:
    """The template's sheets found in the file, with their non-empty rows, problems of shape (a
    missing column, too many rows) and the workbook's language (its numbers are written that way).
    Sheets left out of the file are simply not imported."""
    problems: list[Problem] = []
    found: dict[str, SheetRows] = {}
    language = DEFAULT_LANGUAGE
    try:
        check_archive(path)
    except DomainError as error:
        raise UnreadableWorkbook(str(error.message)) from None
    # Opened by handle: openpyxl judges a path by its extension, and stored files have none.
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise UnreadableWorkbook(_("The file could not be read as an Excel workbook.")) from error
        try:
            by_title = {normalise_header(ws.title): ws for ws in workbook.worksheets}
            instructions = by_title.get(normalise_header(INSTRUCTIONS_SHEET))
            if instructions is not None:
                language = _language(instructions)
            for sheet in SHEETS:
                ws = by_title.get(normalise_header(sheet.title))
                if ws is not None:
                    rows = _read_sheet(ws, sheet, problems)
                    if rows is not None:
                        found[sheet.key] = rows
        except Exception as error:  # noqa: BLE001 - sheets are parsed as they are read: a broken or
            # hostile one (defusedxml refuses entity declarations) fails here, not on opening
            raise UnreadableWorkbook(_("The file could not be read as an Excel workbook.")) from error
        finally:
            workbook.close()
    if not found and not problems:
        names = ", ".join(s.title for s in SHEETS)
        raise UnreadableWorkbook(
            _(
                "The workbook has none of the template's sheets (%(names)s): "
                "download the template and fill it in.",
                names=names,
            )
        )
    return found, problems, language


def _language(ws) -> str:
    """The language the workbook was written in, from its instructions sheet (Indonesian when not said:
    the template's titles are Indonesian)."""
    for row in ws.iter_rows(max_row=20, max_col=2, values_only=True):
        if len(row) == 2 and normalise_header(row[0]) == normalise_header(LANGUAGE_LABEL):
            stated = str(row[1] or "").strip()[:2].lower()
            return stated if stated in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _clean_cell(value):
    if isinstance(value, str):
        # Without the apostrophe a CSV export puts before =, +, - or @ (app.core.exports).
        value = imported_text(value.strip()).strip()
        return value or None
    return value


def _read_sheet(ws, sheet: Sheet, problems: list[Problem]) -> SheetRows | None:
    ws.reset_dimensions()  # some programs write a wrong size into the file; read what is there
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {normalise_header(v): i for i, v in enumerate(header) if _clean_cell(v) is not None}
    columns, missing = {}, []
    for column in sheet.columns:
        index = positions.get(normalise_header(column.header))
        if index is None:
            missing.append(column)
        else:
            columns[column.key] = index
    for column in missing:
        problems.append(
            Problem(
                sheet.title,
                1,
                None,
                column.header,
                _("This column is missing: add it back as in the template."),
            )
        )
    if missing:
        return None
    # The ID column is read where the file has it (a workbook made before it existed has none: its rows
    # are new).
    if sheet.stable_id and (index := positions.get(normalise_header(ID_COLUMN.header))) is not None:
        columns[ID_COLUMN.key] = index
    targets = {}
    if sheet.yearly_targets:
        for title, index in positions.items():
            if match := TARGET_HEADER_RE.match(title):
                targets[int(match.group(1))] = index
    hints = hint_texts(sheet) | hint_texts_of(ID_COLUMN)
    data = []
    for number, values in enumerate(rows, start=2):
        values = [_clean_cell(v) for v in values]
        cells = {key: values[i] if i < len(values) else None for key, i in columns.items()}
        cells.update({year: values[i] if i < len(values) else None for year, i in targets.items()})
        if all(v is None for v in cells.values()):
            continue  # empty, or only notes beside the template's columns
        if number == HINT_ROW and any(v in hints for v in values if isinstance(v, str)):
            continue
        if len(data) >= MAX_ROWS_PER_SHEET:
            problems.append(
                Problem(
                    sheet.title,
                    number,
                    None,
                    None,
                    _("More than %(n)s rows: split the workbook.", n=MAX_ROWS_PER_SHEET),
                )
            )
            break
        data.append((number, cells))
    letters = {key: get_column_letter(i + 1) for key, i in columns.items()}
    return SheetRows(sheet, letters, {y: get_column_letter(i + 1) for y, i in targets.items()}, data)


# --- the report of problems --------------------------------------------------------------------------------


def report_workbook(problems: list[Problem]) -> bytes:
    """The problems as a workbook: one line each, in sheet and row order. Written row by row (write-only):
    a workbook with every row wrong has hundreds of thousands of problems."""
    order = {s.title: i for i, s in enumerate(SHEETS)}
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("Problems")[:31])
    for letter, width in zip("ABCDE", (18, 8, 8, 24, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="833C0B")
    titles = [_("Sheet"), _("Row"), _("Column"), _("Column title"), _("Reason")]
    ws.append([xlsx_cell(ws, title, header_font, header_fill) for title in titles])
    for p in sorted_problems(problems, order):
        append_row(ws, [p.sheet, p.row, p.column, p.title, p.reason])  # a reason may quote a cell: text
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sorted_problems(problems: list[Problem], order: dict | None = None) -> list[Problem]:
    order = order or {s.title: i for i, s in enumerate(SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, 99), p.row or 0, p.column or ""))


def read_report(path: Path, limit: int | None = None) -> tuple[list[Problem], int]:
    """The problems of a stored report (the first ``limit``), and how many it holds, for the job page."""
    with path.open("rb") as handle:
        workbook = load_workbook(handle, read_only=True)
        try:
            problems, total = [], 0
            for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True):
                total += 1
                if limit is None or len(problems) < limit:
                    problems.append(Problem(*(list(row) + [None] * 5)[:5]))
            return problems, total
        finally:
            workbook.close()

"""Uploaded workbooks, read safely: the size checked as it arrives (413), the content judged as an Excel
workbook (422 otherwise), the archive checked before anything unpacks it, then each sheet's rows read as
{column key: cell value} by headers written in any of the languages the template was made in.

For imports that check a whole file before writing any of it; the problem list they build names each
cell by sheet, row and column (``CellProblem``)."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.core.errors import ValidationFailed
from app.core.exports import imported_text
from app.core.files import PayloadTooLarge, check_archive, sniff
from app.core.i18n import format_file_size

CHUNK = 64 * 1024


@dataclass(frozen=True)
class CellProblem:
    """What is wrong, where: the sheet's title, the row's number, the column's letter and title."""

    sheet: str
    row: int | None
    column: str | None
    title: str | None
    reason: object  # a message, lazy where people read it

    @property
    def where(self) -> str:
        """Laporan!H5: the cell as a spreadsheet names it (the sheet alone, or its row, when no cell)."""
        cell = f"{self.column or ''}{self.row or ''}"
        return f"{self.sheet}!{cell}" if cell else self.sheet


@dataclass
class SheetRows:
    """A sheet's data rows, each (row number, {column key: value}), and each column's letter."""

    title: str
    letters: dict[str, str]
    titles: dict[str, str]
    rows: list[tuple[int, dict]]


@contextmanager
def received_workbook(source: BinaryIO, max_bytes: int) -> Iterator[Path]:
    """The uploaded stream as a temporary file, removed afterwards: 413 past ``max_bytes``, 422 when it is
    not an Excel workbook (.xlsx) or would unpack to too much."""
    with tempfile.TemporaryDirectory(prefix="kc-workbook-") as folder:
        path = Path(folder) / "upload.xlsx"
        size = 0
        with path.open("wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    limit = LazyString(format_file_size, max_bytes)
                    raise PayloadTooLarge(_l("the file is larger than %(limit)s", limit=limit))
                out.write(chunk)
        check_workbook(path, size)
        yield path


def check_workbook(path: Path, size: int | None = None) -> None:
    """Refuse (422) a file that is empty or no Excel workbook; 413 when it would unpack to too much."""
    if size == 0 or (size is None and path.stat().st_size == 0):
        raise ValidationFailed.field("file", _l("the file is empty"))
    kind = sniff(path, path.name)
    if kind is None or kind.name != "xlsx":
        raise ValidationFailed.field("file", _l("an Excel workbook (.xlsx) made from the template is needed"))
    check_archive(path)


def normalised(value) -> str:
    """A header or a choice as compared: trimmed, spaces collapsed, case folded."""
    return " ".join(str(value or "").split()).casefold()


def read_sheets(
    path: Path, wanted: dict[str, dict[str, tuple[str, ...]]], max_rows: int = 20_000
) -> tuple[dict[str, SheetRows], list[CellProblem]]:
    """The sheets of ``wanted`` (key → {column key: its headers in each language}) found in the file,
    by any of their titles (``titles``), with their non-empty rows; a missing column or too many rows is
    a problem. Cells are trimmed, empty ones None; text keeps what it was typed as (the apostrophe a CSV
    export puts before a formula's first character is removed)."""
    found: dict[str, SheetRows] = {}
    problems: list[CellProblem] = []
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise ValidationFailed.field(
                "file", _l("the file could not be read as an Excel workbook")
            ) from None
        try:
            by_title = {normalised(ws.title): ws for ws in workbook.worksheets}
            for key, columns in wanted.items():
                ws = next(
                    (by_title[normalised(t)] for t in columns["_titles"] if normalised(t) in by_title), None
                )
                if ws is not None:
                    found[key] = _read(ws, columns, problems, max_rows)
        except ValidationFailed:
            raise
        except Exception:  # noqa: BLE001 - a broken sheet fails as it is read, not on opening
            raise ValidationFailed.field(
                "file", _l("the file could not be read as an Excel workbook")
            ) from None
        finally:
            workbook.close()
    return found, problems


def cell_value(value):
    """A cell as an import reads it: text trimmed and without a CSV guard, empty text None."""
    if isinstance(value, str):
        value = str(imported_text(value.strip())).strip()
        return value or None
    return value


def _read(ws, columns: dict, problems: list[CellProblem], max_rows: int) -> SheetRows:
    ws.reset_dimensions()  # some programs write a wrong size into the file; read what is there
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {normalised(v): i for i, v in enumerate(header) if cell_value(v) is not None}
    index, titles = {}, {}
    for key, headers in columns.items():
        if key == "_titles":
            continue
        at = next((positions[normalised(h)] for h in headers if normalised(h) in positions), None)
        titles[key] = headers[0]
        if at is None:
            problems.append(
                CellProblem(
                    ws.title,
                    1,
                    None,
                    headers[0],
                    _l("This column is missing: add it back as in the template."),
                )
            )
        else:
            index[key] = at
    data: list[tuple[int, dict]] = []
    for number, values in enumerate(rows, start=2):
        cells = {key: cell_value(values[i]) if i < len(values) else None for key, i in index.items()}
        if all(v is None for v in cells.values()):
            continue
        if len(data) >= max_rows:
            problems.append(
                CellProblem(
                    ws.title,
                    number,
                    None,
                    None,
                    _l("More than %(n)s rows: split the workbook.", n=max_rows),
                )
            )
            break
        data.append((number, cells))
    letters = {key: get_column_letter(i + 1) for key, i in index.items()}
    return SheetRows(ws.title, letters, titles, data)

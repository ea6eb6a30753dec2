"""Importing a filled-in masterplan workbook into a draft.

Every row of every sheet is checked first, against the masterplan's framework, the code lists, the
tenant's OPDs, the period and the other rows (of the workbook and of the masterplan). One wrong row and
nothing is written: the report names the sheet, row, column and reason of every problem. Otherwise the
rows are written in one transaction: a row whose key (see ``shape``) the masterplan holds updates it,
any other row is added; a value already equal is left alone, so importing the same workbook twice
changes nothing the second time.

The masterplan is read whole once (``load_content``); new rows are inserted in batches and only rows
whose values differ are updated, so the query count does not grow with the size of the workbook.
"""

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app.core.db import new_id
from app.extensions import db
from app.masterplan.common import MAX_YEAR, MIN_YEAR
from app.masterplan.content import MasterplanContent
from app.masterplan.exchange.shape import (
    HINT_ROW,
    MISSION,
    SHEETS,
    TARGET_HEADER_RE,
    VISION,
    Sheet,
    code_lists,
    normalise_header,
)
from app.masterplan.models import (
    PART_MODELS,
    ActionItem,
    BudgetLine,
    GapAnalysis,
    Goal,
    Indicator,
    IndicatorTarget,
    Mission,
    MissionDimension,
    Program,
    ProgramOpd,
    ProgramPartner,
    ProgramStrategy,
    ReadinessEntry,
    Strategy,
    SwotItem,
)
from app.masterplan.programs import CODE_RE, MAX_AMOUNT

# A sheet longer than this is refused: no masterplan needs it, and a crafted file must not exhaust memory.
MAX_ROWS_PER_SHEET = 50_000
TRUE_WORDS = {"ya", "y", "yes", "true", "1", "x", "✓"}
FALSE_WORDS = {"tidak", "t", "no", "n", "false", "0", "-"}
NUMBER_RE = re.compile(r"^-?\d+(?:[.,]\d+)?$")
GROUPED_RUPIAH_RE = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
YEAR_RANGE_RE = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")


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


def read_workbook(path: Path) -> tuple[dict[str, SheetRows], list[Problem]]:
    """The template's sheets found in the file, with their non-empty rows, and problems of shape (a
    missing column, too many rows). Sheets left out of the file are simply not imported."""
    problems: list[Problem] = []
    found: dict[str, SheetRows] = {}
    # Opened by handle: openpyxl judges a path by its extension, and stored files have none.
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise UnreadableWorkbook(_("The file could not be read as an Excel workbook.")) from error
        try:
            by_title = {normalise_header(ws.title): ws for ws in workbook.worksheets}
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
    return found, problems


def _clean_cell(value):
    if isinstance(value, str):
        value = value.strip()
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
    targets = {}
    if sheet.yearly_targets:
        for title, index in positions.items():
            if match := TARGET_HEADER_RE.match(title):
                targets[int(match.group(1))] = index
    hints = {c.hint for c in sheet.columns}
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


# --- checking one row ---------------------------------------------------------------------------------------


class Cells:
    """One row's cells, read as the column expects; each problem is recorded against its column."""

    def __init__(self, check: "ImportCheck", rows: SheetRows, number: int, cells: dict):
        self.check, self.rows, self.row_number, self.cells = check, rows, number, cells
        self.ok = True
        self.columns = {c.key: c for c in rows.sheet.columns}

    def fail(self, key, reason: str) -> None:
        self.ok = False
        if isinstance(key, int):  # a yearly target column
            letter, title = self.rows.target_letters.get(key), f"Target {key}"
        else:
            letter, title = self.rows.letters.get(key), self.columns[key].header
        self.check.problems.append(Problem(self.rows.sheet.title, self.row_number, letter, title, reason))

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        value = self.cells.get(key)
        if value is None:
            if required:
                self.fail(key, _("Required."))
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value).strip()
        if max_length and len(value) > max_length:
            self.fail(
                key, _("At most %(n)s characters (this has %(length)s).", n=max_length, length=len(value))
            )
            return None
        return value

    def integer(self, key, *, required: bool = False, minimum: int = 1) -> int | None:
        value = self.cells.get(key)
        if value is None:
            if required:
                self.fail(key, _("Required."))
            return None
        number = _as_int(value)
        if number is None or number < minimum:
            self.fail(key, _("A whole number from %(n)s.", n=minimum))
            return None
        return number

    def number(self, key) -> float | None:
        value = self.cells.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str) and NUMBER_RE.match(value.replace(" ", "")):
            number = float(value.replace(" ", "").replace(",", "."))
        else:
            number = None
        if number is None:
            self.fail(key, _("A number (this is %(value)s).", value=_shown(value)))
        return number

    def year(self, key, *, required: bool = False, in_period: bool = True) -> int | None:
        value = self.cells.get(key)
        if value is None:
            if required:
                self.fail(key, _("Required."))
            return None
        year = _as_int(value)
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            self.fail(key, _("A year (this is %(value)s).", value=_shown(value)))
            return None
        if in_period and not self.in_period(key, year):
            return None
        return year

    def in_period(self, key, year: int) -> bool:
        mp = self.check.content.masterplan
        if mp.period_start <= year <= mp.period_end:
            return True
        self.fail(
            key,
            _(
                "%(year)s is outside the masterplan's period %(start)s–%(end)s.",
                year=year,
                start=mp.period_start,
                end=mp.period_end,
            ),
        )
        return False

    def years(self, key) -> list[int]:
        value = self.cells.get(key)
        if value is None:
            return []
        years: set[int] = set()
        for part in _parts(value):
            if match := YEAR_RANGE_RE.match(part):
                first, last = int(match.group(1)), int(match.group(2))
                found = list(range(first, last + 1)) if first <= last <= first + 50 else None
            else:
                single = _as_int(part)
                found = [single] if single is not None and MIN_YEAR <= single <= MAX_YEAR else None
            if found is None:
                self.fail(
                    key, _("Years separated by commas, e.g. 2025, 2026 (%(part)s is not one).", part=part)
                )
                return []
            years.update(found)
        mp = self.check.content.masterplan
        outside = [str(y) for y in sorted(years) if not mp.period_start <= y <= mp.period_end]
        if outside:
            self.fail(
                key,
                _(
                    "%(years)s: outside the masterplan's period %(start)s–%(end)s.",
                    years=", ".join(outside),
                    start=mp.period_start,
                    end=mp.period_end,
                ),
            )
            return []
        return sorted(years)

    def choice(self, key, list_key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is None:
            return None
        found = self.check.choices[list_key].get(value.casefold())
        if found is None:
            self.fail(
                key,
                _(
                    "%(value)s is not in the list: %(codes)s.",
                    value=value,
                    codes=self.check.offered(list_key),
                ),
            )
        return found

    def codes(self, key, list_key: str) -> list[str]:
        value = self.cells.get(key)
        if value is None:
            return []
        found, unknown = [], []
        for part in _parts(value):
            code = self.check.choices[list_key].get(part.casefold())
            (found if code else unknown).append(code or part)
        if unknown:
            self.fail(
                key,
                _(
                    "Not in the list: %(unknown)s (offered: %(codes)s).",
                    unknown=", ".join(unknown),
                    codes=self.check.offered(list_key),
                ),
            )
        return list(dict.fromkeys(found))

    def flag(self, key) -> bool:
        value = self.cells.get(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        number = _as_int(value)
        word = (str(number) if number is not None else str(value)).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.fail(key, _("Ya or Tidak."))
        return False

    def amount(self, key, *, required: bool = False) -> int | None:
        value = self.cells.get(key)
        if value is None:
            if required:
                self.fail(key, _("Required."))
            return None
        if isinstance(value, str):
            # People paste "Rp 1.250.000.000"; dots that group thousands are read as such.
            text = value.replace("Rp", "").replace("rp", "").replace(" ", "").rstrip(",-")
            value = text.replace(".", "") if GROUPED_RUPIAH_RE.match(text) else text
        amount = _as_int(value)
        if amount is None or not 0 <= amount <= MAX_AMOUNT:
            self.fail(
                key, _("An amount in whole Rupiah, not negative (this is %(value)s).", value=_shown(value))
            )
            return None
        return amount

    def code(self, key, *, required: bool = True) -> str | None:
        """A program or strategy code: letters and digits joined by dots or dashes."""
        value = self.text(key, required=required, max_length=30)
        if value is not None and not CODE_RE.match(value):
            self.fail(
                key,
                _(
                    "Letters and digits joined by dots or dashes, e.g. S.1.1 (this is %(value)s).",
                    value=value,
                ),
            )
            return None
        return value


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _parts(value) -> list[str]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [p.strip() for p in re.split(r"[,;\n]", str(value)) if p.strip()]


def _shown(value) -> str:
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


# --- checking the whole workbook --------------------------------------------------------------------------


@dataclass
class Wanted:
    """A checked row: where it came from, its key, the values of its columns and what it points at."""

    number: int
    key: object
    values: dict
    links: dict = field(default_factory=dict)


@dataclass
class _Node:
    """A strategy as the masterplan will hold it after the import."""

    dimension_id: uuid.UUID | None
    sub_dimension_id: uuid.UUID | None
    parent: str | None
    row: Wanted | None = None


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportCheck:
    """Checks every row of a workbook against a masterplan; ``write`` then writes them (all or none)."""

    def __init__(self, content: MasterplanContent, sheets: dict[str, SheetRows], problems: list[Problem]):
        self.content, self.sheets, self.problems = content, sheets, problems
        self.refs = content.refs
        lists = code_lists(self.refs)
        self.choices = {key: {code.casefold(): code for code, _m in cl.entries} for key, cl in lists.items()}
        self.wanted: dict[str, list[Wanted]] = {}
        self.vision: str | None = None
        self.outcome: dict[str, Outcome] = defaultdict(Outcome)

    def offered(self, list_key: str) -> str:
        codes = list(self.choices[list_key].values())
        return ", ".join(codes[:12]) + (", …" if len(codes) > 12 else "")

    def check(self) -> bool:
        """Check every row; True when the workbook can be written as it is."""
        for key in ("missions", "readiness", "gaps", "swot", "goals", "strategies", "programs"):
            getattr(self, f"_check_{key}")()
        # These point at goals and programs, checked above.
        for key in ("indicators", "budget", "partners", "actions"):
            getattr(self, f"_check_{key}")()
        self._check_strategy_tree()
        return not self.problems

    # --- helpers -------------------------------------------------------------------------------------------

    def _rows(self, key: str):
        rows = self.sheets.get(key)
        for number, cells in rows.rows if rows else ():
            yield Cells(self, rows, number, cells)

    def _raw_column(self, sheet: str, key: str) -> set:
        """A column's values on every row, good or not: a row that points at a row with problems gets
        no second problem for it (the first one is what needs fixing)."""
        rows = self.sheets.get(sheet)
        return {cells.get(key) for _n, cells in rows.rows if cells.get(key) is not None} if rows else set()

    @staticmethod
    def _unique(cells: Cells, column: str, key, seen: dict) -> bool:
        if key in seen:
            cells.fail(column, _("The same value is on row %(row)s.", row=seen[key]))
            return False
        seen[key] = cells.row_number
        return True

    def _numbered(self, cells: Cells, seen: dict) -> int | None:
        """The row's "No" as a position (No 1 is position 0), unique on its sheet."""
        number = cells.integer("no", required=True)
        if number is not None and self._unique(cells, "no", number, seen):
            return number - 1
        return None

    def _placement(self, cells: Cells, *, required: bool = True):
        """The (dimension, sub-dimension) a row names; a sub-dimension alone implies its dimension."""
        has_dimension = "dimension" in cells.columns
        dim_code = cells.choice("dimension", "dimension") if has_dimension else None
        sub_code = cells.choice("sub_dimension", "sub_dimension", required=not has_dimension)
        sub = self.refs.sub_dimension_by_code.get(sub_code) if sub_code else None
        dim = self.refs.dimension_by_code.get(dim_code) if dim_code else None
        if dim is None and sub is not None and not cells.cells.get("dimension"):
            dim = self.refs.dimension_by_id[sub.dimension_id]
        if dim is not None and sub is not None and sub.dimension_id != dim.id:
            cells.fail(
                "sub_dimension", _("%(sub)s is not a sub-dimension of %(dim)s.", sub=sub.code, dim=dim.code)
            )
        elif dim is None and required and cells.ok:
            cells.fail("dimension", _("Give the dimension or the sub-dimension."))
        return dim, sub

    def _opd(self, cells: Cells, key: str) -> uuid.UUID | None:
        code = cells.choice(key, "opd")
        return self.refs.opd_by_code[code].id if code else None

    # --- each sheet ----------------------------------------------------------------------------------------

    def _check_missions(self) -> None:
        wanted, seen, vision_row = [], {}, None
        for cells in self._rows("missions"):
            kind = cells.choice("kind", "vision_kind", required=True)
            text = cells.text("text", required=True)
            if kind == VISION:
                if vision_row is not None:
                    cells.fail("kind", _("The vision is on row %(row)s already.", row=vision_row))
                vision_row = vision_row or cells.row_number
                if cells.ok:
                    self.vision = text
            elif kind == MISSION:
                number = cells.integer("number", required=True)
                dims = [self.refs.dimension_by_code[c].id for c in cells.codes("dimensions", "dimension")]
                if number is not None:
                    self._unique(cells, "number", number, seen)
                if cells.ok:
                    wanted.append(
                        Wanted(cells.row_number, number, {"number": number, "text": text}, {"dims": dims})
                    )
        self.wanted["missions"] = wanted

    def _check_readiness(self) -> None:
        wanted, seen = [], {}
        for cells in self._rows("readiness"):
            dim_code = cells.choice("dimension", "dimension", required=True)
            aspect = cells.choice("aspect", "readiness_aspect", required=True)
            values = {
                "aspect": aspect,
                "level": cells.choice("level", "readiness_level"),
                "condition": cells.text("condition", required=True),
            }
            if dim_code and aspect:
                self._unique(cells, "aspect", (dim_code, aspect), seen)
            if cells.ok:
                values["dimension_id"] = self.refs.dimension_by_code[dim_code].id
                wanted.append(Wanted(cells.row_number, (values["dimension_id"], aspect), values))
        self.wanted["readiness"] = wanted

    def _check_gaps(self) -> None:
        wanted, seen = [], {}
        for cells in self._rows("gaps"):
            position = self._numbered(cells, seen)
            _dim, sub = self._placement(cells, required=False)
            values = {
                "position": position,
                "sub_dimension_id": sub.id if sub else None,
                "current_condition": cells.text("current_condition", required=True),
                "future_condition": cells.text("future_condition"),
                "implication": cells.text("implication"),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, position, values))
        self.wanted["gaps"] = wanted

    def _check_swot(self) -> None:
        wanted, seen = [], {}
        for cells in self._rows("swot"):
            position = self._numbered(cells, seen)
            dim_code = cells.choice("dimension", "dimension", required=True)
            values = {
                "position": position,
                "quadrant": cells.choice("quadrant", "swot_quadrant", required=True),
                "text": cells.text("text", required=True),
            }
            if cells.ok:
                values["dimension_id"] = self.refs.dimension_by_code[dim_code].id
                wanted.append(Wanted(cells.row_number, position, values))
        self.wanted["swot"] = wanted

    def _check_goals(self) -> None:
        wanted, seen = [], {}
        for cells in self._rows("goals"):
            position = self._numbered(cells, seen)
            dim, sub = self._placement(cells)
            values = {
                "position": position,
                "dimension_id": dim.id if dim else None,
                "sub_dimension_id": sub.id if sub else None,
                "text": cells.text("text", required=True),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, position, values))
        self.wanted["goals"] = wanted

    def _check_indicators(self) -> None:
        goals = {g.position + 1 for g in self.content[Goal]}
        goals |= {n for n in (_as_int(v) for v in self._raw_column("goals", "no")) if n is not None}
        wanted, seen = [], {}
        for cells in self._rows("indicators"):
            position = self._numbered(cells, seen)
            goal = cells.integer("goal", required=True)
            if goal is not None and goal not in goals:
                cells.fail(
                    "goal", _("No goal has No %(no)s on the Sasaran sheet or in the masterplan.", no=goal)
                )
            values = {
                "position": position,
                "code": cells.text("code", max_length=30),
                "name": cells.text("name", required=True, max_length=300),
                "unit": cells.text("unit", required=True, max_length=60),
                "polarity": cells.choice("polarity", "polarity") or "higher_better",
                "accumulation": cells.choice("accumulation", "accumulation") or "annual",
                "baseline_value": cells.number("baseline_value"),
                "baseline_year": cells.year("baseline_year", in_period=False),
                "data_source": cells.text("data_source", max_length=300),
                "responsible_opd_id": self._opd(cells, "opd"),
            }
            if (cells.cells.get("baseline_value") is None) != (cells.cells.get("baseline_year") is None):
                missing = "baseline_year" if cells.cells.get("baseline_year") is None else "baseline_value"
                cells.fail(missing, _("A baseline needs both a value and a year."))
            # Each "Target <year>" column sets that year's target; an empty cell means none that year.
            targets = {}
            for year in sorted(cells.rows.target_letters):
                value = cells.number(year)
                if value is None:
                    targets[year] = None
                elif cells.in_period(year, year):
                    targets[year] = value
            if cells.ok:
                wanted.append(
                    Wanted(cells.row_number, position, values, {"goal": goal - 1, "targets": targets})
                )
        self.wanted["indicators"] = wanted

    def _check_strategies(self) -> None:
        wanted, seen = [], {}
        for cells in self._rows("strategies"):
            code = cells.code("code")
            if code is not None:
                self._unique(cells, "code", code, seen)
            parent = cells.text("parent", max_length=30)
            dim, sub = self._placement(cells, required=parent is None)
            values = {
                "code": code,
                "dimension_id": dim.id if dim else None,
                "sub_dimension_id": sub.id if sub else None,
                "text": cells.text("text", required=True),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, code, values, {"parent": parent}))
        self.wanted["strategies"] = wanted

    def _check_strategy_tree(self) -> None:
        """Parents exist, sit in the same dimension, and no strategy ends up beneath itself: checked on
        the masterplan as it will be after the import (the workbook's rows over the existing ones). A
        strategy given without a dimension takes its parent's."""
        existing = {s.id: s for s in self.content[Strategy]}
        nodes = {
            s.code: _Node(
                s.dimension_id,
                s.sub_dimension_id,
                existing[s.parent_id].code if s.parent_id in existing else None,
            )
            for s in existing.values()
        }
        for w in self.wanted["strategies"]:
            nodes[w.key] = _Node(w.values["dimension_id"], w.values["sub_dimension_id"], w.links["parent"], w)
        rows = self.sheets.get("strategies")

        def fail(w: Wanted, key: str, reason: str) -> None:
            title = next(c.header for c in rows.sheet.columns if c.key == key)
            self.problems.append(Problem(rows.sheet.title, w.number, rows.letters.get(key), title, reason))

        def ancestors(code: str) -> list[str]:
            chain, cursor = [], nodes[code].parent
            while cursor is not None and cursor in nodes and cursor not in chain and cursor != code:
                chain.append(cursor)
                cursor = nodes[cursor].parent
            if cursor == code:
                chain.append(code)  # the chain loops back to the strategy itself
            return chain

        for code, node in nodes.items():
            if node.row is None or node.parent is None:
                continue
            if node.parent not in nodes:
                fail(node.row, "parent", _("No strategy has the code %(code)s.", code=node.parent))
                continue
            chain = ancestors(code)
            if chain and chain[-1] == code:
                path = " → ".join([code, *chain])
                fail(node.row, "parent", _("A strategy cannot sit beneath itself (%(path)s).", path=path))
                continue
            if node.dimension_id is None:
                placed = next((nodes[c] for c in chain if nodes[c].dimension_id is not None), None)
                if placed is not None:
                    node.dimension_id, node.sub_dimension_id = placed.dimension_id, placed.sub_dimension_id
                    node.row.values.update(
                        dimension_id=node.dimension_id, sub_dimension_id=node.sub_dimension_id
                    )
        for code, node in nodes.items():
            parent = nodes.get(node.parent) if node.parent else None
            if parent is None or parent.dimension_id in (None, node.dimension_id):
                continue
            if node.row is not None:
                dim = self.refs.dimension_by_id.get(parent.dimension_id)
                fail(
                    node.row,
                    "parent",
                    _(
                        "The parent strategy %(code)s belongs to another dimension (%(dim)s).",
                        code=node.parent,
                        dim=dim.code if dim else "–",
                    ),
                )
            elif parent.row is not None:
                fail(
                    parent.row,
                    "dimension",
                    _("Strategy %(code)s beneath this one stays in its dimension: move it too.", code=code),
                )

    def _check_programs(self) -> None:
        strategies = {s.code for s in self.content[Strategy]} | {
            str(c) for c in self._raw_column("strategies", "code")
        }
        wanted, seen = [], {}
        for cells in self._rows("programs"):
            code = cells.code("code")
            if code is not None:
                self._unique(cells, "code", code, seen)
            dim, sub = self._placement(cells)
            served = list(dict.fromkeys(_parts(cells.cells.get("strategies") or "")))
            unknown = [c for c in served if c not in strategies]
            if unknown:
                cells.fail("strategies", _("No strategy has the code %(code)s.", code=", ".join(unknown)))
            supporting = [self.refs.opd_by_code[c].id for c in cells.codes("supporting_opds", "opd")]
            values = {
                "code": code,
                "name": cells.text("name", required=True, max_length=300),
                "description": cells.text("description"),
                "dimension_id": dim.id if dim else None,
                "sub_dimension_id": sub.id if sub else None,
                "program_class": cells.choice("program_class", "program_class"),
                "horizon": cells.choice("horizon", "horizon"),
                "quick_win": cells.flag("quick_win"),
                "lead_opd_id": self._opd(cells, "lead_opd"),
                "roadmap_years": cells.years("roadmap_years"),
                "status": cells.choice("status", "program_status") or "planned",
            }
            if cells.ok:
                wanted.append(
                    Wanted(cells.row_number, code, values, {"strategies": served, "supporting": supporting})
                )
        self.wanted["programs"] = wanted

    def _program(self, cells: Cells, programs: set[str]) -> str | None:
        code = cells.text("program", required=True, max_length=30)
        if code is not None and code not in programs:
            cells.fail(
                "program",
                _("No program has the code %(code)s on the Program sheet or in the masterplan.", code=code),
            )
            return None
        return code

    def _program_codes(self) -> set[str]:
        return {p.code for p in self.content[Program]} | {
            str(c) for c in self._raw_column("programs", "code")
        }

    def _check_budget(self) -> None:
        programs, wanted = self._program_codes(), []
        for cells in self._rows("budget"):
            program = self._program(cells, programs)
            values = {
                "year": cells.year("year", required=True),
                "funding_source": cells.choice("funding_source", "funding_source", required=True),
                "amount": cells.amount("amount", required=True),
                "status": cells.choice("status", "budget_status") or "indicative",
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, program, values))
        self.wanted["budget"] = wanted

    def _check_partners(self) -> None:
        programs, wanted = self._program_codes(), []
        for cells in self._rows("partners"):
            program = self._program(cells, programs)
            values = {
                "name": cells.text("name", required=True, max_length=200),
                "sector": cells.choice("sector", "pentahelix", required=True),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, program, values))
        self.wanted["partners"] = wanted

    def _check_actions(self) -> None:
        programs, wanted, seen = self._program_codes(), [], {}
        for cells in self._rows("actions"):
            position = self._numbered(cells, seen)
            program = self._program(cells, programs)
            values = {
                "position": position,
                "year": cells.year("year", required=True),
                "activity": cells.text("activity", required=True),
                "output": cells.text("output"),
                "target": cells.text("target", max_length=200),
                "opd_id": self._opd(cells, "opd"),
                "budget": cells.amount("budget"),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, position, values, {"program": program}))
        self.wanted["actions"] = wanted

    # --- writing -------------------------------------------------------------------------------------------

    def write(self) -> dict[str, Outcome]:
        """Write the checked rows; the caller commits. New rows go first (one batched insert per table),
        then changes to existing rows (a row may now point at a new one) and removals of replaced lines."""
        writer = _Writer(self)
        writer.plan()
        # One flush per table, parents first: the models declare no relationships, so the unit of work
        # would not know that a program must exist before its action items.
        by_model = defaultdict(list)
        for obj in writer.created:
            by_model[type(obj)].append(obj)
        for model in PART_MODELS:
            if by_model[model]:
                db.session.add_all(by_model[model])
                db.session.flush()
        for obj, values in writer.changes:
            for name, value in values.items():
                setattr(obj, name, value)
        for obj in writer.removed:
            db.session.delete(obj)
        db.session.flush()
        return dict(self.outcome)


LINE_FIELDS = {"budget": ("year", "amount", "funding_source", "status"), "partners": ("name", "sector")}


class _Writer:
    """Works out what the import adds, changes and removes; the session is touched by ``write``."""

    def __init__(self, check: ImportCheck):
        self.check, self.content = check, check.content
        self.mp_id = check.content.masterplan.id
        self.created: list = []
        self.changes: list[tuple[object, dict]] = []
        self.removed: list = []

    def _tally(self, sheet: str, state: str, count: int = 1) -> None:
        outcome = self.check.outcome[sheet]
        setattr(outcome, state, getattr(outcome, state) + count)

    def _new(self, model, **values):
        obj = model(id=new_id(), masterplan_id=self.mp_id, **values)
        self.created.append(obj)
        return obj

    def _upsert(self, model, existing: dict, key, values: dict) -> tuple[object, str]:
        """The row for ``key``, added or brought to ``values``; and whether it was created, updated or
        left unchanged (values already equal are not written again)."""
        obj = existing.get(key)
        if obj is None:
            existing[key] = self._new(model, **values)
            return existing[key], "created"
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if changed:
            self.changes.append((obj, changed))
        return obj, "updated" if changed else "unchanged"

    def _set_links(self, model, owner_column: str, owner, column: str, wanted: list, have: list) -> bool:
        """Make ``owner``'s links (a program's strategies, a mission's dimensions) exactly ``wanted``."""
        current = {getattr(link, column): link for link in have}
        for target in wanted:
            if target not in current:
                self._new(model, **{owner_column: owner.id, column: target})
        self.removed += [link for target, link in current.items() if target not in set(wanted)]
        return set(current) != set(wanted)

    def plan(self) -> None:
        c, wanted = self.content, self.check.wanted
        mp = c.masterplan
        if self.check.vision is not None and self.check.vision != mp.vision:
            self.changes.append((mp, {"vision": self.check.vision}))

        missions = {m.number: m for m in c[Mission]}
        served_dims = group(c[MissionDimension], "mission_id")
        for w in wanted["missions"]:
            mission, state = self._upsert(Mission, missions, w.key, w.values)
            relinked = self._set_links(
                MissionDimension,
                "mission_id",
                mission,
                "dimension_id",
                w.links["dims"],
                served_dims[mission.id],
            )
            self._tally("missions", "updated" if relinked and state == "unchanged" else state)

        parts = {
            "readiness": (ReadinessEntry, {(r.dimension_id, r.aspect): r for r in c[ReadinessEntry]}),
            "gaps": (GapAnalysis, {g.position: g for g in c[GapAnalysis]}),
            "swot": (SwotItem, {s.position: s for s in c[SwotItem]}),
            "goals": (Goal, {g.position: g for g in c[Goal]}),
        }
        for sheet, (model, existing) in parts.items():
            for w in wanted[sheet]:
                self._tally(sheet, self._upsert(model, existing, w.key, w.values)[1])
        goals = parts["goals"][1]

        indicators = {i.position: i for i in c[Indicator]}
        targets = {k: {t.year: t for t in v} for k, v in group(c[IndicatorTarget], "indicator_id").items()}
        for w in wanted["indicators"]:
            values = {**w.values, "goal_id": goals[w.links["goal"]].id}
            indicator, state = self._upsert(Indicator, indicators, w.key, values)
            retargeted = self._targets(indicator, w.links["targets"], targets.get(indicator.id, {}))
            self._tally("indicators", "updated" if retargeted and state == "unchanged" else state)

        strategies = {s.code: s for s in c[Strategy]}
        depth = self._strategy_depths()
        # Parents before the strategies beneath them: new rows are inserted in this order.
        for w in sorted(wanted["strategies"], key=lambda w: depth[w.key]):
            parent = strategies.get(w.links["parent"]) if w.links["parent"] else None
            values = {**w.values, "parent_id": parent.id if parent else None}
            self._tally("strategies", self._upsert(Strategy, strategies, w.key, values)[1])

        programs = {p.code: p for p in c[Program]}
        served, supporting = group(c[ProgramStrategy], "program_id"), group(c[ProgramOpd], "program_id")
        for w in wanted["programs"]:
            program, state = self._upsert(Program, programs, w.key, w.values)
            strategy_ids = [strategies[code].id for code in w.links["strategies"]]
            relinked = self._set_links(
                ProgramStrategy, "program_id", program, "strategy_id", strategy_ids, served[program.id]
            )
            relinked |= self._set_links(
                ProgramOpd, "program_id", program, "opd_id", w.links["supporting"], supporting[program.id]
            )
            self._tally("programs", "updated" if relinked and state == "unchanged" else state)
        self._program_lines("budget", BudgetLine, programs, c.budget_by_program(), ordered=False)
        self._program_lines("partners", ProgramPartner, programs, c.partners_by_program(), ordered=True)

        actions = {a.position: a for a in c[ActionItem]}
        for w in wanted["actions"]:
            values = {**w.values, "program_id": programs[w.links["program"]].id}
            self._tally("actions", self._upsert(ActionItem, actions, w.key, values)[1])

    def _strategy_depths(self) -> dict[str, int]:
        existing = {s.id: s for s in self.content[Strategy]}
        parents = {s.code: existing[s.parent_id].code for s in existing.values() if s.parent_id in existing}
        parents.update({w.key: w.links["parent"] for w in self.check.wanted["strategies"]})
        depths = {}
        for code in parents:
            depth, cursor = 0, parents.get(code)
            while cursor is not None and depth <= len(parents):  # checked free of loops already
                depth, cursor = depth + 1, parents.get(cursor)
            depths[code] = depth
        return defaultdict(int, depths)

    def _targets(
        self, indicator, wanted: dict[int, float | None], existing: dict[int, IndicatorTarget]
    ) -> bool:
        changed = False
        for year, value in wanted.items():
            target = existing.get(year)
            if value is None and target is not None:
                self.removed.append(target)
            elif value is not None and target is None:
                self._new(IndicatorTarget, indicator_id=indicator.id, year=year, value=value)
            elif value is not None and target.value != value:
                self.changes.append((target, {"value": value}))
            else:
                continue
            changed = True
        return changed

    def _program_lines(self, sheet: str, model, programs: dict, existing: dict, *, ordered: bool) -> None:
        """A program listed on the sheet gets exactly its lines there. Lines already the same are left
        alone; budget lines compare in any order (the pages sort them by year), partners in order."""
        names = LINE_FIELDS[sheet]
        lines = defaultdict(list)
        for w in self.check.wanted[sheet]:
            lines[w.key].append(w.values)
        for code, wanted in lines.items():
            program = programs[code]
            have = existing.get(program.id, [])
            old = [tuple(getattr(line, n) for n in names) for line in have]
            new = [tuple(values[n] for n in names) for values in wanted]
            if old == new or (not ordered and sorted(old, key=repr) == sorted(new, key=repr)):
                self._tally(sheet, "unchanged", len(new))
                continue
            self.removed += have
            for position, values in enumerate(wanted):
                self._new(model, program_id=program.id, position=position, **values)
            self._tally(sheet, "created", len(new))


def group(rows, attribute: str) -> defaultdict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


# --- the report of problems --------------------------------------------------------------------------------


def report_workbook(problems: list[Problem]) -> bytes:
    """The problems as a workbook: one line each, in sheet and row order."""
    order = {s.title: i for i, s in enumerate(SHEETS)}
    workbook = Workbook()
    ws = workbook.active
    ws.title = _("Problems")[:31]
    ws.append([_("Sheet"), _("Row"), _("Column"), _("Column title"), _("Reason")])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="833C0B")
    for p in sorted_problems(problems, order):
        ws.append([p.sheet, p.row, p.column, p.title, p.reason])
    for letter, width in zip("ABCDE", (18, 8, 8, 24, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
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

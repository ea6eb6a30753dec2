"""A period's progress reports as an Excel workbook, and the same workbook filled in and uploaded back.

The workbook holds one row per program on its Reports sheet (an ID and the report's version, the
program, its OPD, the workflow status to read, the program's status as a drop-down, physical progress,
narrative, obstacles and follow-up), the indicator actuals against their targets, the budget realised
per funding source, and instructions. Its headers are Indonesian, or English when asked; either language
reads back, and numbers typed as text are read the way the workbook's language writes them.

An upload is all or nothing, like the masterplan import: every row of every sheet is checked first (by
the report's own checks) and one wrong row writes nothing, each problem named by sheet, row and column.
Nothing is overwritten silently: a row that says something new about a report that changed since the
file was downloaded (its version differs) is refused, and so is one of a report that is submitted or
verified; a row equal to what is stored is skipped, so the same file uploaded twice changes nothing the
second time. A report not started yet is started when its row has values. An OPD operator's rows are
their own OPDs' programs; another OPD's row is refused, never skipped.

Reading and writing cost a fixed number of SQL statements whatever the number of programs (a report
started by an upload costs its own start).
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm.attributes import flag_modified

from app.core.auth import Actor
from app.core.errors import Conflict, DomainError, ValidationFailed
from app.core.exports import append_row, xlsx_cell
from app.core.numbers import NumberRefused, as_decimal, as_rupiah
from app.core.workbooks import CellProblem, SheetRows, normalised, read_sheets
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import policy, reports
from app.reporting.models import EDITABLE_STATUSES, OPEN, PROGRESS_STATUSES, ReportingPeriod
from app.reporting.periods import find_period, period_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
LANGUAGES = ("id", "en")

# Each sheet's titles, Indonesian first; either reads back.
TITLES = {
    "reports": ("Laporan", "Reports"),
    "indicators": ("Indikator", "Indicators"),
    "budget": ("Anggaran", "Budget"),
    "instructions": ("Petunjuk", "Instructions"),
}
# Each column: key, Indonesian header, English header, width. Columns marked read only are not read.
COLUMNS = {
    "reports": (
        ("id", "ID", "ID", 38),
        ("version", "Versi", "Version", 14),
        ("program_code", "Kode program", "Program code", 14),
        ("program_name", "Nama program", "Program name", 40),
        ("opd", "OPD", "OPD", 28),
        ("workflow", "Status alur kerja", "Workflow status", 18),
        ("progress_status", "Status kemajuan", "Progress status", 18),
        ("physical_pct", "Realisasi fisik (%)", "Physical progress (%)", 14),
        ("narrative", "Narasi", "Narrative", 50),
        ("obstacles", "Kendala", "Obstacles", 40),
        ("follow_up", "Tindak lanjut", "Follow-up", 40),
    ),
    "indicators": (
        ("id", "ID", "ID", 38),
        ("indicator_id", "ID indikator", "Indicator ID", 38),
        ("program_code", "Kode program", "Program code", 14),
        ("indicator_code", "Kode indikator", "Indicator code", 14),
        ("indicator_name", "Nama indikator", "Indicator name", 40),
        ("unit", "Satuan", "Unit", 12),
        ("target", "Target", "Target", 14),
        ("actual", "Realisasi", "Actual", 14),
    ),
    "budget": (
        ("id", "ID", "ID", 38),
        ("program_code", "Kode program", "Program code", 14),
        ("funding_source", "Sumber dana", "Funding source", 18),
        ("planned", "Rencana (Rp)", "Planned (Rp)", 20),
        ("realised", "Realisasi (Rp)", "Realised (Rp)", 20),
    ),
}
READ_ONLY = {
    "reports": {"version", "program_code", "program_name", "opd", "workflow"},
    "indicators": {"program_code", "indicator_code", "indicator_name", "unit", "target"},
    "budget": {"program_code", "planned"},
}
PROGRESS_LABELS = {
    "not_started": ("Belum dimulai", "Not started"),
    "on_track": ("Sesuai rencana", "On track"),
    "at_risk": ("Berisiko", "At risk"),
    "delayed": ("Terlambat", "Delayed"),
    "done": ("Selesai", "Done"),
}
WORKFLOW_LABELS = {
    None: ("Belum ada laporan", "No report yet"),
    "draft": ("Draf", "Draft"),
    "submitted": ("Diajukan", "Submitted"),
    "verified": ("Terverifikasi", "Verified"),
    "returned": ("Dikembalikan", "Returned"),
}
LANGUAGE_LABEL = ("Bahasa", "Language")
INSTRUCTIONS = {
    "id": (
        "Isi satu baris per program pada lembar Laporan, lalu realisasi indikator dan anggaran.",
        "Jangan ubah kolom ID dan Versi: baris dicocokkan dengan program dan versi laporannya.",
        "Kolom abu-abu hanya untuk dibaca dan tidak diimpor.",
        "Status kemajuan dipilih dari daftar. Realisasi fisik dari 0 sampai 100.",
        "Angka boleh ditulis 1.234,5 atau 1,234.5; jumlah dalam Rupiah utuh dan tidak negatif.",
        "Unggahan diterapkan seluruhnya atau tidak sama sekali: setiap baris yang salah disebutkan.",
        "Laporan yang telah diajukan atau diverifikasi terkunci; laporan yang berubah setelah berkas "
        "diunduh tidak ditimpa.",
    ),
    "en": (
        "Fill in one row per program on the Reports sheet, then the indicator actuals and the budget.",
        "Leave the ID and Version columns as they are: a row is matched by its program and its report's "
        "version.",
        "Grey columns are there to read and are not imported.",
        "Choose the progress status from the list. Physical progress is from 0 to 100.",
        "Numbers may be written 1.234,5 or 1,234.5; amounts are whole Rupiah, never negative.",
        "An upload is applied whole or not at all: every wrong row is listed.",
        "Submitted and verified reports are locked; a report that changed after the file was "
        "downloaded is not overwritten.",
    ),
}

HEADER_FONT, HEADER_FILL = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
READ_ONLY_FILL = PatternFill("solid", fgColor="E7E6E6")
WRAP = Alignment(wrap_text=True, vertical="top")


class WorkbookRefused(ValidationFailed):
    """The upload was refused whole: ``problems`` names every wrong cell (sheet, row, column, reason)."""

    def __init__(self, problems: list[CellProblem]):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__(
            _l("Nothing was imported: correct the rows listed and upload the file again."),
            {
                p.where: [
                    _l("%(column)s: %(reason)s", column=p.title, reason=p.reason) if p.title else p.reason
                ]
                for p in self.problems
            },
        )


def _problem_order(problem: CellProblem) -> tuple:
    sheets = [titles for titles in TITLES.values()]
    position = next((i for i, titles in enumerate(sheets) if problem.sheet in titles), 99)
    return (position, problem.row or 0, len(problem.column or ""), problem.column or "")


@dataclass
class Outcome:
    """What an upload did: reports started, reports changed, programs whose rows were already so."""

    started: int = 0
    updated: int = 0
    unchanged: int = 0


# --- what the workbook shows ------------------------------------------------------------------------------


@dataclass
class PeriodSheet:
    """A period's programs with their reports, indicator rows, budget rows and the indicators' names, read
    in a fixed number of queries."""

    period: ReportingPeriod
    lines: list
    actuals: dict = field(default_factory=dict)
    budget: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)

    def version(self, line) -> str:
        """The report's version: a digest of everything the workbook shows of it and its workflow status,
        so any change since a download shows (empty before the report is started)."""
        report = line.report
        if report is None:
            return ""
        parts = [str(report.id), report.status, report.progress_status, _plain(report.physical_pct)]
        parts += [report.narrative, report.obstacles, report.follow_up]
        parts += [f"{a.indicator_id}={_plain(a.actual)}" for a in self.actuals.get(report.id, [])]
        parts += [f"{b.funding_source}={b.realised}" for b in self.budget.get(report.id, [])]
        return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:12]


def _plain(value) -> str:
    return "" if value is None else format(Decimal(value).normalize(), "f")


def period_sheet(period: ReportingPeriod, *, actor: Actor, opd_id: uuid.UUID | None = None) -> PeriodSheet:
    lines = reports.program_lines(period, actor=actor, opd_id=opd_id)
    report_ids = [line.report.id for line in lines if line.report is not None]
    sheet = PeriodSheet(period, lines)
    sheet.actuals = reports.indicator_actuals(report_ids, actor=actor)
    sheet.budget = reports.budget_realisations(report_ids, actor=actor)
    current = masterplans.current_masterplan(actor=actor)
    if current is not None and report_ids:
        sheet.indicators = masterplans.indicator_labels(current.id, actor=actor)
    return sheet


def period_workbook(
    period_id: uuid.UUID, *, actor: Actor, opd_id: uuid.UUID | None = None, language: str = "id"
) -> tuple[bytes, str]:
    """The period's reports as a workbook to fill in and upload back (also the export of a period's
    figures): the actor's programs (an OPD operator's own OPDs'), or one OPD's. Bytes and a file name."""
    period = find_period(period_id)
    policy.require(actor, "period.read", period)
    language = language if language in LANGUAGES else "id"
    sheet = period_sheet(period, actor=actor, opd_id=opd_id)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _reports_sheet(workbook, sheet, language)
    _indicators_sheet(workbook, sheet, language)
    _budget_sheet(workbook, sheet, language)
    _instructions_sheet(workbook, sheet, language)
    buffer = BytesIO()
    workbook.save(buffer)
    stem = "laporan" if language == "id" else "reports"
    return buffer.getvalue(), f"{stem}-{period.year}-{period.frequency}-{period.number}.xlsx"


def _lang(language: str) -> int:
    return 0 if language == "id" else 1


def _sheet(workbook: Workbook, key: str, language: str):
    ws = workbook.create_sheet(TITLES[key][_lang(language)])
    columns = COLUMNS[key]
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column[3]
    ws.append([xlsx_cell(ws, column[1 + _lang(language)], HEADER_FONT, HEADER_FILL) for column in columns])
    ws.freeze_panes = "A2"
    return ws


def _row(ws, key: str, values: dict) -> None:
    cells = []
    for column in COLUMNS[key]:
        value = values.get(column[0])
        fill = READ_ONLY_FILL if column[0] in READ_ONLY[key] else None
        wrap = WRAP if column[0] in reports.TEXT_FIELDS or column[0].endswith("_name") else None
        cells.append(xlsx_cell(ws, value, fill=fill, alignment=wrap))
    append_row(ws, cells)


def _reports_sheet(workbook: Workbook, sheet: PeriodSheet, language: str) -> None:
    ws = _sheet(workbook, "reports", language)
    at = _lang(language)
    for line in sheet.lines:
        report = line.report
        _row(
            ws,
            "reports",
            {
                "id": str(line.program.id),
                "version": sheet.version(line),
                "program_code": line.program.code,
                "program_name": line.program.name,
                "opd": line.program.lead_opd_name,
                "workflow": WORKFLOW_LABELS[report.status if report else None][at],
                "progress_status": PROGRESS_LABELS[report.progress_status][at]
                if report is not None and report.progress_status
                else None,
                "physical_pct": report.physical_pct if report else None,
                "narrative": report.narrative if report else None,
                "obstacles": report.obstacles if report else None,
                "follow_up": report.follow_up if report else None,
            },
        )
    labels = ",".join(PROGRESS_LABELS[code][at] for code in PROGRESS_STATUSES)
    choice = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    choice.error = "; ".join(PROGRESS_LABELS[code][at] for code in PROGRESS_STATUSES)
    ws.add_data_validation(choice)
    status_letter = get_column_letter(_position("reports", "progress_status"))
    choice.add(f"{status_letter}2:{status_letter}{max(len(sheet.lines) + 1, 2)}")


def _position(key: str, column: str) -> int:
    return next(i for i, c in enumerate(COLUMNS[key], start=1) if c[0] == column)


def _indicators_sheet(workbook: Workbook, sheet: PeriodSheet, language: str) -> None:
    ws = _sheet(workbook, "indicators", language)
    for line in sheet.lines:
        if line.report is None:
            continue
        for row in sheet.actuals.get(line.report.id, []):
            code, name, unit = sheet.indicators.get(row.indicator_id, (None, "", ""))
            _row(
                ws,
                "indicators",
                {
                    "id": str(line.program.id),
                    "indicator_id": str(row.indicator_id),
                    "program_code": line.program.code,
                    "indicator_code": code,
                    "indicator_name": name,
                    "unit": unit,
                    "target": row.target,
                    "actual": row.actual,
                },
            )


def _budget_sheet(workbook: Workbook, sheet: PeriodSheet, language: str) -> None:
    ws = _sheet(workbook, "budget", language)
    for line in sheet.lines:
        if line.report is None:
            continue
        for row in sheet.budget.get(line.report.id, []):
            _row(
                ws,
                "budget",
                {
                    "id": str(line.program.id),
                    "program_code": line.program.code,
                    "funding_source": row.funding_source,
                    "planned": row.planned,
                    "realised": row.realised,
                },
            )
    for key in ("planned", "realised"):
        letter = get_column_letter(_position("budget", key))
        for cells in ws.iter_rows(
            min_row=2, min_col=_position("budget", key), max_col=_position("budget", key)
        ):
            for cell in cells:
                cell.number_format = "#,##0"
        ws.column_dimensions[letter].width = 20


def _instructions_sheet(workbook: Workbook, sheet: PeriodSheet, language: str) -> None:
    ws = workbook.create_sheet(TITLES["instructions"][_lang(language)])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    append_row(ws, [LANGUAGE_LABEL[_lang(language)], language])
    append_row(ws, ["Periode" if language == "id" else "Period", str(period_label(sheet.period))])
    append_row(ws, [])
    for number, text in enumerate(INSTRUCTIONS[language], start=1):
        append_row(ws, [number, text])


# --- reading an upload back -------------------------------------------------------------------------------


def _wanted_sheets() -> dict:
    wanted = {}
    for key, columns in COLUMNS.items():
        spec: dict = {"_titles": TITLES[key]}
        for column in columns:
            if column[0] not in READ_ONLY[key] or column[0] in ("version", "program_code"):
                spec[column[0]] = (column[1], column[2])
        wanted[key] = spec
    wanted["instructions"] = {"_titles": TITLES["instructions"]}
    return wanted


def _language(path: Path) -> str:
    """The workbook's language from its instructions sheet (Indonesian when it does not say)."""
    from openpyxl import load_workbook

    with path.open("rb") as handle:
        workbook = load_workbook(handle, read_only=True, data_only=True)
        try:
            titles = {normalised(t) for t in TITLES["instructions"]}
            ws = next((w for w in workbook.worksheets if normalised(w.title) in titles), None)
            if ws is None:
                return "id"
            for row in ws.iter_rows(max_row=10, max_col=2, values_only=True):
                if len(row) == 2 and normalised(row[0]) in {normalised(t) for t in LANGUAGE_LABEL}:
                    stated = str(row[1] or "").strip()[:2].lower()
                    return stated if stated in LANGUAGES else "id"
            return "id"
        finally:
            workbook.close()


@dataclass
class _Wanted:
    """What the workbook says about one program, gathered from its sheets, with where each came from."""

    line: object
    row: tuple | None = None  # (sheet rows, row number) of its Reports row
    version: str | None = None
    fields: dict = field(default_factory=dict)
    actuals: dict = field(default_factory=dict)  # indicator id → (value, sheet rows, row number)
    budget: dict = field(default_factory=dict)  # funding source → (value, sheet rows, row number)


class _Check:
    """Checks every row of an uploaded workbook against the period's reports; collects every problem."""

    def __init__(self, sheet: PeriodSheet, known: dict, language: str):
        self.sheet, self.known, self.language = sheet, known, language
        self.lines = {line.program.id: line for line in sheet.lines}
        self.by_code = {line.program.code: line for line in sheet.lines}
        self.problems: list[CellProblem] = []
        self.wanted: dict[uuid.UUID, _Wanted] = {}
        self.choices = {}
        for code, labels in PROGRESS_LABELS.items():
            for text in (code, *labels):
                self.choices[normalised(text)] = code

    def fail(self, rows: SheetRows, number: int, key: str | None, reason) -> None:
        self.problems.append(
            CellProblem(
                rows.title,
                number,
                rows.letters.get(key) if key else None,
                rows.titles.get(key) if key else None,
                reason,
            )
        )

    def program(self, rows: SheetRows, number: int, cells: dict) -> _Wanted | None:
        """The program a row is about, by its ID (or its code when the ID is empty), if it is one the
        actor reports on; otherwise a problem saying why."""
        raw, line = cells.get("id"), None
        if raw is not None:
            try:
                program_id = uuid.UUID(str(raw))
            except ValueError:
                self.fail(rows, number, "id", _l("Not an ID the platform wrote: download the file again."))
                return None
            line = self.lines.get(program_id)
            if line is None:
                name = self.known.get(program_id)
                self.fail(
                    rows,
                    number,
                    "id",
                    _l("%(program)s is not one of your OPD's programs.", program=name)
                    if name
                    else _l("Not a program of the current masterplan."),
                )
                return None
        elif (code := cells.get("program_code")) is not None:
            line = self.by_code.get(str(code))
            if line is None:
                self.fail(rows, number, "program_code", _l("Not one of your programs in this period."))
                return None
        else:
            self.fail(rows, number, "id", _l("Required."))
            return None
        return self.wanted.setdefault(line.program.id, _Wanted(line))

    def reports(self, rows: SheetRows) -> None:
        for number, cells in rows.rows:
            wanted = self.program(rows, number, cells)
            if wanted is None:
                continue
            if wanted.row is not None:
                self.fail(rows, number, "id", _l("The same program is on row %(row)s.", row=wanted.row[1]))
                continue
            wanted.row = (rows, number)
            wanted.version = str(cells.get("version") or "")
            for name in ("progress_status", "physical_pct", *reports.TEXT_FIELDS):
                value = cells.get(name)
                try:
                    if name == "progress_status" and value is not None:
                        value = self._status(value)
                    elif name == "physical_pct" and value is not None:
                        value = as_decimal(value, self.language)
                    elif value is not None:
                        value = str(value)
                    wanted.fields.update(reports.clean_report({name: value}))
                except NumberRefused as refused:
                    self.fail(rows, number, name, refused.message)
                except DomainError as error:
                    self.fail(rows, number, name, _reason(error, name))

    def _status(self, value) -> str:
        code = self.choices.get(normalised(value))
        if code is None:
            at = _lang(self.language)
            offered = ", ".join(PROGRESS_LABELS[c][at] for c in PROGRESS_STATUSES)
            raise ValidationFailed.field(
                "progress_status",
                _l("%(value)s is not in the list: %(choices)s.", value=value, choices=offered),
            )
        return code

    def indicators(self, rows: SheetRows) -> None:
        for number, cells in rows.rows:
            wanted = self.program(rows, number, cells)
            if wanted is None:
                continue
            report = wanted.line.report
            known = {a.indicator_id for a in self.sheet.actuals.get(report.id, [])} if report else set()
            try:
                indicator_id = uuid.UUID(str(cells.get("indicator_id") or ""))
            except ValueError:
                indicator_id = None
            if indicator_id not in known:
                self.fail(rows, number, "indicator_id", _l("Not an indicator of this program's report."))
                continue
            if indicator_id in wanted.actuals:
                self.fail(
                    rows,
                    number,
                    "indicator_id",
                    _l("The same indicator is on row %(row)s.", row=wanted.actuals[indicator_id][2]),
                )
                continue
            try:
                value = cells.get("actual")
                value = None if value is None else as_decimal(value, self.language)
                value = reports.clean_decimal(value, "actual")
            except NumberRefused as refused:
                self.fail(rows, number, "actual", refused.message)
                continue
            except DomainError as error:
                self.fail(rows, number, "actual", _reason(error, "actual"))
                continue
            wanted.actuals[indicator_id] = (value, rows, number)

    def budget(self, rows: SheetRows) -> None:
        for number, cells in rows.rows:
            wanted = self.program(rows, number, cells)
            if wanted is None:
                continue
            report = wanted.line.report
            known = {b.funding_source for b in self.sheet.budget.get(report.id, [])} if report else set()
            source = str(cells.get("funding_source") or "")
            if source not in known:
                self.fail(
                    rows,
                    number,
                    "funding_source",
                    _l("Not a funding source this program plans for this year."),
                )
                continue
            if source in wanted.budget:
                self.fail(
                    rows,
                    number,
                    "funding_source",
                    _l("The same funding source is on row %(row)s.", row=wanted.budget[source][2]),
                )
                continue
            try:
                value = cells.get("realised")
                value = None if value is None else as_rupiah(value, self.language)
                value = reports.clean_rupiah(value, "realised")
            except NumberRefused as refused:
                self.fail(rows, number, "realised", refused.message)
                continue
            except DomainError as error:
                self.fail(rows, number, "realised", _reason(error, "realised"))
                continue
            wanted.budget[source] = (value, rows, number)

    def changes(self, actor: Actor) -> list[tuple[_Wanted, dict, dict, dict]]:
        """The programs whose rows say something new: (wanted, report fields, actuals, budget) each;
        a stale, locked or unwritable one is a problem instead."""
        changed = []
        for wanted in self.wanted.values():
            report = wanted.line.report
            fields = {k: v for k, v in wanted.fields.items() if not _same(getattr(report, k, None), v)}
            if report is None:
                fields = {k: v for k, v in fields.items() if v is not None}
            actuals = {
                i: v
                for i, (v, _r, _n) in wanted.actuals.items()
                if not _same(next(a.actual for a in self.sheet.actuals[report.id] if a.indicator_id == i), v)
            }
            budget = {
                s: v
                for s, (v, _r, _n) in wanted.budget.items()
                if not _same(
                    next(b.realised for b in self.sheet.budget[report.id] if b.funding_source == s), v
                )
            }
            if not (fields or actuals or budget):
                continue
            where = wanted.row or _first_place(wanted)
            code = wanted.line.program.code
            if wanted.row is None:
                self.fail(
                    *where,
                    "id",
                    _l(
                        "%(program)s has no row on the Reports sheet: it carries the report's version.",
                        program=code,
                    ),
                )
            elif wanted.version != self.sheet.version(wanted.line):
                self.fail(
                    *where,
                    "version",
                    _l(
                        "The report of %(program)s changed after this file was downloaded: download it again "
                        "and enter your changes there.",
                        program=code,
                    ),
                )
            elif report is not None and report.status not in EDITABLE_STATUSES:
                self.fail(
                    *where,
                    "id",
                    _l("The report of %(program)s is submitted or verified and locked.", program=code),
                )
            elif not policy.can(actor, "report.write", report or wanted.line.program):
                self.fail(*where, "id", _l("You may not write the report of %(program)s.", program=code))
            else:
                changed.append((wanted, fields, actuals, budget))
        return changed


def _first_place(wanted: _Wanted) -> tuple:
    for _value, rows, number in (*wanted.actuals.values(), *wanted.budget.values()):
        return rows, number
    raise AssertionError("a change comes from a row")


def _same(stored, wanted) -> bool:
    if stored is None or wanted is None:
        return stored is None and wanted is None
    if isinstance(stored, (int, Decimal)) and isinstance(wanted, (int, Decimal)):
        return Decimal(stored) == Decimal(wanted)
    return stored == wanted


def _reason(error: DomainError, name: str):
    messages = error.errors.get(name) if error.errors else None
    return messages[0] if messages else error.message


def import_workbook(period_id: uuid.UUID, path: Path, *, actor: Actor) -> Outcome:
    """Apply a filled-in workbook to the period's reports, all or nothing (see the module): raises
    ``WorkbookRefused`` (422) listing every wrong cell, 409 when the period is not open and the file
    changes something, 422 when the file is no workbook."""
    period = find_period(period_id)
    policy.require(actor, "period.read", period)
    found, problems = read_sheets(path, _wanted_sheets())
    if not any(key in found for key in COLUMNS):
        raise ValidationFailed.field(
            "file",
            _l(
                "The workbook has none of the template's sheets (%(names)s): download it and fill it in.",
                names=", ".join(TITLES[k][0] for k in COLUMNS),
            ),
        )
    sheet = period_sheet(period, actor=actor)
    current = masterplans.current_masterplan(actor=actor)
    known = {p.id: p.code for p in masterplans.list_programs(current.id, actor=actor)} if current else {}
    check = _Check(sheet, known, _language(path))
    check.problems.extend(problems)
    for key in COLUMNS:
        if key in found:
            getattr(check, key)(found[key])
    changed = check.changes(actor)
    if check.problems:
        raise WorkbookRefused(check.problems)
    if changed and period.status != OPEN:
        raise Conflict(_l("%(period)s is not open for reports", period=period_label(period)))
    return _write(period, sheet, changed, check, actor)


def _write(period, sheet: PeriodSheet, changed: list, check: _Check, actor: Actor) -> Outcome:
    outcome = Outcome(unchanged=len(check.wanted) - len(changed))
    for wanted, fields, actuals, budget in changed:
        report = wanted.line.report
        if report is None:
            report = reports.start_report(period.id, wanted.line.program.id, actor=actor)
            fields = {
                name: None for name in ("progress_status", "physical_pct", *reports.TEXT_FIELDS)
            } | fields
            outcome.started += 1
        else:
            outcome.updated += 1
        if fields:
            # Every changed report writes all its own columns, so their updates go out as one statement.
            for name in ("progress_status", "physical_pct", *reports.TEXT_FIELDS):
                setattr(report, name, fields[name] if name in fields else getattr(report, name))
                flag_modified(report, name)
        for row in sheet.actuals.get(report.id, []):
            if row.indicator_id in actuals:
                row.actual = actuals[row.indicator_id]
        for row in sheet.budget.get(report.id, []):
            if row.funding_source in budget:
                row.realised = budget[row.funding_source]
    db.session.flush()
    return outcome


# --- the roll-up ------------------------------------------------------------------------------------------

ROLLUP_TITLE = ("Rekapitulasi", "Roll-up")
ROLLUP_COLUMNS = (
    ("Tingkat", "Level", 16),
    ("Kode", "Code", 14),
    ("Nama", "Name", 44),
    ("Realisasi fisik (%)", "Physical progress (%)", 14),
    ("Bobot", "Weight", 16),
    ("Porsi bobot (%)", "Share of weight (%)", 14),
    ("Kontribusi (poin %)", "Contribution (% points)", 16),
    ("Aturan", "Rule", 22),
    ("Program dihitung", "Programs counted", 12),
    ("Tanpa laporan terverifikasi", "Without a verified report", 14),
    ("Anggaran (Rp)", "Budget (Rp)", 20),
    ("Strategi", "Strategies", 18),
)
LEVELS = (
    ("Masterplan", "Masterplan"),
    ("Dimensi", "Dimension"),
    ("Subdimensi", "Sub-dimension"),
    ("Program", "Program"),
)
STRATEGY_LEVEL = ("Strategi", "Strategy")
NO_STRATEGY_NAME = ("Tanpa strategi", "Without a strategy")
# A strategy row is shown, not added: its element counts each program once.
STRATEGY_RULE = (
    "Ditampilkan, tidak dijumlahkan: subdimensi menghitung tiap program sekali",
    "Shown, not added: the sub-dimension counts each program once",
)
RULES = {
    "budget_weighted": ("Σ(progres × anggaran) ÷ Σ anggaran", "Σ(progress × budget) ÷ Σ budget"),
    "equal": ("Σ progres ÷ jumlah program", "Σ progress ÷ number of programs"),
    "own_weights": ("Σ(progres × bobot pemda) ÷ Σ bobot", "Σ(progress × tenant's weight) ÷ Σ weight"),
}
MISSING = {
    "as_zero": (
        "Program tanpa laporan terverifikasi dihitung 0 %",
        "A program without a verified report counts as 0 %",
    ),
    "left_out": (
        "Program tanpa laporan terverifikasi tidak dihitung",
        "A program without a verified report is left out",
    ),
}


def rollup_workbook(period_id: uuid.UUID, *, actor: Actor, language: str = "id") -> tuple[bytes, str]:
    """The period's roll-up as a workbook: every level (masterplan, dimension, sub-dimension with its
    strategies, program) with its progress, weight, share of its parent's weight and contribution to its
    parent, the rule and how programs without a verified report count. Bytes and a file name."""
    from app.reporting.periods import get_settings
    from app.reporting.rollup import CENT

    period = find_period(period_id)
    policy.require(actor, "period.read", period)
    language = language if language in LANGUAGES else "id"
    at = _lang(language)
    tree = reports.period_rollup(period, actor=actor)
    settings = get_settings(actor=actor)
    current = masterplans.current_masterplan(actor=actor)
    names = {}
    for dim in current.dimensions if current else ():
        names[dim.code] = dim.name_id if at == 0 else dim.name_en
        for sub in dim.sub_dimensions:
            names[sub.code] = sub.name_id if at == 0 else sub.name_en
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(ROLLUP_TITLE[at])
    for index, column in enumerate(ROLLUP_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column[2]
    ws.append([xlsx_cell(ws, column[at], HEADER_FONT, HEADER_FILL) for column in ROLLUP_COLUMNS])

    def pct(value):
        return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)

    def weight(node) -> int | float:
        return int(node.weight) if node.weight == node.weight.to_integral_value() else float(node.weight)

    def row(level: str, code, name, node, rule, strategies=None) -> None:
        shown = node.share is not None and rule != STRATEGY_RULE[at]
        append_row(
            ws,
            [
                level,
                code,
                name,
                pct(node.rounded),
                weight(node) if shown else None,
                pct(node.share * 100) if shown else None,
                pct(node.contribution) if shown else None,
                rule,
                node.counted,
                node.missing,
                node.budget,
                strategies,
            ],
        )

    def walk(node, depth: int) -> None:
        code, name = (None, node.label) if depth == 0 else (node.key, names.get(node.key, node.label))
        if depth == 3:
            row(LEVELS[3][at], node.key, node.label, node, None, serves.get(id(node)))
            return
        rule = RULES[node.rule_used][at] if node.value is not None else None
        row(LEVELS[depth][at], code, name, node, rule)
        for strategy in node.strategies:
            label = strategy.label if strategy.key else NO_STRATEGY_NAME[at]
            row(STRATEGY_LEVEL[at], strategy.key or None, label, strategy, STRATEGY_RULE[at])
            for program in strategy.children:
                if strategy.key:
                    serves[id(program)] = ", ".join(filter(None, (serves.get(id(program)), strategy.key)))
        for child in node.children:
            walk(child, depth + 1)

    serves: dict[int, str] = {}
    if tree is not None:
        walk(tree, 0)
    ws.append([])
    append_row(ws, ["Aturan" if at == 0 else "Rule", RULES.get(settings.rollup_rule, ("", ""))[at]])
    append_row(ws, ["", MISSING.get(settings.missing_rule, ("", ""))[at]])
    append_row(ws, ["Strategi" if at == 0 else "Strategies", STRATEGY_RULE[at]])
    append_row(ws, ["Periode" if at == 0 else "Period", str(period_label(period))])
    buffer = BytesIO()
    workbook.save(buffer)
    stem = "rekapitulasi" if at == 0 else "rollup"
    return buffer.getvalue(), f"{stem}-{period.year}-{period.frequency}-{period.number}.xlsx"

"""Many OPDs at once: from pasted lines, a workbook made from the template, or the usual nomenclature.

A list is first planned (what would be added, what the tenant already has, what is wrong, by line or
row and column), then added whole in one flush, or not at all. Existing OPDs are never changed.
"""

import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from app.core.auth import Actor
from app.core.errors import ValidationFailed
from app.core.exports import append_row, xlsx_cell
from app.core.workbooks import normalised, read_sheets
from app.extensions import db
from app.tenants import policy
from app.tenants.models import Opd

NOMENCLATURE_FILE = Path(__file__).resolve().parent.parent / "data" / "opd_nomenclature.yaml"
CODE_MAX = Opd.code.type.length
NAME_MAX = Opd.name.type.length
MAX_ENTRIES = 500
SHEET_TITLES = ("OPD", "OPDs", "Perangkat Daerah", "Sheet", "Sheet1", "Lembar1")
# A first part before a comma is a code when it has no small letters ("SATPOL PP", "DPMPTSP"); otherwise
# the comma belongs to a name ("Dinas Komunikasi, Informatika, ...").
_CODE_LIKE = re.compile(r"^[^a-z]{1,40}$")


@dataclass(frozen=True)
class Usual:
    """One perangkat daerah of the usual nomenclature."""

    code: str
    name: str


@cache
def nomenclature() -> tuple[Usual, ...]:
    """The usual perangkat daerah of a kota or kabupaten, as the project carries them."""
    data = yaml.safe_load(NOMENCLATURE_FILE.read_text(encoding="utf-8"))
    return tuple(Usual(entry["code"], entry["name"]) for entry in data["opds"])


def usual_by_code(code: str) -> Usual | None:
    return next((u for u in nomenclature() if u.code.casefold() == code.casefold()), None)


def usual_with_presence(*, actor: Actor) -> list[dict]:
    """The usual nomenclature, each entry marked ``present`` when the tenant has an OPD of that code (any
    case) or that name."""
    policy.require(actor, "opd.bulk_add")
    have = list(db.session.scalars(select(Opd)))
    codes = {opd.code.casefold() for opd in have}
    names = {normalised(opd.name) for opd in have}
    return [
        {"code": u.code, "name": u.name, "present": u.code.casefold() in codes or normalised(u.name) in names}
        for u in nomenclature()
    ]


def _usual_code_for(name: str) -> str | None:
    key = normalised(name)
    return next((u.code for u in nomenclature() if normalised(u.name) == key), None)


@dataclass
class Entry:
    """One OPD asked for: where it came from (line or row number, the column letters of a sheet)."""

    number: int
    code: str
    name: str
    acronym: str | None = None
    suggested: bool = False  # the code came from the nomenclature, not from the list
    letters: dict = field(default_factory=dict)


@dataclass
class Problem:
    """What is wrong with one entry: its position in the list, its line or row, the column, the reason."""

    index: int
    number: int
    column: str
    letter: str | None
    reason: object


@dataclass
class Plan:
    """What a bulk add would do: the entries to add, those the tenant has (with its OPD), the problems."""

    new: list[Entry]
    existing: list[tuple[Entry, Opd]]
    problems: list[Problem]


def entries_from_text(text: str) -> list[Entry]:
    """Pasted lines as entries: "CODE<tab, ; or ,>Name" or a name alone; empty lines are skipped."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code, name = _split(line)
        entries.append(Entry(number, code, name))
    return entries


def _split(line: str) -> tuple[str, str]:
    for separator in ("\t", ";"):
        if separator in line:
            code, name = line.split(separator, 1)
            return code.strip(), name.strip(" \t" + separator)
    if "," in line:
        code, name = line.split(",", 1)
        if _CODE_LIKE.match(code.strip()):
            return code.strip(), name.strip()
    return "", line.strip()


def entries_from_usual(codes: list[str]) -> list[Entry]:
    """The ticked entries of the usual list, in the list's order."""
    entries = []
    for number, code in enumerate(codes, start=1):
        usual = usual_by_code(code)
        entries.append(Entry(number, usual.code if usual else code, usual.name if usual else ""))
    return entries


def _headers() -> dict:
    return {
        "opds": {
            "_titles": SHEET_TITLES,
            "code": (_("Code"), "Kode", "Code"),
            "name": (_("Name"), "Nama", "Name"),
        }
    }


def entries_from_workbook(path: Path) -> list[Entry]:
    """The rows of a workbook made from the template as entries; 422 naming the sheet when it has no OPD
    sheet or a column is missing."""
    found, problems = read_sheets(path, _headers(), max_rows=MAX_ENTRIES)
    sheet = found.get("opds")
    if sheet is None:
        raise ValidationFailed.field("file", _l("The workbook has no sheet named OPD: use the template."))
    if problems:
        first = problems[0]
        raise ValidationFailed.field("file", f"{first.where} ({first.title}): {first.reason}")
    return [
        Entry(number, str(cells.get("code") or ""), str(cells.get("name") or ""), letters=sheet.letters)
        for number, cells in sheet.rows
    ]


def template_workbook() -> bytes:
    """The template for a list of OPDs: one sheet, the Code and Name columns headed in the page's
    language, two usual OPDs as an example."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("OPD")
    bold = Font(bold=True)
    ws.append([xlsx_cell(ws, _("Code"), font=bold), xlsx_cell(ws, _("Name"), font=bold)])
    for usual in nomenclature()[3:5]:
        append_row(ws, [usual.code, usual.name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_opds(entries: list[Entry], *, actor: Actor) -> Plan:
    """What adding ``entries`` would do, read with one query whatever their number: the new ones, those
    the tenant has (same code, any case, or same name) and every problem."""
    policy.require(actor, "opd.bulk_add")
    have = list(db.session.scalars(select(Opd)))
    by_code = {opd.code.casefold(): opd for opd in have}
    by_name = {normalised(opd.name): opd for opd in have}
    plan = Plan([], [], [])
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed.field("opds", _l("At most %(n)s OPDs at once.", n=MAX_ENTRIES))
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for index, entry in enumerate(entries):
        entry.code = " ".join(entry.code.split()).upper()
        entry.name = " ".join(entry.name.split())
        if not entry.code and entry.name and (suggested := _usual_code_for(entry.name)):
            entry.code, entry.suggested = suggested, True
        found = _entry_problems(index, entry)
        if found:
            plan.problems.extend(found)
            continue
        code, name = entry.code.casefold(), normalised(entry.name)
        opd = by_code.get(code) or by_name.get(name)
        if opd is not None:
            plan.existing.append((entry, opd))
            continue
        twice = seen_codes.get(code) or seen_names.get(name)
        if twice is not None:
            column = "code" if code in seen_codes else "name"
            reason = _l("appears twice in the list (also line or row %(n)s)", n=twice)
            plan.problems.append(_problem(index, entry, column, reason))
            continue
        seen_codes[code], seen_names[name] = entry.number, entry.number
        plan.new.append(entry)
    return plan


def _problem(index: int, entry: Entry, column: str, reason) -> Problem:
    return Problem(index, entry.number, column, entry.letters.get(column), reason)


def _entry_problems(index: int, entry: Entry) -> list[Problem]:
    problems = []
    if not entry.name:
        problems.append(_problem(index, entry, "name", _l("the name is empty")))
    elif len(entry.name) > NAME_MAX:
        problems.append(
            _problem(index, entry, "name", _l("the name is longer than %(n)s characters", n=NAME_MAX))
        )
    if not entry.code:
        reason = _l("the code is empty and the usual list has no OPD of this name")
        problems.append(_problem(index, entry, "code", reason))
    elif len(entry.code) > CODE_MAX:
        problems.append(
            _problem(index, entry, "code", _l("the code is longer than %(n)s characters", n=CODE_MAX))
        )
    return problems


def problem_errors(problems: list[Problem]) -> dict:
    """The problems as a 422's errors: each entry by its position in the list, then by column."""
    items: dict[int, dict[str, list]] = {}
    for problem in problems:
        items.setdefault(problem.index, {}).setdefault(problem.column, []).append(str(problem.reason))
    return {"opds": items}


def add_opds(entries: list[Entry], *, actor: Actor) -> tuple[list[Opd], Plan]:
    """Add every new entry in one flush (each audited), or none with every problem (422); the OPDs the
    tenant already has are left as they are."""
    plan = plan_opds(entries, actor=actor)
    if plan.problems:
        raise ValidationFailed(
            _l("Nothing was added: some lines need attention."), problem_errors(plan.problems)
        )
    policy.require(actor, "opd.create")
    added = [Opd(code=e.code, name=e.name, acronym=e.acronym or None) for e in plan.new]
    db.session.add_all(added)
    db.session.flush()
    return added, plan

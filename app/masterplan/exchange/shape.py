"""The masterplan workbook's shape: one sheet per part of a masterplan, each with fixed columns.

The empty template, an export and an import share this shape, so an exported workbook can be edited and
imported again. Row 1 holds the Indonesian column titles (a required column is marked ``*``), row 2 a
hint in the workbook's language; data starts on row 3. Columns that take a code offer a drop-down fed
by the code list sheet.

How a row is identified, so that importing the same workbook again changes nothing and a renumbered or
reordered sheet re-points nothing: strategies and programs by their code, missions by their number,
readiness by dimension and aspect; the parts without a code of their own (gaps, SWOT, goals, indicators,
action plan) by the id an export writes in their last column, "ID". A row without one is new; its "No"
is only its place in the masterplan's order. Budget lines and partners belong to a program: a program
listed on their sheet gets exactly the lines listed there.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

from app.masterplan.common import MasterplanRefs
from app.masterplan.models import (
    ACCUMULATIONS,
    BUDGET_STATUSES,
    FUNDING_SOURCE,
    HORIZON,
    PENTAHELIX,
    POLARITIES,
    PROGRAM_CLASS,
    PROGRAM_STATUSES,
    READINESS_ASPECTS,
    READINESS_LEVELS,
    SWOT_QUADRANTS,
)

INSTRUCTIONS_SHEET = "Petunjuk"
CODE_LIST_SHEET = "Daftar Kode"
HEADER_ROW, HINT_ROW, FIRST_DATA_ROW = 1, 2, 3
YES, NO = "Ya", "Tidak"
# The workbook's language: its hint row and the way its numbers are written ("1.250,5" or "1,250.5"),
# stated on the instructions sheet so that the import reads it as it was written, whoever imports it.
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LANGUAGE_LABEL = "Bahasa"
VISION, MISSION = "VISI", "MISI"
TARGET_HEADER = "Target {year}"
TARGET_HEADER_RE = re.compile(r"^target\s+(\d{4})$", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Indonesian title, row 1
    hint: LazyString | str  # a short hint, row 2, in the workbook's language
    width: int = 16
    choices: str | None = None  # the code list offered as a drop-down
    required: bool = False
    kind: str = "text"  # text, long (wrapped), integer, year, amount (Rupiah), number

    @property
    def title(self) -> str:
        return f"{self.header} *" if self.required else self.header


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    about: str  # what the sheet holds, for the instructions sheet (Indonesian)
    identified_by: str  # how a row is matched to what the masterplan holds (Indonesian)
    columns: tuple[Column, ...]
    # Indicators: one "Target <year>" column per year of the period after the fixed columns.
    yearly_targets: bool = False
    # Parts without a code of their own carry their id in a last "ID" column (see ``ID_COLUMN``).
    stable_id: bool = False

    def all_columns(self) -> tuple["Column", ...]:
        """The fixed columns and, for a part matched by its id, the ID column."""
        return (*self.columns, ID_COLUMN) if self.stable_id else self.columns


def _c(key, header, hint, width=16, choices=None, required=False, kind="text") -> Column:
    return Column(key, header, hint, width, choices, required, kind)


NO_COLUMN = _c(
    "no", "No", _l("Order number (the order the pages list them in)"), 6, required=True, kind="integer"
)
# The row's id in the platform, written by an export: an existing row is matched by it, never by its No
# or its place in the sheet; a row without it is new.
ID_COLUMN = _c("id", "ID", _l("Filled in by the platform: leave it empty on a new row"), 38)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "missions",
        "Visi dan Misi",
        "Visi (satu baris VISI) dan misi bernomor, dengan dimensi yang dilayani setiap misi.",
        "Nomor misi",
        (
            _c("kind", "Jenis", _l("VISI (one row) or MISI"), 9, "vision_kind", True),
            _c("number", "Nomor", _l("Mission number (empty for VISI)"), 8, kind="integer"),
            _c("text", "Teks", _l("Vision or mission text"), 70, required=True, kind="long"),
            _c("dimensions", "Dimensi", _l("Dimension codes the mission serves, comma-separated"), 22),
        ),
    ),
    Sheet(
        "readiness",
        "Kesiapan",
        "Analisis kesiapan per dimensi: struktur, infrastruktur, suprastruktur.",
        "Dimensi + Aspek",
        (
            _c("dimension", "Dimensi", _l("Dimension code"), 10, "dimension", True),
            _c("aspect", "Aspek", _l("Aspect"), 16, "readiness_aspect", True),
            _c("level", "Tingkat", _l("Level: LOW, MEDIUM or HIGH"), 10, "readiness_level"),
            _c("condition", "Kondisi", _l("Condition found"), 70, required=True, kind="long"),
        ),
    ),
    Sheet(
        "gaps",
        "Kesenjangan",
        "Analisis kesenjangan per sub-dimensi: kondisi saat ini, kondisi masa depan, implikasi.",
        "ID (baris tanpa ID adalah baris baru)",
        (
            NO_COLUMN,
            _c("sub_dimension", "Sub-dimensi", _l("Sub-dimension code"), 12, "sub_dimension", True),
            _c(
                "current_condition",
                "Kondisi Saat Ini",
                _l("Current condition"),
                40,
                required=True,
                kind="long",
            ),
            _c("future_condition", "Kondisi Masa Depan", _l("Future condition"), 40, kind="long"),
            _c("implication", "Implikasi", _l("Implication"), 40, kind="long"),
        ),
        stable_id=True,
    ),
    Sheet(
        "swot",
        "SWOT",
        "Analisis SWOT per dimensi: S kekuatan, W kelemahan, O peluang, T ancaman.",
        "ID (baris tanpa ID adalah baris baru)",
        (
            NO_COLUMN,
            _c("dimension", "Dimensi", _l("Dimension code"), 10, "dimension", True),
            _c("quadrant", "Kuadran", _l("S, W, O or T"), 9, "swot_quadrant", True),
            _c(
                "text",
                "Uraian",
                _l("Strength, weakness, opportunity or threat"),
                70,
                required=True,
                kind="long",
            ),
        ),
        stable_id=True,
    ),
    Sheet(
        "goals",
        "Sasaran",
        "Sasaran per dimensi atau sub-dimensi.",
        "ID (baris tanpa ID adalah baris baru)",
        (
            NO_COLUMN,
            _c("dimension", "Dimensi", _l("Dimension code (or give the sub-dimension)"), 10, "dimension"),
            _c("sub_dimension", "Sub-dimensi", _l("Sub-dimension code"), 12, "sub_dimension"),
            _c("text", "Sasaran", _l("Goal"), 70, required=True, kind="long"),
        ),
        stable_id=True,
    ),
    Sheet(
        "indicators",
        "Indikator",
        "Indikator sasaran dengan nilai awal dan target per tahun (satu kolom Target per tahun).",
        "ID (baris tanpa ID adalah baris baru)",
        (
            NO_COLUMN,
            _c(
                "goal",
                "No Sasaran",
                _l("The goal's No on the Sasaran sheet"),
                10,
                required=True,
                kind="integer",
            ),
            _c("code", "Kode", _l("Indicator code (optional)"), 14),
            _c("name", "Nama Indikator", _l("Indicator"), 40, required=True, kind="long"),
            _c("unit", "Satuan", _l("Unit"), 12, required=True),
            _c("polarity", "Polaritas", _l("Which way is better"), 15, "polarity"),
            _c("accumulation", "Akumulasi", _l("How yearly values add up"), 13, "accumulation"),
            _c("baseline_value", "Nilai Awal", _l("Baseline value"), 11, kind="number"),
            _c("baseline_year", "Tahun Awal", _l("Baseline year"), 11, kind="year"),
            _c("data_source", "Sumber Data", _l("Data source"), 24),
            _c("opd", "OPD Penanggung Jawab", _l("Responsible OPD code"), 16, "opd"),
        ),
        yearly_targets=True,
        stable_id=True,
    ),
    Sheet(
        "strategies",
        "Strategi",
        "Strategi berkode (S.1, S.1.1); strategi di bawah strategi lain menyebut Kode Induk.",
        "Kode",
        (
            _c("code", "Kode", _l("Strategy code, e.g. S.1.1"), 12, required=True),
            _c("dimension", "Dimensi", _l("Dimension code (or give the sub-dimension)"), 10, "dimension"),
            _c("sub_dimension", "Sub-dimensi", _l("Sub-dimension code"), 12, "sub_dimension"),
            _c("parent", "Kode Induk", _l("Code of the strategy it sits beneath"), 12),
            _c("text", "Strategi", _l("Strategy"), 70, required=True, kind="long"),
        ),
    ),
    Sheet(
        "programs",
        "Program",
        "Program pengembangan: kelas, horizon, quick win, OPD, strategi yang dilayani, tahun peta jalan.",
        "Kode",
        (
            _c("code", "Kode", _l("Program code"), 14, required=True),
            _c("name", "Nama Program", _l("Program name"), 40, required=True, kind="long"),
            _c("description", "Deskripsi", _l("Description"), 40, kind="long"),
            _c("dimension", "Dimensi", _l("Dimension code (or give the sub-dimension)"), 10, "dimension"),
            _c("sub_dimension", "Sub-dimensi", _l("Sub-dimension code"), 12, "sub_dimension"),
            _c("program_class", "Kelas", _l("Program class"), 16, "program_class"),
            _c("horizon", "Horizon", _l("Horizon"), 12, "horizon"),
            _c("quick_win", "Quick Win", _l("Ya or Tidak"), 10, "yes_no"),
            _c("lead_opd", "OPD Pengampu", _l("Lead OPD code"), 16, "opd"),
            _c("supporting_opds", "OPD Pendukung", _l("Supporting OPD codes, comma-separated"), 22),
            _c("strategies", "Strategi", _l("Codes of the strategies it serves, comma-separated"), 18),
            _c("roadmap_years", "Tahun Peta Jalan", _l("Years it runs, comma-separated"), 22),
            _c("status", "Status", _l("Program status"), 13, "program_status"),
        ),
    ),
    Sheet(
        "budget",
        "Anggaran Program",
        "Anggaran program per tahun dan sumber dana, dalam rupiah.",
        "Kode Program (seluruh baris program itu)",
        (
            _c("program", "Kode Program", _l("Program code"), 14, required=True),
            _c("year", "Tahun", _l("Year"), 8, required=True, kind="year"),
            _c("funding_source", "Sumber Dana", _l("Funding source"), 14, "funding_source", True),
            _c("amount", "Jumlah (Rp)", _l("Amount in whole Rupiah"), 20, required=True, kind="amount"),
            _c("status", "Status Anggaran", _l("indicative or allocated"), 15, "budget_status"),
        ),
    ),
    Sheet(
        "partners",
        "Mitra",
        "Mitra program di luar pemerintah daerah, dengan sektor pentahelix.",
        "Kode Program (seluruh baris program itu)",
        (
            _c("program", "Kode Program", _l("Program code"), 14, required=True),
            _c("name", "Nama Mitra", _l("Partner"), 40, required=True),
            _c("sector", "Sektor Pentahelix", _l("Pentahelix sector"), 18, "pentahelix", True),
        ),
    ),
    Sheet(
        "actions",
        "Rencana Aksi",
        "Rencana aksi: kegiatan program per tahun dengan keluaran, target, OPD dan anggaran.",
        "ID (baris tanpa ID adalah baris baru)",
        (
            NO_COLUMN,
            _c("program", "Kode Program", _l("Program code"), 14, required=True),
            _c("year", "Tahun", _l("Year"), 8, required=True, kind="year"),
            _c("activity", "Kegiatan", _l("Activity"), 40, required=True, kind="long"),
            _c("output", "Keluaran", _l("Output"), 30, kind="long"),
            _c("target", "Target", _l("Target"), 16),
            _c("opd", "OPD", _l("OPD code"), 14, "opd"),
            _c("budget", "Anggaran (Rp)", _l("Budget in whole Rupiah"), 20, kind="amount"),
        ),
        stable_id=True,
    ),
)
SHEET_BY_KEY = {sheet.key: sheet for sheet in SHEETS}


# --- code lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeList:
    key: str
    title: str
    entries: tuple[tuple[str, str], ...]  # (code, meaning in Indonesian)
    english: dict[str, str] = field(default_factory=dict)  # code → its English label, where it has one


# The product's own code lists, with their meaning in Indonesian (the workbook's language).
FIXED_MEANINGS = {
    "readiness_aspect": dict(
        zip(
            READINESS_ASPECTS,
            (
                "Struktur: SDM, anggaran, tata kelola",
                "Infrastruktur: fisik, digital, sosial",
                "Suprastruktur: kebijakan, kelembagaan",
            ),
            strict=True,
        )
    ),
    "readiness_level": dict(zip(READINESS_LEVELS, ("Rendah", "Sedang", "Tinggi"), strict=True)),
    "swot_quadrant": dict(zip(SWOT_QUADRANTS, ("Kekuatan", "Kelemahan", "Peluang", "Ancaman"), strict=True)),
    "polarity": dict(
        zip(
            POLARITIES,
            ("Semakin tinggi semakin baik", "Semakin rendah semakin baik", "Netral"),
            strict=True,
        )
    ),
    "accumulation": dict(zip(ACCUMULATIONS, ("Kumulatif", "Tahunan", "Tetap"), strict=True)),
    "budget_status": dict(zip(BUDGET_STATUSES, ("Indikatif", "Dialokasikan"), strict=True)),
    "program_status": dict(
        zip(
            PROGRAM_STATUSES,
            ("Diusulkan", "Direncanakan", "Berjalan", "Beroperasi", "Terlambat", "Selesai", "Dibatalkan"),
            strict=True,
        )
    ),
    "yes_no": {YES: "Ya, program percepatan (quick win)", NO: "Bukan quick win"},
    "vision_kind": {VISION: "Visi", MISSION: "Misi"},
}
# The same lists' English labels (as the English pages show them): a cell may hold these too.
FIXED_ENGLISH = {
    "readiness_aspect": dict(
        zip(READINESS_ASPECTS, ("Structure", "Infrastructure", "Superstructure"), strict=True)
    ),
    "readiness_level": dict(zip(READINESS_LEVELS, ("Low", "Medium", "High"), strict=True)),
    "swot_quadrant": dict(
        zip(SWOT_QUADRANTS, ("Strength", "Weakness", "Opportunity", "Threat"), strict=True)
    ),
    "polarity": dict(zip(POLARITIES, ("Higher is better", "Lower is better", "Neutral"), strict=True)),
    "accumulation": dict(zip(ACCUMULATIONS, ("Cumulative", "Annual", "Fixed"), strict=True)),
    "budget_status": dict(zip(BUDGET_STATUSES, ("Indicative", "Allocated"), strict=True)),
    "program_status": dict(
        zip(
            PROGRAM_STATUSES,
            ("Proposed", "Planned", "In progress", "Operational", "Delayed", "Completed", "Cancelled"),
            strict=True,
        )
    ),
    "yes_no": {YES: "Yes", NO: "No"},
    "vision_kind": {VISION: "Vision", MISSION: "Mission"},
}
CODE_LIST_TITLES = {
    "dimension": "Dimensi",
    "sub_dimension": "Sub-dimensi",
    "readiness_aspect": "Aspek Kesiapan",
    "readiness_level": "Tingkat Kesiapan",
    "swot_quadrant": "Kuadran SWOT",
    "polarity": "Polaritas",
    "accumulation": "Akumulasi",
    "program_class": "Kelas Program",
    "horizon": "Horizon",
    "funding_source": "Sumber Dana",
    "budget_status": "Status Anggaran",
    "pentahelix": "Sektor Pentahelix",
    "program_status": "Status Program",
    "opd": "OPD",
    "yes_no": "Quick Win",
    "vision_kind": "Jenis",
}
# National code lists, kept as reference data (the admin pages add and retire entries).
REFERENCE_LISTS = {
    "program_class": PROGRAM_CLASS,
    "horizon": HORIZON,
    "funding_source": FUNDING_SOURCE,
    "pentahelix": PENTAHELIX,
}


def code_lists(refs: MasterplanRefs) -> dict[str, CodeList]:
    """Every code list the workbook offers, for this masterplan's framework and this tenant's OPDs."""
    opds = sorted(refs.opd_by_id.values(), key=lambda o: o.code)
    entries: dict[str, list[tuple[str, str]]] = {
        "dimension": [(d.code, d.name_id) for d in refs.dimensions],
        "sub_dimension": [(s.code, s.name_id) for s in refs.sub_dimensions],
        "opd": [(o.code, o.name) for o in opds],
    }
    english: dict[str, dict[str, str]] = {
        "dimension": {d.code: d.name_en for d in refs.dimensions},
        "sub_dimension": {s.code: s.name_en for s in refs.sub_dimensions},
        "opd": {o.code: o.acronym for o in opds if o.acronym},  # DISKOMINFOSANDI for its long name
        **FIXED_ENGLISH,
    }
    for key, list_name in REFERENCE_LISTS.items():
        items = [i for i in refs.code_lists.get(list_name, {}).values() if not i.retired]
        entries[key] = [(i.code, i.name_id) for i in items]
        english[key] = {i.code: i.name_en for i in items if getattr(i, "name_en", None)}
    for key, meanings in FIXED_MEANINGS.items():
        entries[key] = list(meanings.items())
    return {
        key: CodeList(key, CODE_LIST_TITLES[key], tuple(entries[key]), english.get(key, {}))
        for key in CODE_LIST_TITLES
    }


# --- a choice cell as people fill it ----------------------------------------------------------------------

# Characters a paste brings along: zero-width spaces and joiners, a byte order mark, soft hyphens.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_QUOTES = "'\"“”‘’«»`"
# "S – Kekuatan", "S: Kekuatan", "Kekuatan (S)", or a code and its meaning copied as two cells
# ("S\tKekuatan").
_PAIR = re.compile(r"^(.+?)\s*(?:\t|\s[-–—]\s|:\s)\s*(.+)$|^(.+?)\s*\((.+)\)$")


def choice_key(value) -> str:
    """A choice as compared: Unicode compatibility forms folded (a non-breaking space is a space, a
    full-width letter a letter), invisible characters and surrounding quotes dropped, spacing and case
    ignored; so a value pasted from LibreOffice, Google Sheets or a web page matches what was meant."""
    text = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)
    return " ".join(text.strip().strip(_QUOTES).split()).casefold()


def choice_table(code_list: CodeList) -> dict[str, str]:
    """What a cell may hold for each code of a list: the code, its Indonesian meaning on the code sheet
    (or the words before its colon: "Struktur"), its English label. Codes come first; a label two
    entries share is no way to tell them apart and is left out."""
    table = {choice_key(code): code for code, _meaning in code_list.entries}
    labels: dict[str, set[str]] = {}
    for code, meaning in code_list.entries:
        names = {meaning, meaning.split(":")[0], code_list.english.get(code) or ""}
        for name in filter(None, map(choice_key, names)):
            labels.setdefault(name, set()).add(code)
    for name, codes in labels.items():
        if len(codes) == 1 and name not in table:
            table[name] = next(iter(codes))
    return table


def find_choice(table: dict[str, str], value) -> str | None:
    """The code a cell means, or None: the whole value first, then either half of a pair such as
    "S – Kekuatan" or "Kekuatan (S)" when both halves agree or one of them is unknown."""
    key = choice_key(value)
    if key in table:
        return table[key]
    match = _PAIR.match(unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE).strip())
    if match is None:
        return None
    halves = [h for h in match.groups() if h is not None]
    found = {table[k] for k in map(choice_key, halves) if k in table}
    return found.pop() if len(found) == 1 else None


def normalise_header(text) -> str:
    """A column title as matched on import: without the required mark, spacing or case."""
    return " ".join(str(text or "").replace("*", " ").split()).casefold()


NATURAL_RE = re.compile(r"(\d+)")


def natural_key(code: str) -> tuple:
    """S.2 before S.10, as people number them."""
    return tuple(int(part) if part.isdigit() else part for part in NATURAL_RE.split(code or ""))


def hint_texts(sheet: Sheet) -> set[str]:
    """A sheet's hints in every language a workbook is written in: the import skips a hint row in any."""
    return hint_texts_of(*sheet.columns)


def hint_texts_of(*columns: Column) -> set[str]:
    texts = set()
    for language in LANGUAGES:
        with force_locale(language):
            texts |= {str(c.hint) for c in columns}
    return texts

"""Writing the masterplan workbook: the empty template, or a whole masterplan in the same shape.

Written in openpyxl's write-only mode (rows stream out; a masterplan with a thousand programs stays
small in memory). Drop-downs are data validations pointing at the code list sheet, so they hold any
number of entries (an inline list is limited to 255 characters). Every row goes through
``app.core.exports``: a text someone typed that starts like a formula (``=HYPERLINK(...)``) is written
as text, and the import reads it back unchanged.
"""

from collections.abc import Callable
from datetime import date
from io import BytesIO

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.core.exports import append_row
from app.core.exports import xlsx_cell as _cell
from app.core.numbers import number_locale
from app.masterplan.common import MasterplanRefs
from app.masterplan.content import MasterplanContent
from app.masterplan.exchange.shape import (
    CODE_LIST_SHEET,
    FIRST_DATA_ROW,
    ID_COLUMN,
    INSTRUCTIONS_SHEET,
    LANGUAGE_LABEL,
    MISSION,
    NO,
    SHEETS,
    TARGET_HEADER,
    VISION,
    YES,
    CodeList,
    Column,
    Sheet,
    code_lists,
    natural_key,
)
from app.masterplan.models import (
    READINESS_ASPECTS,
    ActionItem,
    GapAnalysis,
    Goal,
    Indicator,
    IndicatorTarget,
    Masterplan,
    Mission,
    Program,
    ReadinessEntry,
    Strategy,
    SwotItem,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Drop-downs and year checks reach this many rows below the data, so rows added by hand get them too.
SPARE_ROWS = 1000

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
REQUIRED_FILL = PatternFill("solid", fgColor="833C0B")
HINT_FONT = Font(italic=True, color="595959", size=9)
HINT_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
AMOUNT_FORMAT = "#,##0"


def build_workbook(
    masterplan: Masterplan,
    refs: MasterplanRefs,
    tenant_name: str,
    content: MasterplanContent | None = None,
    on_sheet: Callable[[int, int, str], None] | None = None,
    rows: dict[str, list[list]] | None = None,
    language: str | None = None,
) -> bytes:
    """The workbook of ``masterplan``: empty (the template) or holding ``content`` (an export), with its
    hints in ``language`` (the reader's, by default), which the instructions sheet states.

    ``rows`` fills it with rows made elsewhere instead (the benchmark generates a large masterplan so)."""
    language = number_locale(language)
    with force_locale(language):
        return _build(masterplan, refs, tenant_name, content, on_sheet, rows, language)


def _build(masterplan, refs, tenant_name, content, on_sheet, rows, language: str) -> bytes:
    lists = code_lists(refs)
    years = target_years(masterplan, content)
    if rows is None:
        rows = sheet_rows(content, years) if content is not None else {}
    workbook = Workbook(write_only=True)
    _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), masterplan, tenant_name, refs, content, language)
    ranges = _code_list_ranges(lists)
    for index, sheet in enumerate(SHEETS):
        if on_sheet:
            on_sheet(index, len(SHEETS), sheet.title)
        _data_sheet(workbook, sheet, rows.get(sheet.key, []), years, masterplan, ranges)
    _code_list_sheet(workbook.create_sheet(CODE_LIST_SHEET), lists)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def target_years(masterplan: Masterplan, content: MasterplanContent | None) -> list[int]:
    """The indicator sheet's target columns: the period's years, and any other year a target is set for
    (a revision for a new period keeps the old years; they are shown, not dropped)."""
    years = set(masterplan.years)
    if content is not None:
        years |= {t.year for t in content[IndicatorTarget]}
    return sorted(years)


def columns_of(sheet: Sheet, years: list[int]) -> list[Column]:
    columns = list(sheet.columns)
    if sheet.yearly_targets:
        columns += [
            Column(
                f"target_{y}",
                TARGET_HEADER.format(year=y),
                _("Target for %(year)s", year=y),
                12,
                kind="number",
            )
            for y in years
        ]
    if sheet.stable_id:
        columns.append(ID_COLUMN)  # last, after the yearly targets
    return columns


# --- sheets -------------------------------------------------------------------------------------------


def _data_sheet(workbook, sheet: Sheet, rows: list[list], years, masterplan, ranges: dict[str, str]) -> None:
    ws = workbook.create_sheet(sheet.title)
    columns = columns_of(sheet, years)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    last_row = FIRST_DATA_ROW + len(rows) + SPARE_ROWS
    for index, column in enumerate(columns, start=1):
        validation = _validation(column, ranges, masterplan)
        if validation is not None:
            letter = get_column_letter(index)
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
            # Write-only sheets keep their validations in this list (add_data_validation is not offered).
            ws.data_validations.append(validation)
    append_row(
        ws,
        [
            _cell(ws, c.title, HEADER_FONT, REQUIRED_FILL if c.required else HEADER_FILL, WRAP)
            for c in columns
        ],
    )
    append_row(ws, [_cell(ws, str(c.hint), HINT_FONT, HINT_FILL, WRAP) for c in columns])
    amounts = [i for i, c in enumerate(columns) if c.kind == "amount"]
    for row in rows:
        for i in amounts:
            if row[i] is not None:
                row[i] = _cell(ws, row[i], number_format=AMOUNT_FORMAT)
        append_row(ws, row)


def _validation(column: Column, ranges: dict[str, str], masterplan: Masterplan) -> DataValidation | None:
    if column.choices and column.choices in ranges:
        return DataValidation(
            type="list",
            formula1=ranges[column.choices],
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Kode tidak dikenal",
            error=f"Pilih kode dari daftar (lembar {CODE_LIST_SHEET}).",
        )
    if column.kind == "year" and column.key == "year":
        start, end = masterplan.period_start, masterplan.period_end
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(start),
            formula2=str(end),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Tahun di luar periode",
            error=f"Tahun harus dalam periode masterplan {start}–{end}.",
        )
    return None


def _code_list_ranges(lists: dict[str, CodeList]) -> dict[str, str]:
    """Where each list's codes sit on the code list sheet: two columns per list (code, meaning) and a
    blank column between lists."""
    ranges = {}
    for index, code_list in enumerate(lists.values()):
        if not code_list.entries:
            continue  # an empty range is no list at all: the column goes without a drop-down
        letter = get_column_letter(index * 3 + 1)
        ranges[code_list.key] = f"'{CODE_LIST_SHEET}'!${letter}$2:${letter}${len(code_list.entries) + 1}"
    return ranges


def _code_list_sheet(ws, lists: dict[str, CodeList]) -> None:
    for index in range(len(lists)):
        ws.column_dimensions[get_column_letter(index * 3 + 1)].width = 16
        ws.column_dimensions[get_column_letter(index * 3 + 2)].width = 34
        ws.column_dimensions[get_column_letter(index * 3 + 3)].width = 3
    header = []
    for code_list in lists.values():
        header += [
            _cell(ws, code_list.title, HEADER_FONT, HEADER_FILL),
            _cell(ws, "Arti", HEADER_FONT, HEADER_FILL),
        ]
        header.append(None)
    append_row(ws, header)
    longest = max(len(c.entries) for c in lists.values())
    for i in range(longest):
        row = []
        for code_list in lists.values():
            row += list(code_list.entries[i]) if i < len(code_list.entries) else [None, None]
            row.append(None)
        append_row(ws, row)


INSTRUCTIONS = (
    "Setiap lembar memuat satu bagian masterplan. Baris 1 adalah judul kolom (jangan diubah), baris 2 "
    "petunjuk singkat; isi data mulai baris 3. Kolom bertanda * wajib diisi.",
    "Pilih kode dari daftar tarik-turun (drop-down). Daftar lengkap beserta artinya ada di lembar "
    f"{CODE_LIST_SHEET}.",
    "Kolom yang memuat beberapa kode (Dimensi pada misi, OPD Pendukung, Strategi, Tahun Peta Jalan) "
    "ditulis dipisahkan koma, misalnya: DISKOMINFO, BAPPEDA.",
    "Tahun anggaran, rencana aksi, target dan peta jalan harus berada dalam periode masterplan "
    "({start}–{end}). Tahun nilai awal indikator boleh sebelum periode. Tahun di luar periode yang sudah "
    "tersimpan pada baris itu (misalnya dari versi yang direvisi) tetap diterima.",
    "Angka ditulis sebagai angka sel, atau sebagai teks dengan cara penulisan bahasa berkas ini (baris "
    "Bahasa di atas): untuk id titik memisahkan ribuan dan koma menandai desimal, misalnya 1.250,5; "
    "jumlah rupiah boleh ditulis Rp 1.250.000.000,00, 1,25 M, Rp 2,5 miliar atau 2,5 juta (sen selain ,00 "
    "tidak diterima). Penulisan yang dapat dibaca dua cara ditolak dengan penjelasan.",
    "Baris dikenali dari kodenya: Kode untuk strategi dan program, Nomor untuk misi, Dimensi dan Aspek "
    "untuk kesiapan, kolom ID (diisi oleh aplikasi saat ekspor) untuk bagian lain; nomor No hanya urutan. "
    "Baris tanpa ID adalah baris baru. Baris yang sudah ada diperbarui, baris baru ditambahkan. Baris "
    "yang dihapus dari berkas tidak menghapus data di aplikasi.",
    "Anggaran dan mitra: setiap program yang tercantum pada lembar Anggaran Program atau Mitra mendapat "
    "tepat baris-baris yang tercantum di sana (baris lamanya diganti).",
    "Target indikator: satu kolom per tahun (Target 2025, Target 2026, ...). Sel kosong berarti tidak ada "
    "target tahun itu.",
    "Impor diperiksa seluruhnya lebih dulu. Jika ada satu baris saja yang salah, tidak ada yang diimpor; "
    "laporan menyebut lembar, baris, kolom dan alasannya untuk setiap baris yang salah. Perbaiki lalu "
    "impor lagi.",
    "Hanya masterplan berstatus draf yang dapat diimpor. Mengimpor berkas yang sama dua kali tidak "
    "mengubah apa pun.",
)


def _instructions(
    ws, masterplan: Masterplan, tenant_name: str, refs: MasterplanRefs, content, language
) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 110
    bold = Font(bold=True)
    append_row(ws, [_cell(ws, "Templat Masterplan Smart City", Font(bold=True, size=14))])
    append_row(ws, [])
    facts = (
        ("Pemerintah daerah", tenant_name),
        ("Masterplan", masterplan.title),
        ("Versi", masterplan.version_label),
        ("Periode", f"{masterplan.period_start}–{masterplan.period_end}"),
        ("Dimensi", ", ".join(d.code for d in refs.dimensions) or "–"),
        ("Isi", "Ekspor data masterplan" if content is not None else "Templat kosong"),
        ("Dibuat", date.today().isoformat()),
        (LANGUAGE_LABEL, language),
    )
    for label, value in facts:
        append_row(ws, [_cell(ws, label, bold), value])
    append_row(ws, [])
    append_row(ws, [_cell(ws, "Cara mengisi", Font(bold=True, size=12))])
    start, end = masterplan.period_start, masterplan.period_end
    for number, text in enumerate(INSTRUCTIONS, start=1):
        append_row(ws, [number, _cell(ws, text.format(start=start, end=end), alignment=WRAP)])
    append_row(ws, [])
    append_row(ws, [_cell(ws, "Lembar", bold), _cell(ws, "Isi · baris dikenali dari", bold)])
    for sheet in SHEETS:
        append_row(ws, [sheet.title, _cell(ws, f"{sheet.about} · {sheet.identified_by}", alignment=WRAP)])
    append_row(ws, [CODE_LIST_SHEET, "Daftar kode untuk pilihan tarik-turun, dengan artinya."])


# --- a masterplan's rows ---------------------------------------------------------------------------------


def _figure(value):
    """A number as people type it: 230 rather than 230.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def sheet_rows(content: MasterplanContent, years: list[int]) -> dict[str, list[list]]:
    """Every sheet's data rows, in the column order of the shape."""
    mp, refs = content.masterplan, content.refs

    def dim(row) -> str | None:
        found = refs.dimension_by_id.get(row.dimension_id)
        return found.code if found else None

    def sub(row) -> str | None:
        found = refs.sub_dimension_by_id.get(row.sub_dimension_id)
        return found.code if found else None

    def opd(opd_id) -> str | None:
        found = refs.opd_by_id.get(opd_id)
        return found.code if found else None

    order = {d.id: i for i, d in enumerate(refs.dimensions)}
    rows: dict[str, list[list]] = {}

    missions = [[VISION, None, mp.vision, None]] if mp.vision else []
    served = content.mission_dimensions()
    for m in sorted(content[Mission], key=lambda m: m.number):
        dims = sorted(served.get(m.id, []), key=lambda d: order.get(d, 99))
        missions.append([MISSION, m.number, m.text, ", ".join(refs.dimension_by_id[d].code for d in dims)])
    rows["missions"] = missions

    aspects = {a: i for i, a in enumerate(READINESS_ASPECTS)}
    rows["readiness"] = [
        [dim(r), r.aspect, r.level, r.condition]
        for r in sorted(
            content[ReadinessEntry], key=lambda r: (order.get(r.dimension_id, 99), aspects[r.aspect])
        )
    ]
    rows["gaps"] = [
        [g.position + 1, sub(g), g.current_condition, g.future_condition, g.implication, str(g.id)]
        for g in sorted(content[GapAnalysis], key=lambda g: g.position)
    ]
    rows["swot"] = [
        [s.position + 1, dim(s), s.quadrant, s.text, str(s.id)]
        for s in sorted(content[SwotItem], key=lambda s: s.position)
    ]
    goals = sorted(content[Goal], key=lambda g: g.position)
    rows["goals"] = [[g.position + 1, dim(g), sub(g), g.text, str(g.id)] for g in goals]
    goal_no = {g.id: g.position + 1 for g in goals}
    targets = content.targets_by_indicator()
    rows["indicators"] = [
        [
            i.position + 1,
            goal_no.get(i.goal_id),
            i.code,
            i.name,
            i.unit,
            i.polarity,
            i.accumulation,
            _figure(i.baseline_value),
            i.baseline_year,
            i.data_source,
            opd(i.responsible_opd_id),
            *(_figure(targets.get(i.id, {}).get(y)) for y in years),
            str(i.id),
        ]
        for i in sorted(content[Indicator], key=lambda i: i.position)
    ]
    strategies = {s.id: s for s in content[Strategy]}
    rows["strategies"] = [
        [s.code, dim(s), sub(s), strategies[s.parent_id].code if s.parent_id in strategies else None, s.text]
        for s in sorted(strategies.values(), key=lambda s: natural_key(s.code))
    ]
    programs = sorted(content[Program], key=lambda p: natural_key(p.code))
    served_strategies = content.strategies_by_program()
    supporting = content.opds_by_program()
    rows["programs"] = [
        [
            p.code,
            p.name,
            p.description,
            dim(p),
            sub(p),
            p.program_class,
            p.horizon,
            YES if p.quick_win else NO,
            opd(p.lead_opd_id),
            ", ".join(sorted(filter(None, (opd(o) for o in supporting.get(p.id, []))))),
            ", ".join(
                sorted(
                    (strategies[s].code for s in served_strategies.get(p.id, []) if s in strategies),
                    key=natural_key,
                )
            ),
            ", ".join(str(y) for y in sorted(p.roadmap_years or [])),
            p.status,
        ]
        for p in programs
    ]
    budget, partners = content.budget_by_program(), content.partners_by_program()
    rows["budget"] = [
        [p.code, b.year, b.funding_source, b.amount, b.status] for p in programs for b in budget.get(p.id, [])
    ]
    rows["partners"] = [[p.code, x.name, x.sector] for p in programs for x in partners.get(p.id, [])]
    program_code = {p.id: p.code for p in programs}
    rows["actions"] = [
        [
            a.position + 1,
            program_code.get(a.program_id),
            a.year,
            a.activity,
            a.output,
            a.target,
            opd(a.opd_id),
            a.budget,
            str(a.id),
        ]
        for a in sorted(content[ActionItem], key=lambda a: a.position)
    ]
    return rows

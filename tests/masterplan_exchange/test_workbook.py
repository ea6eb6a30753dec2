"""The masterplan workbook: the template a planner downloads, a good file imported whole, the same file
imported again changing nothing, and an export imported into an empty draft reproducing the version."""

from io import BytesIO

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.masterplan.models import BudgetLine, IndicatorTarget, Masterplan, Mission, Program, Strategy
from tests.masterplan_exchange.conftest import (
    export_xlsx,
    job_id,
    logged_in,
    sheet_values,
    upload,
    workbook_bytes,
)

DATA_SHEETS = (
    "Visi dan Misi",
    "Kesiapan",
    "Kesenjangan",
    "SWOT",
    "Sasaran",
    "Indikator",
    "Strategi",
    "Program",
    "Anggaran Program",
    "Mitra",
    "Rencana Aksi",
)


def _template(client, city, masterplan_id=None, lang="id"):
    """The template as a reader of ``lang`` downloads it (its hints and numbers in that language)."""
    response = client.get(city.url(masterplan_id, f"/template.xlsx?lang={lang}"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_the_template_has_a_sheet_per_part_indonesian_headers_and_drop_downs(client, city):
    logged_in(client, city)
    workbook = load_workbook(BytesIO(_template(client, city, lang="en")))

    assert workbook.sheetnames == ["Petunjuk", *DATA_SHEETS, "Daftar Kode"]
    instructions = " ".join(str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row if c.value)
    assert "Cara mengisi" in instructions and "Kota Palopo" in instructions and "2025–2029" in instructions

    programs = workbook["Program"]
    assert [c.value for c in programs[1]][:4] == ["Kode *", "Nama Program *", "Deskripsi", "Dimensi"]
    assert programs["A2"].value == "Program code"  # the hint row, in the reader's language (English)
    assert programs.max_row == 2  # no data in the template

    # Each code column offers the codes of the list sheet as a drop-down.
    codes = workbook["Daftar Kode"]
    lists = {}
    for column in range(1, codes.max_column + 1, 3):
        title = codes.cell(1, column).value
        if title:
            lists[title] = [
                codes.cell(r, column).value
                for r in range(2, codes.max_row + 1)
                if codes.cell(r, column).value
            ]
    assert lists["Dimensi"] == ["GOV", "BRA", "ECO", "LIV", "SOC", "ENV"]
    assert "SOC.3" in lists["Sub-dimensi"]
    assert lists["OPD"] == ["BAPPEDA", "DISDIK", "DISKOMINFO", "DLH"]
    assert lists["Sumber Dana"][:3] == ["APBD", "APBN", "DAK"]
    assert set(lists["Sektor Pentahelix"]) == {"PEMERINTAH", "AKADEMISI", "BISNIS", "KOMUNITAS", "MEDIA"}
    assert lists["Polaritas"] == ["higher_better", "lower_better", "neutral"]

    def drop_downs(sheet):
        found = {}
        for validation in workbook[sheet].data_validations.dataValidation:
            if validation.type == "list":
                for cell_range in validation.sqref.ranges:
                    found[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation.formula1
        return found

    program_lists = drop_downs("Program")
    for column, title in (
        ("D", "Dimensi"),
        ("E", "Sub-dimensi"),
        ("F", "Kelas Program"),
        ("G", "Horizon"),
        ("H", "Quick Win"),
        ("I", "OPD"),
        ("M", "Status Program"),
    ):
        sheet, cells = program_lists[column].split("!")
        assert sheet == "'Daftar Kode'", column
        first_column, first_row, _c, last_row = range_boundaries(cells.replace("$", ""))
        assert codes.cell(1, first_column).value == title  # the list the drop-down offers
        assert last_row - first_row + 1 == len(lists[title])  # all of it, nothing more
    assert set(drop_downs("Anggaran Program")) == {"C", "E"}  # funding source, budget status
    assert set(drop_downs("Mitra")) == {"C"}
    assert {"F", "G", "K"} <= set(drop_downs("Indikator"))  # polarity, accumulation, OPD
    # One target column per year of the period.
    assert [c.value for c in workbook["Indikator"][1]][-6:-1] == [f"Target {y}" for y in range(2025, 2030)]
    # Parts without a code of their own end with their id, which an import matches them by.
    for sheet in ("Kesenjangan", "SWOT", "Sasaran", "Indikator", "Rencana Aksi"):
        assert workbook[sheet].cell(1, workbook[sheet].max_column).value == "ID", sheet


def without_ids(values: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Sheet values without the ID column, which differs between versions holding the same rows."""
    return {
        title: [row[:-1] for row in rows] if rows and rows[0] and rows[0][-1] == "ID" else rows
        for title, rows in values.items()
    }


def _fill(workbook, sheet: str, rows: list[list]) -> None:
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            workbook[sheet].cell(3 + offset, column, value)


def _good_workbook(template: bytes) -> bytes:
    workbook = load_workbook(BytesIO(template))
    _fill(
        workbook,
        "Visi dan Misi",
        [
            ["VISI", None, "Kota cerdas yang melayani", None],
            ["MISI", 1, "Layanan publik terpadu", "GOV, SOC"],
        ],
    )
    _fill(workbook, "Kesiapan", [["SOC", "STRUKTUR", "MEDIUM", "Forum masyarakat aktif"]])
    _fill(workbook, "Kesenjangan", [[1, "SOC.3", "Kriminal tinggi", "Aman", None]])
    _fill(workbook, "SWOT", [[1, "SOC", "S", "Forum aktif"], [2, "SOC", "W", "SDM TIK terbatas"]])
    _fill(workbook, "Sasaran", [[1, "SOC", "SOC.3", "Masyarakat merasa aman"]])
    _fill(
        workbook,
        "Indikator",
        [
            [
                1,
                1,
                "IND-9",
                "Kasus tertangani",
                "kasus",
                "lower_better",
                "annual",
                230,
                2019,
                "Polres",
                "DISKOMINFO",
                210,
                200,
                None,
                None,
                150,
            ]
        ],
    )
    _fill(
        workbook,
        "Strategi",
        [
            ["S.1.1", None, None, "S.1", "CCTV terpadu"],  # its parent comes below
            ["S.1", "SOC", "SOC.3", None, "Keamanan terpadu"],
        ],
    )
    _fill(
        workbook,
        "Program",
        [
            [
                "P-1",
                "Command center 112",
                "Integrasi",
                "SOC",
                "SOC.3",
                "INFRASTRUKTUR",
                "MENENGAH",
                "Ya",
                "DISKOMINFO",
                "BAPPEDA, DLH",
                "S.1.1",
                "2025, 2026",
                "planned",
            ],
            [
                "P-2",
                "Ronda digital",
                None,
                None,
                "SOC.3",
                None,
                None,
                "Tidak",
                None,
                None,
                None,
                "2027-2029",
                None,
            ],
        ],
    )
    _fill(
        workbook,
        "Anggaran Program",
        [["P-1", 2025, "APBD", 1_250_000_000, "allocated"], ["P-1", 2026, "DAK", "Rp 300.000.000", None]],
    )
    _fill(workbook, "Mitra", [["P-1", "Universitas Andi Djemma", "AKADEMISI"]])
    _fill(
        workbook,
        "Rencana Aksi",
        [[1, "P-1", 2025, "Integrasi CCTV", "CCTV terhubung", "40 titik", "DISKOMINFO", 700_000_000]],
    )
    return workbook_bytes(workbook)


def test_a_good_workbook_imports_everything_and_importing_it_again_changes_nothing(client, city):
    logged_in(client, city)
    draft = city.new_draft("3.0")
    data = _good_workbook(_template(client, city, draft))

    run, _path = city.job(job_id(upload(client, city, data, draft)))
    assert run.status == "succeeded", run.error
    assert "Imported" in run.message
    counts = city.counts(draft)
    assert counts == {
        "missions": 1,
        "mission_dimensions": 2,
        "readiness_entries": 1,
        "gap_analyses": 1,
        "swot_items": 2,
        "goals": 1,
        "indicators": 1,
        "indicator_targets": 3,
        "strategies": 2,
        "programs": 2,
        "program_strategies": 1,
        "program_opds": 2,
        "program_partners": 1,
        "budget_lines": 2,
        "action_items": 1,
    }
    with city.inside():
        assert db.session.get(Masterplan, (city.tenant_id, draft)).vision == "Kota cerdas yang melayani"
        p1 = db.session.scalar(select(Program).where(Program.masterplan_id == draft, Program.code == "P-1"))
        assert (p1.quick_win, p1.roadmap_years, p1.horizon) == (True, [2025, 2026], "MENENGAH")
        amounts = db.session.scalars(
            select(BudgetLine.amount).where(BudgetLine.program_id == p1.id).order_by(BudgetLine.year)
        ).all()
        assert amounts == [1_250_000_000, 300_000_000]
        p2 = db.session.scalar(select(Program).where(Program.masterplan_id == draft, Program.code == "P-2"))
        assert p2.roadmap_years == [2027, 2028, 2029] and p2.status == "planned"
        strategies = {
            s.code: s for s in db.session.scalars(select(Strategy).where(Strategy.masterplan_id == draft))
        }
        assert strategies["S.1.1"].parent_id == strategies["S.1"].id
        assert strategies["S.1.1"].dimension_id == strategies["S.1"].dimension_id  # placed with its parent
        targets = db.session.execute(
            select(IndicatorTarget.year, IndicatorTarget.value).where(IndicatorTarget.masterplan_id == draft)
        ).all()
        assert sorted(targets) == [(2025, 210.0), (2026, 200.0), (2029, 150.0)]
    first_export = export_xlsx(client, city, draft)

    # The export names each row by its code or its id: imported again it changes nothing.
    run, _path = city.job(job_id(upload(client, city, first_export, draft)))
    assert run.status == "succeeded", run.error
    assert "0 rows added, 0 changed" in run.message
    assert city.counts(draft) == counts
    assert sheet_values(export_xlsx(client, city, draft)) == sheet_values(first_export)
    with city.inside():
        writes = db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.reference == str(run.id), AuditEntry.action.in_(("create", "update", "delete"))
            )
        ).all()
    assert writes == []  # the second import wrote no row at all


def test_an_export_imported_into_an_empty_draft_reproduces_the_version(client, city):
    logged_in(client, city)
    exported = export_xlsx(client, city)
    cells = sheet_values(exported)
    assert cells["Program"][2][:2] == ("PLP-01", "Layanan Darurat Terpadu 112 tahap 1")
    assert ("PLP-01", 2025, "APBD", 1_250_000_000, "allocated") in cells["Anggaran Program"]

    empty = city.new_draft("9.0")
    run, _path = city.job(job_id(upload(client, city, exported, empty)))
    assert run.status == "succeeded", run.error

    assert city.counts(empty) == city.counts(city.masterplan_id)
    # The same rows, each under the id it has in the new draft.
    assert without_ids(sheet_values(export_xlsx(client, city, empty))) == without_ids(cells)


def test_changing_a_cell_in_an_export_updates_only_that_row(client, city):
    logged_in(client, city)
    workbook = load_workbook(BytesIO(export_xlsx(client, city)))
    programs = workbook["Program"]
    row = next(r for r in range(3, programs.max_row + 1) if programs.cell(r, 1).value == "PLP-02")
    programs.cell(row, 2, "Program pengembangan 2 (direvisi)")
    before = city.counts(city.masterplan_id)

    run, _path = city.job(job_id(upload(client, city, workbook_bytes(workbook))))
    assert run.status == "succeeded", run.error
    assert "0 rows added, 1 changed" in run.message
    assert city.counts(city.masterplan_id) == before
    with city.inside():
        names = db.session.scalars(
            select(Program.name).where(Program.masterplan_id == city.masterplan_id).order_by(Program.code)
        ).all()
        assert names[1] == "Program pengembangan 2 (direvisi)"
        assert (
            db.session.scalar(
                select(Mission.text).where(Mission.masterplan_id == city.masterplan_id, Mission.number == 1)
            )
            == "Tata kelola yang cerdas"
        )

"""Choice cells as people fill them (the code, the Indonesian meaning on the code sheet, the English label,
values pasted from LibreOffice and Google Sheets), the hint row in the workbook's language, and strategy
codes that start with their dimension's prefix."""

from io import BytesIO

from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.masterplan.exchange.reading import read_report
from app.masterplan.exchange.shape import SHEET_BY_KEY
from app.masterplan.models import BudgetLine, Indicator, ReadinessEntry, Strategy, SwotItem
from tests.masterplan_exchange.conftest import job_id, logged_in, upload, workbook_bytes


def _template(client, city, masterplan_id, lang: str = "id") -> bytes:
    response = client.get(city.url(masterplan_id, f"/template.xlsx?lang={lang}"))
    assert response.status_code == 200
    return response.data


def _fill(workbook, sheet: str, rows: list[list], first_row: int = 3) -> None:
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            workbook[sheet].cell(first_row + offset, column, value)


def _import(client, city, draft, workbook):
    run, path = city.job(job_id(upload(client, city, workbook_bytes(workbook), draft)))
    return run, (read_report(path)[0] if path and run.status == "failed" else [])


def test_a_choice_cell_takes_the_code_the_indonesian_meaning_the_english_label_and_pasted_values(
    client, city
):
    logged_in(client, city)
    draft = city.new_draft("3.0")
    workbook = load_workbook(BytesIO(_template(client, city, draft)))
    # SWOT quadrants written every way a city's staff write them.
    quadrants = [
        "S",  # the code
        "Kelemahan",  # the meaning on the code sheet (W)
        "opportunity",  # the English label, any case (O)
        "T – Ancaman",  # code and meaning together, as some templates write them
        "S\tKekuatan",  # two cells of the code sheet copied into one
        "\u00a0Peluang\u00a0",  # LibreOffice's non-breaking spaces (O)
        "\u201cW\u201d",  # curly quotes from a web page
        "Ancaman\u200b",  # a zero-width space from Google Sheets (T)
        "Ｓ",  # a full-width letter from an Asian input method (S)
        "Threat (T)",
    ]
    _fill(workbook, "SWOT", [[n, "SOC", q, f"Butir {n}"] for n, q in enumerate(quadrants, start=1)])
    _fill(
        workbook,
        "Kesiapan",
        [
            [
                "Smart Society",
                "Struktur",
                "Tinggi",
                "Forum aktif",
            ],  # dimension by name, aspect by its first word
            ["soc", "Infrastructure", "medium", "Jaringan terbatas"],
            ["Smart Governance", "SUPRASTRUKTUR: kebijakan, kelembagaan", "Rendah", "Perwali ada"],
        ],
    )
    _fill(workbook, "Sasaran", [[1, "Smart Society", "Keamanan Masyarakat", "Aman"]])
    _fill(
        workbook,
        "Indikator",
        [
            [
                1,
                1,
                None,
                "Kasus",
                "kasus",
                "Semakin rendah semakin baik",
                "Tahunan",
                None,
                None,
                None,
                "Dinas Diskominfo",
            ],
            [2, 1, None, "Layanan", "layanan", "Higher is better", "cumulative", None, None, None, "BAPPEDA"],
        ],
    )
    _fill(workbook, "Strategi", [["S.1", "SOC", None, None, "Keamanan"]])
    _fill(workbook, "Program", [["P-1", "Command center", None, "SOC"] + [None] * 9])
    _fill(
        workbook,
        "Anggaran Program",
        [["P-1", 2025, "APBD", 100, "Dialokasikan"], ["P-1", 2026, "Regional budget", 200, "indicative"]],
    )

    run, problems = _import(client, city, draft, workbook)
    assert run.status == "succeeded", problems

    with city.inside():
        swot = db.session.scalars(
            select(SwotItem).where(SwotItem.masterplan_id == draft).order_by(SwotItem.position)
        )
        assert [s.quadrant for s in swot] == ["S", "W", "O", "T", "S", "O", "W", "T", "S", "T"]
        readiness = db.session.scalars(
            select(ReadinessEntry).where(ReadinessEntry.masterplan_id == draft)
        ).all()
        assert sorted((r.aspect, r.level) for r in readiness) == [
            ("INFRASTRUKTUR", "MEDIUM"),
            ("STRUKTUR", "HIGH"),
            ("SUPRASTRUKTUR", "LOW"),
        ]
        indicators = db.session.scalars(
            select(Indicator).where(Indicator.masterplan_id == draft).order_by(Indicator.position)
        ).all()
        assert [(i.polarity, i.accumulation) for i in indicators] == [
            ("lower_better", "annual"),
            ("higher_better", "cumulative"),
        ]
        assert indicators[0].responsible_opd_id is not None  # the OPD by its name
        budget = db.session.execute(
            select(BudgetLine.funding_source, BudgetLine.status)
            .where(BudgetLine.masterplan_id == draft)
            .order_by(BudgetLine.year)
        ).all()
        assert budget == [("APBD", "allocated"), ("APBD", "indicative")]


def test_a_value_in_no_list_is_refused_naming_the_codes_offered(client, city):
    logged_in(client, city)
    draft = city.new_draft("3.0")
    workbook = load_workbook(BytesIO(_template(client, city, draft)))
    _fill(workbook, "SWOT", [[1, "SOC", "Kekuatan besar", "Forum"], [2, "SOC", "S – Ancaman", "Hoaks"]])
    run, problems = _import(client, city, draft, workbook)
    assert run.status == "failed"
    reasons = {(p.row, p.column): p.reason for p in problems}
    assert set(reasons) == {(3, "C"), (4, "C")}  # a code and a meaning that disagree name nothing
    assert "S, W, O, T" in reasons[(3, "C")]
    assert all(count == 0 for count in city.counts(draft).values())


def test_the_hint_row_is_in_the_workbooks_language_and_skipped_in_either(client, city, app):
    logged_in(client, city)
    draft = city.new_draft("3.0")
    english = load_workbook(BytesIO(_template(client, city, draft, "en")))
    indonesian = load_workbook(BytesIO(_template(client, city, draft, "id")))

    def facts(workbook):
        return {
            row[0]: row[1] for row in workbook["Petunjuk"].iter_rows(max_row=12, values_only=True) if row[0]
        }

    assert facts(english)["Bahasa"] == "en" and facts(indonesian)["Bahasa"] == "id"
    assert english["Program"]["A2"].value == "Program code"
    with app.app_context():
        hints = {}
        for language in ("id", "en"):
            with force_locale(language):
                hints[language] = [str(c.hint) for c in SHEET_BY_KEY["programs"].columns]
    assert [c.value for c in indonesian["Program"][2]][: len(hints["id"])] == hints["id"]
    assert [c.value for c in english["Program"][2]][: len(hints["en"])] == hints["en"]

    # An Indonesian workbook whose hint row was pasted from an English one: the hints are still no data.
    _fill(indonesian, "Program", [hints["en"]], first_row=2)
    _fill(indonesian, "Program", [["P-1", "Command center", None, "SOC"] + [None] * 9])
    run, problems = _import(client, city, draft, indonesian)
    assert run.status == "succeeded", problems
    assert city.counts(draft)["programs"] == 1


def test_a_strategy_code_starts_with_its_dimensions_prefix(client, city):
    logged_in(client, city)
    draft = city.new_draft("3.0")
    workbook = load_workbook(BytesIO(_template(client, city, draft)))
    _fill(
        workbook,
        "Strategi",
        [
            ["G.1", "GOV", None, None, "Satu data"],
            ["S.9", "GOV", "GOV.1", None, "Layanan terpadu"],  # S is Smart Society's prefix
            ["S.1", "SOC", None, None, "Keamanan"],
            ["G.1.1", None, None, "S.1", "CCTV"],  # beneath a Society strategy, so in Society: S.1.1
        ],
    )
    run, problems = _import(client, city, draft, workbook)
    assert run.status == "failed"
    reasons = {(p.sheet, p.row, p.column): p.reason for p in problems}
    assert set(reasons) == {("Strategi", 4, "A"), ("Strategi", 6, "A")}
    assert "GOV (Smart Governance)" in reasons[("Strategi", 4, "A")]
    assert "starting with G" in reasons[("Strategi", 4, "A")] and "S.9" in reasons[("Strategi", 4, "A")]
    assert "starting with S" in reasons[("Strategi", 6, "A")]
    with city.inside():
        assert db.session.scalar(select(Strategy).where(Strategy.masterplan_id == draft)) is None

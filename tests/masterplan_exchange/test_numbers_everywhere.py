"""One number parser everywhere: the workbook, the page forms and the API read "1.250" as one thousand two
hundred and fifty in Bahasa Indonesia, Rupiah with their sen and scale words, and refuse what could be
read two ways, saying how to write it."""

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.masterplan.exchange.reading import read_report
from app.masterplan.models import ActionItem, BudgetLine, Goal, Indicator, IndicatorTarget, Program
from tests.masterplan_exchange.conftest import job_id, logged_in, upload, workbook_bytes


def _template(client, city, masterplan_id, lang: str) -> bytes:
    response = client.get(city.url(masterplan_id, f"/template.xlsx?lang={lang}"))
    assert response.status_code == 200
    return response.data


def _fill(workbook, sheet: str, rows: list[list]) -> None:
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            workbook[sheet].cell(3 + offset, column, value)


def _workbook(template: bytes, baseline, targets: list, amounts: list, action_budget) -> bytes:
    """A goal with one indicator, a program with its budget and an action, numbers typed as text."""
    workbook = load_workbook(BytesIO(template))
    _fill(workbook, "Sasaran", [[1, "SOC", "SOC.3", "Masyarakat merasa aman"]])
    indicator = [1, 1, "IND-1", "Cakupan CCTV", "titik", None, None, baseline, 2024, "Diskominfo", None]
    _fill(workbook, "Indikator", [indicator + targets])
    _fill(workbook, "Strategi", [["S.1", "SOC", "SOC.3", None, "Keamanan terpadu"]])
    _fill(workbook, "Program", [["P-1", "Command center", None, "SOC", "SOC.3"] + [None] * 5 + ["S.1"]])
    _fill(
        workbook,
        "Anggaran Program",
        [["P-1", 2025 + i, "APBD", amount, None] for i, amount in enumerate(amounts)],
    )
    _fill(workbook, "Rencana Aksi", [[1, "P-1", 2025, "Integrasi CCTV", None, None, None, action_budget]])
    return workbook_bytes(workbook)


def _stored(city, draft) -> dict:
    with city.inside():
        indicator = db.session.scalar(select(Indicator).where(Indicator.masterplan_id == draft))
        targets = dict(
            db.session.execute(
                select(IndicatorTarget.year, IndicatorTarget.value).where(
                    IndicatorTarget.masterplan_id == draft
                )
            ).all()
        )
        amounts = db.session.scalars(
            select(BudgetLine.amount).where(BudgetLine.masterplan_id == draft).order_by(BudgetLine.year)
        ).all()
        budget = db.session.scalar(select(ActionItem.budget).where(ActionItem.masterplan_id == draft))
        return {
            "baseline": indicator.baseline_value,
            "targets": targets,
            "amounts": amounts,
            "action": budget,
        }


def test_an_indonesian_workbook_with_numbers_typed_as_text_imports_every_value_exactly(client, city):
    logged_in(client, city)
    draft = city.new_draft("3.0")
    data = _workbook(
        _template(client, city, draft, "id"),
        baseline="1.250,5",
        targets=["1.250", "15%", "2,5 juta", "0,75", 1250],
        amounts=["Rp 1.250.000.000,00", "1,25 M", "Rp 2,5 miliar", "2,5 juta", "Rp 450.000.000,-"],
        action_budget="Rp 80.000.000",
    )
    run, path = city.job(job_id(upload(client, city, data, draft)))
    assert run.status == "succeeded", read_report(path) if path else run.error

    assert _stored(city, draft) == {
        "baseline": 1250.5,
        "targets": {2025: 1250.0, 2026: 15.0, 2027: 2_500_000.0, 2028: 0.75, 2029: 1250.0},
        "amounts": [1_250_000_000, 1_250_000_000, 2_500_000_000, 2_500_000, 450_000_000],
        "action": 80_000_000,
    }


def test_an_english_workbook_reads_numbers_the_english_way(client, city):
    logged_in(client, city)
    draft = city.new_draft("3.0")
    data = _workbook(
        _template(client, city, draft, "en"),
        baseline="1,250.5",
        targets=["1.25", None, None, None, None],
        amounts=["Rp 1,250,000,000.00", "2.5 billion"],
        action_budget="2.5 million",
    )
    run, path = city.job(job_id(upload(client, city, data, draft)))
    assert run.status == "succeeded", read_report(path) if path else run.error
    stored = _stored(city, draft)
    assert (stored["baseline"], stored["targets"]) == (1250.5, {2025: 1.25})
    assert (stored["amounts"], stored["action"]) == ([1_250_000_000, 2_500_000_000], 2_500_000)


def test_a_cell_that_is_no_amount_writes_nothing_and_the_report_says_how_to_write_it(client, city):
    logged_in(client, city)
    draft = city.new_draft("3.0")
    data = _workbook(
        _template(client, city, draft, "id"),
        baseline="1.2.5",  # no number: the reason shows how Bahasa Indonesia writes one
        targets=[None] * 5,
        amounts=["Rp 1.250.000,50"],  # sen other than ,00
        action_budget="2,5 m",  # metres? an amount word in lower case is refused
    )
    run, path = city.job(job_id(upload(client, city, data, draft)))
    assert run.status == "failed"
    problems, _total = read_report(path)
    by_sheet = {(p.sheet, p.row, p.column): p.reason for p in problems}
    assert set(by_sheet) == {("Indikator", 3, "H"), ("Anggaran Program", 3, "D"), ("Rencana Aksi", 3, "H")}
    assert "1.250.000" in by_sheet[("Indikator", 3, "H")] and "1,25" in by_sheet[("Indikator", 3, "H")]
    assert (
        "whole Rupiah" in by_sheet[("Anggaran Program", 3, "D")]
        or "bulat" in by_sheet[("Anggaran Program", 3, "D")]
    )
    assert "m is no amount word" in by_sheet[("Rencana Aksi", 3, "H")]
    assert all(count == 0 for count in city.counts(draft).values())


def _goal_id(city, masterplan_id):
    with city.inside():
        return db.session.scalar(select(Goal.id).where(Goal.masterplan_id == masterplan_id).limit(1))


def test_the_indicator_form_reads_numbers_as_the_page_writes_them(client, city):
    from tests.masterplan_exchange.conftest import csrf

    logged_in(client, city)
    page = f"/t/{city.slug}/masterplans/{city.masterplan_id}/indicators/new"
    form = {
        "csrf_token": csrf(client, page + "?lang=id"),
        "goal_id": str(_goal_id(city, city.masterplan_id)),
        "name": "Titik CCTV terhubung",
        "unit": "titik",
        "polarity": "higher_better",
        "accumulation": "annual",
        "baseline_value": "1.250,5",
        "baseline_year": "2024",
        "target-2025": "1.250",
        "target-2026": "1,25",
    }
    response = client.post(page + "?lang=id", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with city.inside():
        indicator = db.session.scalar(select(Indicator).where(Indicator.name == "Titik CCTV terhubung"))
        targets = dict(
            db.session.execute(
                select(IndicatorTarget.year, IndicatorTarget.value).where(
                    IndicatorTarget.indicator_id == indicator.id
                )
            ).all()
        )
        indicator_id = indicator.id
    assert (indicator.baseline_value, targets) == (1250.5, {2025: 1250.0, 2026: 1.25})

    # The edit form shows them back as the page writes them, so saving it again changes nothing.
    edit = client.get(f"/t/{city.slug}/masterplans/{city.masterplan_id}/indicators/{indicator_id}?lang=id")
    html = edit.get_data(as_text=True)
    assert 'value="1.250,5"' in html and 'value="1.250"' in html and 'value="1,25"' in html

    refused = client.post(page + "?lang=id", data={**form, "name": "Lain", "target-2025": "1.2.5"})
    assert refused.status_code == 422
    assert "1.250.000" in refused.get_data(as_text=True)
    with city.inside():
        assert db.session.scalar(select(Indicator).where(Indicator.name == "Lain")) is None


def test_the_api_reads_numbers_sent_as_text_in_the_language_the_request_states(client, city):
    headers = city.token()
    goal_id = str(_goal_id(city, city.masterplan_id))
    url = city.api(tail="/indicators")
    body = {
        "goal_id": goal_id,
        "name": "Layanan daring",
        "unit": "layanan",
        "baseline_value": "1.250",
        "baseline_year": 2024,
    }
    body["targets"] = [{"year": 2025, "value": "1.250,5"}, {"year": 2026, "value": 7}]

    created = client.post(url, json=body, headers={**headers, "Content-Language": "id"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["baseline_value"] == 1250
    assert [t["value"] for t in created.get_json()["targets"]] == [1250.5, 7]

    english = client.post(
        url, json={**body, "name": "English", "targets": []}, headers={**headers, "Content-Language": "en"}
    )
    assert english.status_code == 201 and english.get_json()["baseline_value"] == 1.25

    # "M" is a million to an English writer and a miliar to an Indonesian one: refused, saying so.
    refused = client.post(
        url,
        json={**body, "name": "Lain", "baseline_value": "1.5 M"},
        headers={**headers, "Content-Language": "en"},
    )
    assert refused.status_code == 422
    assert "miliar" in str(refused.get_json()["errors"].get("baseline_value")), refused.get_json()

    with city.inside():
        program_id = str(
            db.session.scalar(select(Program.id).where(Program.masterplan_id == city.masterplan_id).limit(1))
        )
    action = client.post(
        city.api(tail="/action-items"),
        json={"program_id": program_id, "year": 2025, "activity": "Pelatihan", "budget": "Rp 2,5 juta"},
        headers={**headers, "Content-Language": "id"},
    )
    assert action.status_code == 201, action.get_json()
    assert action.get_json()["budget"] == 2_500_000

"""An import matches a row to what the masterplan holds by its code or its id, never by its "No" or its
place in the sheet: a blank template changes nothing, a renumbered sheet re-points nothing, a row without
an id is new."""

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.masterplan.exchange.reading import read_report
from app.masterplan.models import ActionItem, Goal, Indicator, Masterplan, SwotItem
from tests.masterplan_exchange.conftest import export_xlsx, job_id, logged_in, upload, workbook_bytes


def _import(client, city, data: bytes):
    run, path = city.job(job_id(upload(client, city, data)))
    assert run.status == "succeeded", read_report(path) if path else run.error
    return run


def _snapshot(city) -> dict:
    """Every part's rows as the pages read them: by id, with their values and links."""
    with city.inside():
        mp = db.session.get(Masterplan, (city.tenant_id, city.masterplan_id))
        snapshot = {"vision": mp.vision}
        for model in (Goal, Indicator, SwotItem, ActionItem):
            rows = db.session.scalars(select(model).where(model.masterplan_id == city.masterplan_id))
            snapshot[model.__name__] = {
                r.id: {
                    c.key: getattr(r, c.key) for c in model.__table__.columns if c.key not in ("updated_at",)
                }
                for r in rows
            }
        return snapshot


def _writes(city, run) -> list[str]:
    with city.inside():
        return db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.reference == str(run.id), AuditEntry.action.in_(("create", "update", "delete"))
            )
        ).all()


def test_the_blank_template_imported_into_a_filled_masterplan_changes_nothing(client, city):
    logged_in(client, city)
    before, counts = _snapshot(city), city.counts(city.masterplan_id)
    template = client.get(city.url(tail="/template.xlsx?lang=id")).data

    run = _import(client, city, template)
    assert "0 rows added, 0 changed" in run.message
    assert city.counts(city.masterplan_id) == counts
    assert _snapshot(city) == before
    assert _writes(city, run) == []


def test_a_renumbered_sheet_re_points_nothing_and_a_row_without_an_id_is_new(client, city):
    logged_in(client, city)
    before = _snapshot(city)
    workbook = load_workbook(BytesIO(export_xlsx(client, city)))

    # The planner puts a new action first and renumbers the others below it, as people do in a sheet.
    actions = workbook["Rencana Aksi"]
    rows = [[c.value for c in row] for row in actions.iter_rows(min_row=3, max_row=actions.max_row)]
    new = [1, rows[0][1], 2025, "Sosialisasi layanan 112", None, None, None, 5_000_000, None]
    for offset, row in enumerate([new] + [[row[0] + 1, *row[1:]] for row in rows]):
        for column, value in enumerate(row, start=1):
            actions.cell(3 + offset, column).value = value  # (cell(..., None) would leave the old value)
    # ... and swaps the two goals' order, their indicators following them.
    goals, indicators = workbook["Sasaran"], workbook["Indikator"]
    goals.cell(3, 1, 2)
    goals.cell(4, 1, 1)
    for row in range(3, indicators.max_row + 1):
        indicators.cell(row, 2, {1: 2, 2: 1}[indicators.cell(row, 2).value])
    # A SWOT row typed in without an id, under a No already taken by another row's place.
    swot = workbook["SWOT"]
    swot.insert_rows(3)
    for column, value in enumerate([1, "SOC", "W", "SDM TIK terbatas"], start=1):
        swot.cell(3, column, value)
    for row in range(4, swot.max_row + 1):
        swot.cell(row, 1, swot.cell(row, 1).value + 1)

    _import(client, city, workbook_bytes(workbook))
    after = _snapshot(city)

    # Every action kept its activity and budget; the new one was added, nothing overwritten.
    old_actions = {i: (a["activity"], a["budget"], a["program_id"]) for i, a in before["ActionItem"].items()}
    assert {
        i: (a["activity"], a["budget"], a["program_id"])
        for i, a in after["ActionItem"].items()
        if i in old_actions
    } == old_actions
    added = [a for i, a in after["ActionItem"].items() if i not in old_actions]
    assert [(a["activity"], a["position"]) for a in added] == [("Sosialisasi layanan 112", 0)]
    # The goals kept their texts and swapped places; every indicator still measures its own goal.
    assert {i: g["text"] for i, g in after["Goal"].items()} == {
        i: g["text"] for i, g in before["Goal"].items()
    }
    assert sorted(g["position"] for g in after["Goal"].values()) == [0, 1]
    assert all(after["Goal"][i]["position"] != g["position"] for i, g in before["Goal"].items())
    assert {i: x["goal_id"] for i, x in after["Indicator"].items()} == {
        i: x["goal_id"] for i, x in before["Indicator"].items()
    }
    # The SWOT items kept their texts; the typed row is one more.
    assert {i: s["text"] for i, s in after["SwotItem"].items() if i in before["SwotItem"]} == {
        i: s["text"] for i, s in before["SwotItem"].items()
    }
    assert len(after["SwotItem"]) == len(before["SwotItem"]) + 1


def test_an_id_that_is_not_one_is_refused(client, city):
    logged_in(client, city)
    workbook = load_workbook(BytesIO(export_xlsx(client, city)))
    goals = workbook["Sasaran"]
    goals.cell(3, goals.max_column, "tujuh")
    run, path = city.job(job_id(upload(client, city, workbook_bytes(workbook))))
    assert run.status == "failed"
    problems, _total = read_report(path)
    assert [(p.sheet, p.row, p.title) for p in problems][:1] == [("Sasaran", 3, "ID")]

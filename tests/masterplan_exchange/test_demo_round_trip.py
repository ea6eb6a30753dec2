"""The demo's draft versions export to Excel and import back cleanly, changing nothing.

A draft started as a revision for a new period keeps the years of the version it revises (targets,
roadmap, budget and actions in 2022–2024 of a 2025–2029 draft) until the planner changes them; the pages
flag them, and the workbook carries them. Importing the version's own export must accept those years on
the rows that hold them, while a year the workbook adds outside the period is still refused."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import inspect, select

from app.core.auth import SYSTEM
from app.extensions import db
from app.masterplan import versions
from app.masterplan.models import PART_MODELS, BudgetLine, Masterplan
from tests.conftest import login
from tests.masterplan_exchange.conftest import City, export_xlsx, job_id, upload, workbook_bytes
from tests.support.demo import demo_tenant, palopo  # noqa: F401 - fixture: the seeded demo


def _draft(app, slug: str) -> City:
    demo = demo_tenant(app, slug)
    with demo.inside():
        (draft,) = [m for m in versions.list_masterplans(actor=SYSTEM) if m.status == "draft"]
        draft_id = draft.id
    return City(app, slug, demo.tenant_id, demo.admin_id, f"admin@{slug}.demo", None, draft_id)


def _snapshot(city: City) -> dict:
    """Every column of every row of the version and its parts, ids and timestamps included."""

    def values(row) -> tuple:
        return tuple((c.key, getattr(row, c.key)) for c in inspect(type(row)).column_attrs)

    with city.inside():
        masterplan = db.session.get(Masterplan, (city.tenant_id, city.masterplan_id))
        snapshot = {"masterplans": [values(masterplan)]}
        for model in PART_MODELS:
            rows = db.session.scalars(select(model).where(model.masterplan_id == city.masterplan_id))
            snapshot[model.__tablename__] = sorted((values(r) for r in rows), key=repr)
    return snapshot


def _problems(report) -> list[tuple]:
    """The rows of an import's report of problems (none when the import wrote no report)."""
    if report is None:
        return []
    return list(load_workbook(BytesIO(report.read_bytes())).active.iter_rows(values_only=True))[1:]


@pytest.mark.usefixtures("palopo")
@pytest.mark.parametrize(("slug", "label"), [("kota-palopo", "2.0"), ("kota-balikpapan", "3.0")])
def test_a_demo_draft_exported_and_imported_back_is_unchanged(client, app, slug, label):
    city = _draft(app, slug)
    before = _snapshot(city)
    version = dict(before["masterplans"][0])
    assert version["version_label"] == label
    # The revision still holds years of the version it revises: the case this test is about.
    assert any(dict(line)["year"] < version["period_start"] for line in before[BudgetLine.__tablename__])

    login(client, city.admin_email, "kotacerdas-demo")
    data = export_xlsx(client, city)
    run, report = city.job(job_id(upload(client, city, data)))

    assert _problems(report) == []
    assert run.status == "succeeded", run.error
    assert run.message.startswith("Imported: 0 rows added, 0 changed, ")
    assert _snapshot(city) == before


@pytest.mark.usefixtures("palopo")
def test_a_year_the_workbook_adds_outside_the_period_is_still_refused(client, app):
    city = _draft(app, "kota-palopo")
    before = _snapshot(city)
    login(client, city.admin_email, "kotacerdas-demo")
    workbook = load_workbook(BytesIO(export_xlsx(client, city)))
    programs = workbook["Program"]
    header = [c.value for c in programs[1]]
    code_column, roadmap_column = header.index("Kode *") + 1, header.index("Tahun Peta Jalan") + 1
    row = next(r for r in range(3, programs.max_row + 1) if programs.cell(r, code_column).value == "PLP-G-01")
    assert programs.cell(row, roadmap_column).value == "2022, 2023, 2024"  # held from the enacted version
    programs.cell(row, roadmap_column, "2021, 2022, 2023, 2024")

    run, report = city.job(job_id(upload(client, city, workbook_bytes(workbook))))
    assert (run.status, run.attempts) == ("failed", 1)
    assert [(sheet, r, reason) for sheet, r, _col, _title, reason in _problems(report)] == [
        ("Program", row, "2021: outside the masterplan's period 2025–2029.")
    ]
    assert _snapshot(city) == before

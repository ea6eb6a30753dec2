"""The demo masterplans: the seeds' content for each city, all six dimensions on every overview.

Seeding takes seconds, so each test checks several things on one seeded demo."""

import pytest
from sqlalchemy import func, select

from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.demo import seed_demo
from app.extensions import db
from app.masterplan import reports, versions
from app.masterplan.models import PART_MODELS, GapAnalysis, Indicator, Masterplan, Program, Strategy, SwotItem
from app.tenants import services as tenants

SLUGS = ("kota-palopo", "kota-balikpapan", "kab-penajam-paser-utara")


@pytest.fixture
def demo(app_ctx):
    seed_demo()
    return {slug: tenants.find_tenant_by_slug(slug).id for slug in SLUGS}


def _scalars(stmt):
    return list(db.session.scalars(stmt))


def test_the_demo_masterplans_hold_the_seeds_content_and_every_dimension(demo):
    for slug in SLUGS:
        _every_dimension_on_the_overview(demo, slug)
    _palopo_holds_its_smart_society_from_the_seed(demo)
    _balikpapan_has_three_versions_and_its_programs(demo)
    _penajam_paser_utara_has_its_six_quick_wins(demo)


def _every_dimension_on_the_overview(demo, slug):
    with tenant_context(demo[slug]):
        for masterplan in versions.list_masterplans(actor=SYSTEM)[:1] + [
            versions.current_masterplan(actor=SYSTEM)
        ]:
            view = reports.overview(masterplan.id, actor=SYSTEM)
            tiles = [(t.dimension.code, t.programs) for t in view.tiles]
            assert [code for code, _n in tiles] == ["GOV", "BRA", "ECO", "LIV", "SOC", "ENV"]
            assert all(n >= 1 for _code, n in tiles), (slug, tiles)
            # Every part of a masterplan exists in the demo (the isolation walk reaches each kind).
            assert all(count >= 1 for count in view.part_counts.values()), (slug, view.part_counts)


def _palopo_holds_its_smart_society_from_the_seed(demo):
    with tenant_context(demo["kota-palopo"]):
        enacted = versions.current_masterplan(actor=SYSTEM)
        assert (enacted.version_label, enacted.status, enacted.legal_type) == ("1.1", "enacted", "PERWALI")
        codes = _scalars(select(Strategy.code).where(Strategy.masterplan_id == enacted.id))
        assert {"S.1.1", "S.2.1", "S.3.1"} <= set(codes)
        crime = db.session.scalar(
            select(Indicator).where(Indicator.masterplan_id == enacted.id, Indicator.code == "IND-PLP-01")
        )
        assert (crime.baseline_value, crime.baseline_year, crime.polarity) == (230, 2019, "neutral")
        gaps = _scalars(select(GapAnalysis.current_condition).where(GapAnalysis.masterplan_id == enacted.id))
        assert "Tindak kriminal tertangani 230 kasus (2019)" in gaps and len(gaps) == 4
        strengths = _scalars(
            select(SwotItem.text).where(SwotItem.masterplan_id == enacted.id, SwotItem.quadrant == "S")
        )
        assert "Memiliki 17 perguruan tinggi pendukung ekosistem belajar" in strengths
        draft = next(m for m in versions.list_masterplans(actor=SYSTEM) if m.status == "draft")
        assert (draft.revised_from_id, draft.period_start) == (enacted.id, 2025)


def _balikpapan_has_three_versions_and_its_programs(demo):
    with tenant_context(demo["kota-balikpapan"]):
        statuses = {m.version_label: m.status for m in versions.list_masterplans(actor=SYSTEM)}
        assert statuses == {"1.0": "superseded", "2.0": "enacted", "3.0": "draft"}
        names = _scalars(
            select(Program.name).where(Program.masterplan_id == versions.current_masterplan(actor=SYSTEM).id)
        )
        assert any(n.startswith("Klik Balikpapan") for n in names)
        assert any(n.startswith("Si Tanggap") for n in names)


def _penajam_paser_utara_has_its_six_quick_wins(demo):
    with tenant_context(demo["kab-penajam-paser-utara"]):
        masterplan = versions.current_masterplan(actor=SYSTEM)
        quick_wins = _scalars(
            select(Program.code).where(Program.masterplan_id == masterplan.id, Program.quick_win.is_(True))
        )
        assert sorted(quick_wins) == [
            "PPU-B-QW",
            "PPU-EC-QW",
            "PPU-EN-QW",
            "PPU-G-QW",
            "PPU-L-QW",
            "PPU-S-QW",
        ]
        view = reports.overview(masterplan.id, actor=SYSTEM)
        assert [t.quick_wins for t in view.tiles] == [1, 1, 1, 1, 1, 1]


def test_seeding_again_changes_nothing_and_the_reference_command_adds_nothing(app, demo):
    def counts():
        totals = {}
        for slug in SLUGS:
            with tenant_context(demo[slug]):
                for model in (Masterplan, *PART_MODELS):
                    totals[(slug, model.__name__)] = db.session.scalar(
                        select(func.count()).select_from(model)
                    )
        return totals

    before = counts()
    seed_demo()
    assert counts() == before
    result = app.test_cli_runner().invoke(args=["reference", "load"])
    assert result.exit_code == 0
    assert "Frameworks added: 0; code lists added: 0; regions added: 0" in result.output

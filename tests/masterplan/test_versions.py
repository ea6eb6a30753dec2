"""Masterplan versions: creation, review and enactment, read-only enacted versions, revisions, comparison."""

import uuid

from sqlalchemy import func, select

from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan.models import PART_MODELS, BudgetLine, Program
from tests.factories import person
from tests.masterplan.conftest import kominfo_id, make_masterplan

LEGAL = {"legal_type": "PERWALI", "legal_number": "23 Tahun 2025", "legal_date": "2025-06-30"}


def _create(api, **values):
    body = {
        "title": "Masterplan Smart City Kota Palopo",
        "version_label": "1.0",
        "period_start": 2025,
        "period_end": 2029,
        "framework_id": str(kominfo_id()),
        **values,
    }
    return api.post("/masterplans", body)


def _enact(api, masterplan_id, **legal):
    for status in ("in_review", "endorsed"):
        assert api.post(f"/masterplans/{masterplan_id}/transitions", {"status": status}).status_code == 200
    return api.post(f"/masterplans/{masterplan_id}/transitions", {"status": "enacted", **(legal or LEGAL)})


def _fill(api, masterplan_id):
    """One of every part, through the API."""
    base = f"/masterplans/{masterplan_id}"
    opds = {o["code"]: o["id"] for o in api.get("/opds").get_json()}
    api.post(f"{base}/missions", {"text": "Misi satu", "dimension_codes": ["SOC", "GOV"]})
    api.post(
        f"{base}/readiness", {"dimension_code": "SOC", "aspect": "STRUKTUR", "condition": "SDM terbatas"}
    )
    api.post(f"{base}/gaps", {"sub_dimension_code": "SOC.3", "current_condition": "230 kasus (2019)"})
    api.post(f"{base}/swot", {"dimension_code": "SOC", "quadrant": "S", "text": "17 perguruan tinggi"})
    goal = api.post(f"{base}/goals", {"dimension_code": "SOC", "text": "Masyarakat cerdas"}).get_json()
    api.post(
        f"{base}/indicators",
        {
            "goal_id": goal["id"],
            "name": "Tindak kriminal tertangani",
            "unit": "kasus",
            "polarity": "neutral",
            "baseline_value": 230,
            "baseline_year": 2019,
            "targets": [{"year": 2026, "value": 200}, {"year": 2027, "value": 190}],
        },
    )
    top = api.post(
        f"{base}/strategies", {"sub_dimension_code": "SOC.3", "text": "Keamanan Masyarakat"}
    ).get_json()
    child = api.post(f"{base}/strategies", {"parent_id": top["id"], "text": "Layanan keamanan"}).get_json()
    program = api.post(
        f"{base}/programs",
        {
            "code": "PLP-S-03",
            "name": "Layanan Darurat 112",
            "strategy_ids": [child["id"]],
            "quick_win": True,
            "lead_opd_id": opds["DISKOMINFO"],
            "supporting_opd_ids": [opds["BAPPEDA"], opds["DLH"]],
            "partners": [{"name": "Polres", "sector": "PEMERINTAH"}],
            "budget_lines": [{"year": 2026, "amount": 1_200_000_000, "funding_source": "APBD"}],
        },
    ).get_json()
    api.post(
        f"{base}/action-items", {"program_id": program["id"], "year": 2026, "activity": "Integrasi CCTV"}
    )
    return program


def test_a_planner_starts_a_version_and_reads_it_back(api):
    response = _create(api, rpjmd_start=2025, rpjmd_end=2029, vision="Kota cerdas")
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["status"] == "draft"
    assert created["signed_document_id"] is None
    shown = api.get(f"/masterplans/{created['id']}")
    assert shown.get_json()["vision"] == "Kota cerdas"
    assert shown.headers["ETag"]
    listed = api.get("/masterplans").get_json()
    assert [m["version_label"] for m in listed] == ["1.0"]


def test_invalid_versions_are_refused_naming_the_field(api, city):
    backwards = _create(api, period_start=2029, period_end=2025)
    assert backwards.status_code == 422 and "period_end" in backwards.get_json()["errors"]
    assert "tenant_id" in _create(api, tenant_id=str(city.tenant_id)).get_json()["errors"]
    assert _create(api, colour="red").status_code == 422
    half_rpjmd = _create(api, rpjmd_start=2025)
    assert half_rpjmd.status_code == 422 and "rpjmd_end" in half_rpjmd.get_json()["errors"]
    assert _create(api).status_code == 201
    assert _create(api).status_code == 409  # version labels are unique per tenant


def test_a_stale_editor_gets_412_and_a_missing_if_match_428(api):
    masterplan = _create(api).get_json()
    url = f"/masterplans/{masterplan['id']}"
    stale = api.get(url).headers["ETag"]
    assert api.patch(url, {"title": "Masterplan 2025"}, etag=stale).status_code == 200
    assert api.patch(url, {"title": "Again"}, etag=stale).status_code == 412
    missing = api.client.patch(api.url(url), json={"title": "X"}, headers=api.setup.headers())
    assert missing.status_code == 428


def test_enacting_needs_the_legal_basis_and_supersedes_the_enacted_version(api):
    first = _create(api).get_json()["id"]
    for status in ("in_review", "endorsed"):
        api.post(f"/masterplans/{first}/transitions", {"status": status})
    refused = api.post(f"/masterplans/{first}/transitions", {"status": "enacted"})
    assert refused.status_code == 422 and "legal_type" in refused.get_json()["errors"]
    enacted = api.post(f"/masterplans/{first}/transitions", {"status": "enacted", **LEGAL}).get_json()
    assert (enacted["status"], enacted["legal_number"], enacted["legal_date"]) == (
        "enacted",
        "23 Tahun 2025",
        "2025-06-30",
    )
    second = api.post(f"/masterplans/{first}/revisions").get_json()
    assert (second["version_label"], second["status"], second["revised_from_id"]) == ("2.0", "draft", first)
    assert _enact(
        api, second["id"], legal_type="PERWALI", legal_number="5 Tahun 2027", legal_date="2027-01-02"
    )
    statuses = {m["version_label"]: m["status"] for m in api.get("/masterplans").get_json()}
    assert statuses == {"1.0": "superseded", "2.0": "enacted"}
    # The next label offered is one no version uses: 3.0, then 4.0 while 3.0 is a draft.
    labels = [api.post(f"/masterplans/{second['id']}/revisions").get_json()["version_label"] for _ in "ab"]
    assert labels == ["3.0", "4.0"]


def test_a_status_cannot_skip_review(api):
    masterplan = _create(api).get_json()["id"]
    response = api.post(f"/masterplans/{masterplan}/transitions", {"status": "enacted", **LEGAL})
    assert response.status_code == 409
    assert "in_review" in response.get_json()["message"]


def test_an_enacted_version_is_read_only(api):
    masterplan = _create(api).get_json()["id"]
    program = _fill(api, masterplan)
    _enact(api, masterplan)
    base = f"/masterplans/{masterplan}"
    assert api.patch(base, {"title": "Changed"}).status_code == 409
    assert api.patch(f"{base}/programs/{program['id']}", {"name": "Changed"}).status_code == 409
    assert api.post(f"{base}/missions", {"text": "New"}).status_code == 409
    assert api.delete(f"{base}/programs/{program['id']}").status_code == 409
    assert api.delete(base).status_code == 409
    assert api.get(f"{base}/programs/{program['id']}").get_json()["name"] == "Layanan Darurat 112"


def test_in_review_only_the_legal_basis_is_completed(api):
    masterplan = _create(api).get_json()["id"]
    api.post(f"/masterplans/{masterplan}/transitions", {"status": "in_review"})
    assert api.patch(f"/masterplans/{masterplan}", {"legal_number": "23 Tahun 2025"}).status_code == 200
    assert api.patch(f"/masterplans/{masterplan}", {"title": "Other"}).status_code == 409
    assert api.post(f"/masterplans/{masterplan}/missions", {"text": "Misi"}).status_code == 409


def test_a_revision_copies_the_whole_version(api, city):
    source = _create(api).get_json()["id"]
    program = _fill(api, source)
    _enact(api, source)
    revision = api.post(f"/masterplans/{source}/revisions", {"version_label": "1.1"}).get_json()
    with tenant_context(city.tenant_id):
        for model in PART_MODELS:
            counts = [
                db.session.scalar(select(func.count()).select_from(model).where(model.masterplan_id == m))
                for m in (uuid.UUID(source), uuid.UUID(revision["id"]))
            ]
            assert counts[0] == counts[1] >= 1, model.__name__
    copied = api.get(f"/masterplans/{revision['id']}/programs").get_json()[0]
    assert copied["id"] != program["id"]
    assert copied["code"] == "PLP-S-03" and copied["quick_win"] is True
    assert copied["budget_lines"] == program["budget_lines"]
    assert copied["partners"] == program["partners"]
    strategy = api.get(f"/masterplans/{revision['id']}/strategies/{copied['strategy_ids'][0]}").get_json()
    assert strategy["code"] == "S.3.1"
    # The copy is a draft of its own: changing it leaves the enacted version as it was.
    url = f"/masterplans/{revision['id']}/programs/{copied['id']}"
    assert api.patch(url, {"name": "Layanan Darurat 112 Terpadu"}).status_code == 200
    assert (
        api.get(f"/masterplans/{source}/programs/{program['id']}").get_json()["name"] == "Layanan Darurat 112"
    )


def test_comparing_versions_shows_what_was_added_removed_and_changed(api):
    source = _create(api).get_json()["id"]
    program = _fill(api, source)
    api.post(
        f"/masterplans/{source}/programs", {"code": "PLP-G-01", "name": "Satu Data", "dimension_code": "GOV"}
    )
    revision = api.post(f"/masterplans/{source}/revisions").get_json()["id"]
    copies = {p["code"]: p for p in api.get(f"/masterplans/{revision}/programs").get_json()}
    base = f"/masterplans/{revision}/programs"
    api.patch(
        f"{base}/{copies['PLP-S-03']['id']}",
        {
            "code": "PLP-S-03A",
            "budget_lines": [{"year": 2027, "amount": 900_000_000, "funding_source": "DAK"}],
        },
    )
    api.delete(f"{base}/{copies['PLP-G-01']['id']}")
    api.post(base, {"code": "PLP-EN-01", "name": "Bank sampah", "sub_dimension_code": "ENV.2"})
    result = api.get(f"/masterplans/{revision}/comparison").get_json()
    assert result["base_id"] == source
    programs = {(c["change"], c["label"].split()[0]) for c in result["sections"]["programs"]}
    assert programs == {("changed", "PLP-S-03A"), ("removed", "PLP-G-01"), ("added", "PLP-EN-01")}
    changed = next(c for c in result["sections"]["programs"] if c["change"] == "changed")
    fields = {f["field"]: (f["old"], f["new"]) for f in changed["fields"]}
    assert fields["code"] == ("PLP-S-03", "PLP-S-03A")
    assert fields["budget"] == ("2026 APBD indicative Rp 1.200.000.000", "2027 DAK indicative Rp 900.000.000")
    assert result["sections"]["missions"] == []
    assert program["code"] == "PLP-S-03"


def test_deleting_a_draft_removes_its_content_but_not_a_version_others_revise(api, city):
    draft = _create(api).get_json()["id"]
    _fill(api, draft)
    revision = api.post(f"/masterplans/{draft}/revisions").get_json()["id"]
    refused = api.delete(f"/masterplans/{draft}")
    assert refused.status_code == 409 and "2.0" in refused.get_json()["message"]
    assert api.delete(f"/masterplans/{revision}").status_code == 204
    assert api.delete(f"/masterplans/{draft}").status_code == 204
    with tenant_context(city.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(Program)) == 0
        assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == 0


def test_readers_cannot_change_a_masterplan(client, city):
    from app.accounts import services as accounts
    from app.core.auth import OPD_OPERATOR, VIEWER
    from app.tenants import services as tenants
    from tests.factories import admin_actor

    masterplan = make_masterplan(city)
    for role in (VIEWER, OPD_OPERATOR):
        user = accounts.create_user(f"{role}@palopo.test", role, "correct-horse-battery")
        with tenant_context(city.tenant_id):
            tenants.add_member(user.id, role, actor=admin_actor(city))
        _t, secret = accounts.create_api_token(role, city.tenant_id, actor=person(user.id))
        db.session.commit()
        headers = {"Authorization": f"Bearer {secret}"}
        url = f"/api/v1/t/{city.slug}/masterplans/{masterplan.id}"
        assert client.get(url, headers=headers).status_code == 200
        assert client.post(f"{url}/missions", json={"text": "x"}, headers=headers).status_code == 403
        assert client.post(f"{url}/revisions", json={}, headers=headers).status_code == 403


def test_the_framework_changes_only_while_the_draft_is_empty(api):
    masterplan = _create(api).get_json()["id"]
    frameworks = api.get("/frameworks").get_json()
    village = next(f["id"] for f in frameworks if f["code"] == "KEMENDES-DESA-CERDAS")
    kominfo = next(f["id"] for f in frameworks if f["code"] == "KOMINFO-SC-2021")
    assert api.patch(f"/masterplans/{masterplan}", {"framework_id": village}).status_code == 200
    assert api.patch(f"/masterplans/{masterplan}", {"framework_id": kominfo}).status_code == 200
    api.post(f"/masterplans/{masterplan}/goals", {"dimension_code": "SOC", "text": "Sasaran"})
    refused = api.patch(f"/masterplans/{masterplan}", {"framework_id": village})
    assert refused.status_code == 409 and "framework_id" in refused.get_json()["errors"]

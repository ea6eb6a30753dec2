"""The parts of a masterplan over the API: what each checks, what codes it suggests, what it refuses."""

import json

import pytest

from app.core.auth import SYSTEM
from tests.masterplan.conftest import make_masterplan


@pytest.fixture
def mp(api, city):
    masterplan = make_masterplan(city)
    return f"/masterplans/{masterplan.id}"


@pytest.fixture
def opds(api):
    return {o["code"]: o["id"] for o in api.get("/opds").get_json()}


def test_missions_are_numbered_and_name_the_dimensions_they_serve(api, mp):
    first = api.post(f"{mp}/missions", {"text": "Tata kelola cerdas", "dimension_codes": ["GOV"]})
    assert first.status_code == 201 and first.get_json()["number"] == 1
    fourth = api.post(
        f"{mp}/missions", {"number": 4, "text": "Pelayanan dasar", "dimension_codes": ["SOC", "GOV"]}
    )
    assert fourth.get_json()["dimension_codes"] == ["GOV", "SOC"]  # framework order
    assert api.post(f"{mp}/missions", {"number": 4, "text": "Again"}).status_code == 409
    unknown = api.post(f"{mp}/missions", {"text": "X", "dimension_codes": ["XYZ"]})
    assert unknown.status_code == 422 and "dimension_codes" in unknown.get_json()["errors"]
    url = f"{mp}/missions/{fourth.get_json()['id']}"
    assert api.patch(url, {"dimension_codes": ["SOC"]}).get_json()["dimension_codes"] == ["SOC"]
    assert api.delete(url).status_code == 204
    assert [m["number"] for m in api.get(f"{mp}/missions").get_json()] == [1]


def test_readiness_is_one_entry_per_dimension_and_aspect(api, mp):
    body = {"dimension_code": "SOC", "aspect": "STRUKTUR", "level": "MEDIUM", "condition": "SDM TIK terbatas"}
    assert api.post(f"{mp}/readiness", body).status_code == 201
    assert api.post(f"{mp}/readiness", body).status_code == 409
    wrong = api.post(f"{mp}/readiness", {**body, "aspect": "INFOSTRUKTUR"})
    assert wrong.status_code == 422 and "aspect" in wrong.get_json()["errors"]


def test_gaps_and_swot_belong_to_the_framework(api, mp):
    gap = api.post(
        f"{mp}/gaps",
        {
            "sub_dimension_code": "SOC.3",
            "current_condition": "230 kasus (2019)",
            "implication": "Terbagi di OPD",
        },
    )
    assert gap.status_code == 201
    assert (gap.get_json()["dimension_code"], gap.get_json()["future_condition"]) == ("SOC", None)
    assert (
        api.post(f"{mp}/gaps", {"sub_dimension_code": "MOB.1", "current_condition": "x"}).status_code == 422
    )
    swot = api.post(f"{mp}/swot", {"dimension_code": "SOC", "quadrant": "X", "text": "x"})
    assert swot.status_code == 422 and "quadrant" in swot.get_json()["errors"]


def test_goals_sit_on_a_dimension_or_sub_dimension_and_keep_their_indicators(api, mp, opds):
    by_sub = api.post(f"{mp}/goals", {"sub_dimension_code": "SOC.2", "text": "Ekosistem belajar"}).get_json()
    assert (by_sub["dimension_code"], by_sub["sub_dimension_code"]) == ("SOC", "SOC.2")
    mismatch = api.post(f"{mp}/goals", {"dimension_code": "GOV", "sub_dimension_code": "SOC.2", "text": "x"})
    assert mismatch.status_code == 422 and "sub_dimension_code" in mismatch.get_json()["errors"]
    indicator = api.post(
        f"{mp}/indicators",
        {
            "goal_id": by_sub["id"],
            "code": "IND-01",
            "name": "Perguruan tinggi berbagi kursus daring",
            "unit": "PT",
            "accumulation": "cumulative",
            "baseline_value": 3,
            "baseline_year": 2022,
            "responsible_opd_id": opds["BAPPEDA"],
            "targets": [{"year": 2026, "value": 10}, {"year": 2029, "value": 17}],
        },
    )
    assert indicator.status_code == 201, indicator.get_json()
    refused = api.delete(f"{mp}/goals/{by_sub['id']}")
    assert refused.status_code == 409 and "indicator" in refused.get_json()["message"]
    url = f"{mp}/indicators/{indicator.get_json()['id']}"
    changed = api.patch(url, {"targets": [{"year": 2027, "value": 12}]}).get_json()
    assert changed["targets"] == [{"year": 2027, "value": 12.0}]
    assert changed["baseline_value"] == 3.0
    assert api.delete(url).status_code == 204
    assert api.delete(f"{mp}/goals/{by_sub['id']}").status_code == 204


def test_indicators_check_their_values(api, mp, other_city):
    goal = api.post(f"{mp}/goals", {"dimension_code": "SOC", "text": "Aman"}).get_json()
    base = {"goal_id": goal["id"], "name": "Kasus", "unit": "kasus"}
    twice = api.post(
        f"{mp}/indicators", {**base, "targets": [{"year": 2026, "value": 1}, {"year": 2026, "value": 2}]}
    )
    assert twice.status_code == 422 and "targets" in twice.get_json()["errors"]
    half = api.post(f"{mp}/indicators", {**base, "baseline_value": 230})
    assert half.status_code == 422 and "baseline_year" in half.get_json()["errors"]
    polarity = api.post(f"{mp}/indicators", {**base, "polarity": "up"})
    assert polarity.status_code == 422 and "polarity" in polarity.get_json()["errors"]
    from app.core.tenancy import tenant_context
    from app.tenants import services as tenants

    with tenant_context(other_city.tenant_id):
        foreign_opd = tenants.list_opds(actor=SYSTEM)[0].id
    foreign = api.post(f"{mp}/indicators", {**base, "responsible_opd_id": str(foreign_opd)})
    assert foreign.status_code == 422 and "responsible_opd_id" in foreign.get_json()["errors"]
    other_goal = make_masterplan(api.setup, version_label="9.9")
    stray = api.post(f"/masterplans/{other_goal.id}/indicators", base)
    assert stray.status_code == 422 and "goal_id" in stray.get_json()["errors"]


def test_strategy_codes_are_suggested_from_the_framework_and_unique(api, mp):
    s1 = api.post(
        f"{mp}/strategies", {"sub_dimension_code": "SOC.1", "text": "Interaksi Masyarakat"}
    ).get_json()
    assert s1["code"] == "S.1"
    s3 = api.post(f"{mp}/strategies", {"sub_dimension_code": "SOC.3", "text": "Keamanan"}).get_json()
    assert s3["code"] == "S.3"
    s11 = api.post(f"{mp}/strategies", {"parent_id": s1["id"], "text": "Akses data"}).get_json()
    assert (s11["code"], s11["sub_dimension_code"]) == ("S.1.1", "SOC.1")
    s12 = api.post(f"{mp}/strategies", {"parent_id": s1["id"], "text": "Media digital"}).get_json()
    assert s12["code"] == "S.1.2"
    taken = api.post(f"{mp}/strategies", {"code": "S.1.1", "sub_dimension_code": "SOC.1", "text": "x"})
    assert taken.status_code == 409 and "code" in taken.get_json()["errors"]
    wrong_parent = api.post(f"{mp}/strategies", {"parent_id": s1["id"], "dimension_code": "GOV", "text": "x"})
    assert wrong_parent.status_code == 422 and "parent_id" in wrong_parent.get_json()["errors"]
    suggestions = api.get(f"{mp}/strategy-codes?page_size=100").get_json()
    by_place = {(s["sub_dimension_code"], s["parent_code"]): s["code"] for s in suggestions}
    assert by_place[("SOC.2", None)] == "S.2"
    assert by_place[("SOC.1", "S.1")] == "S.1.3"
    assert by_place[("GOV.1", None)] == "G.1"
    cycle = api.patch(f"{mp}/strategies/{s1['id']}", {"parent_id": s11["id"]})
    assert cycle.status_code == 422 and "parent_id" in cycle.get_json()["errors"]


def test_a_tenant_overrides_the_strategy_prefix(api, mp):
    api.patch(mp, {"strategy_prefixes": {"SOC": "SS"}})
    created = api.post(f"{mp}/strategies", {"sub_dimension_code": "SOC.2", "text": "Belajar"}).get_json()
    assert created["code"] == "SS.2"
    bad = api.patch(mp, {"strategy_prefixes": {"XYZ": "X"}})
    assert bad.status_code == 422 and "strategy_prefixes" in bad.get_json()["errors"]


def test_what_others_point_at_is_not_deleted(api, mp, opds):
    top = api.post(f"{mp}/strategies", {"sub_dimension_code": "SOC.3", "text": "Keamanan"}).get_json()
    child = api.post(f"{mp}/strategies", {"parent_id": top["id"], "text": "Layanan 112"}).get_json()
    program = api.post(
        f"{mp}/programs",
        {
            "code": "PLP-S-03",
            "name": "Call Center 112",
            "strategy_ids": [child["id"]],
            "lead_opd_id": opds["DLH"],
        },
    ).get_json()
    api.post(f"{mp}/action-items", {"program_id": program["id"], "year": 2026, "activity": "Operasional 112"})
    refused = api.delete(f"{mp}/strategies/{top['id']}")
    assert refused.status_code == 409 and "S.3.1" in refused.get_json()["message"]
    refused = api.delete(f"{mp}/strategies/{child['id']}")
    assert refused.status_code == 409 and "PLP-S-03" in refused.get_json()["message"]
    refused = api.delete(f"{mp}/programs/{program['id']}")
    assert refused.status_code == 409 and "action plan" in refused.get_json()["message"]
    # The OPD leads a program: the OPD list refuses to remove it too.
    refused = api.delete(f"/opds/{opds['DLH']}")
    assert refused.status_code == 409
    assert api.get(f"{mp}/programs/{program['id']}").status_code == 200


def test_programs_carry_their_lists_and_check_them(api, mp, opds):
    strategy = api.post(f"{mp}/strategies", {"sub_dimension_code": "SOC.2", "text": "Pendidikan"}).get_json()
    body = {
        "code": "PLP-S-02",
        "name": "Palopo Kampus Terbuka",
        "strategy_ids": [strategy["id"]],
        "program_class": "STRUKTUR",
        "horizon": "MENENGAH",
        "lead_opd_id": opds["BAPPEDA"],
        "supporting_opd_ids": [opds["DISKOMINFO"]],
        "partners": [{"name": "Forum Rektor Luwu Raya", "sector": "AKADEMISI"}],
        "roadmap_years": [2027, 2026, 2026],
        "budget_lines": [
            {"year": 2026, "amount": 300_000_000, "funding_source": "APBD", "status": "allocated"},
            {"year": 2027, "amount": 250_000_000, "funding_source": "CSR"},
        ],
    }
    created = api.post(f"{mp}/programs", body)
    assert created.status_code == 201, created.get_json()
    program = created.get_json()
    # The dimension comes from the strategy served.
    assert (program["dimension_code"], program["sub_dimension_code"]) == ("SOC", "SOC.2")
    assert program["roadmap_years"] == [2026, 2027]
    assert program["budget_total"] == 550_000_000
    assert program["strategy_codes"] == ["S.2"]
    assert program["budget_lines"][1]["status"] == "indicative"
    assert api.post(f"{mp}/programs", body).status_code == 409
    bad_source = api.post(
        f"{mp}/programs",
        {**body, "code": "X-1", "budget_lines": [{**body["budget_lines"][0], "funding_source": "PAD"}]},
    )
    assert bad_source.status_code == 422 and "budget_lines" in bad_source.get_json()["errors"]
    negative = api.post(
        f"{mp}/programs", {**body, "code": "X-2", "budget_lines": [{**body["budget_lines"][0], "amount": -5}]}
    )
    assert negative.status_code == 422 and "budget_lines" in negative.get_json()["errors"]
    bad_sector = api.post(
        f"{mp}/programs", {**body, "code": "X-3", "partners": [{"name": "X", "sector": "NGO"}]}
    )
    assert bad_sector.status_code == 422 and "partners" in bad_sector.get_json()["errors"]
    nowhere = api.post(f"{mp}/programs", {"code": "X-4", "name": "Tanpa dimensi"})
    assert nowhere.status_code == 422 and "dimension_code" in nowhere.get_json()["errors"]
    url = f"{mp}/programs/{program['id']}"
    updated = api.patch(url, {"budget_lines": [], "quick_win": True}).get_json()
    assert (updated["budget_lines"], updated["quick_win"], updated["partners"]) == (
        [],
        True,
        body["partners"],
    )


def test_the_program_list_filters_and_paginates(api, mp, opds):
    api.post(
        f"{mp}/programs",
        {"code": "A-1", "name": "Satu data", "dimension_code": "GOV", "lead_opd_id": opds["DISKOMINFO"]},
    )
    api.post(
        f"{mp}/programs",
        {
            "code": "A-2",
            "name": "Bank sampah",
            "sub_dimension_code": "ENV.2",
            "quick_win": True,
            "supporting_opd_ids": [opds["DISKOMINFO"]],
            "budget_lines": [{"year": 2026, "amount": 1, "funding_source": "CSR"}],
        },
    )
    api.post(f"{mp}/programs", {"code": "A-3", "name": "Taman kota", "dimension_code": "LIV"})

    def codes(query):
        return [p["code"] for p in api.get(f"{mp}/programs?{query}").get_json()]

    assert codes("dimension_code=ENV") == ["A-2"]
    assert codes(f"opd_id={opds['DISKOMINFO']}") == ["A-1", "A-2"]
    assert codes("funding_source=CSR") == ["A-2"]
    assert codes("quick_win=true") == ["A-2"]
    assert codes("q=taman") == ["A-3"]
    page = api.get(f"{mp}/programs?page=2&page_size=2")
    assert [p["code"] for p in page.get_json()] == ["A-3"]
    assert json.loads(page.headers["X-Pagination"])["total"] == 3


def test_action_items_belong_to_a_program_of_the_same_masterplan(api, mp, city):
    program = api.post(
        f"{mp}/programs", {"code": "P-1", "name": "Program", "dimension_code": "SOC"}
    ).get_json()
    item = api.post(
        f"{mp}/action-items",
        {
            "program_id": program["id"],
            "year": 2026,
            "activity": "Pelatihan",
            "output": "Operator",
            "budget": 80_000_000,
        },
    )
    assert item.status_code == 201 and item.get_json()["budget"] == 80_000_000
    other = make_masterplan(city, version_label="2.0")
    stray = api.post(
        f"/masterplans/{other.id}/action-items", {"program_id": program["id"], "year": 2026, "activity": "x"}
    )
    assert stray.status_code == 422 and "program_id" in stray.get_json()["errors"]
    # Reaching a part through another version's URL finds nothing.
    assert api.get(f"/masterplans/{other.id}/programs/{program['id']}").status_code == 404
    bad_year = api.post(f"{mp}/action-items", {"program_id": program["id"], "year": 1800, "activity": "x"})
    assert bad_year.status_code == 422 and "year" in bad_year.get_json()["errors"]
    assert (
        api.get(f"{mp}/action-items?program_id={program['id']}&year=2026").get_json()[0]["activity"]
        == "Pelatihan"
    )

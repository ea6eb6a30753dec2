"""Frameworks and code lists: versioned national reference data, kept by platform and ministry admins."""

import uuid

from sqlalchemy import func, select

from app.accounts import services as accounts
from app.core.auth import PLATFORM_ADMIN, SYSTEM
from app.extensions import db
from app.reference import services as reference_data
from app.reference.models import CodeListItem, Framework, FrameworkSubDimension
from tests.masterplan.conftest import page_login, page_post


def _with_etag(client, url, headers):
    return {**headers, "If-Match": client.get(url, headers=headers).headers["ETag"]}


def test_the_shipped_frameworks_are_loaded_once_whatever_the_number_of_runs(reference):
    frameworks = {f.code: f for f in db.session.scalars(select(Framework))}
    assert set(frameworks) == {
        "KOMINFO-SC-2021",
        "KOMDIGI-RPM-2026-DRAFT",
        "SMART-VILLAGE-SEED",
        "KEMENDES-DESA-CERDAS",
    }
    assert all(f.name_en for f in frameworks.values())
    assert {c for c, f in frameworks.items() if f.state == "draft"} == {"KOMDIGI-RPM-2026-DRAFT"}
    kominfo_subs = db.session.scalar(select(func.count()).select_from(FrameworkSubDimension))
    assert kominfo_subs == 18  # six dimensions × three sub-dimensions; the other sets have none yet
    again = reference_data.load_carried_data(actor=SYSTEM)
    assert again == {"frameworks": 0, "code_lists": 0, "regions": 0}
    lists = dict(
        db.session.execute(
            select(CodeListItem.list_name, func.count()).group_by(CodeListItem.list_name)
        ).all()
    )
    assert lists == {
        "program_class": 4,
        "horizon": 3,
        "funding_source": 8,
        "pentahelix": 5,
        "body_type": 5,
        "position": 7,
        "meeting_type": 9,
        "meeting_mode": 3,
    }


def test_a_tenant_reads_the_published_frameworks_in_both_languages(client, city):
    response = client.get(f"/api/v1/t/{city.slug}/frameworks?page_size=10", headers=city.headers())
    assert response.status_code == 200
    kominfo = next(f for f in response.get_json() if f["code"] == "KOMINFO-SC-2021")
    society = next(d for d in kominfo["dimensions"] if d["code"] == "SOC")
    assert society["strategy_prefix"] == "S"
    assert [(s["code"], s["name_id"], s["name_en"]) for s in society["sub_dimensions"]] == [
        ("SOC.1", "Interaksi Masyarakat", "Community"),
        ("SOC.2", "Ekosistem Belajar", "Learning"),
        ("SOC.3", "Keamanan Masyarakat", "Security"),
    ]
    codes = client.get(f"/api/v1/t/{city.slug}/code-lists?list_name=funding_source", headers=city.headers())
    assert [c["code"] for c in codes.get_json()][:3] == ["APBD", "APBN", "DAK"]


def test_a_tenant_token_cannot_manage_frameworks(client, city):
    assert client.get("/api/v1/frameworks", headers=city.headers()).status_code == 401
    assert client.post("/api/v1/frameworks", json={}, headers=city.headers()).status_code == 401


def test_a_ministry_admin_drafts_publishes_and_versions_a_framework(client, ministry):
    dimensions = [
        {
            "code": "MOB",
            "name_id": "Mobilitas",
            "name_en": "Mobility",
            "strategy_prefix": "M",
            "sub_dimensions": [
                {"code": "MOB.1", "name_id": "Transportasi Publik", "name_en": "Public transport"}
            ],
        }
    ]
    response = client.post(
        "/api/v1/frameworks",
        json={
            "code": "KOMDIGI-2027",
            "name_id": "Kota Cerdas 2027",
            "name_en": "Smart city 2027",
            "dimensions": dimensions,
        },
        headers=ministry,
    )
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert (draft["version"], draft["state"]) == (1, "draft")
    url = f"/api/v1/frameworks/{draft['id']}"
    renamed = client.patch(
        url, json={"name_en": "Smart cities 2027"}, headers=_with_etag(client, url, ministry)
    )
    assert renamed.status_code == 200 and renamed.get_json()["name_en"] == "Smart cities 2027"
    published = client.post(f"{url}/publication", headers=ministry)
    assert published.get_json()["state"] == "published"
    # Published: never edited in place.
    refused = client.patch(url, json={"name_en": "Changed"}, headers=_with_etag(client, url, ministry))
    assert refused.status_code == 409
    assert "new version" in refused.get_json()["message"]
    following = client.post(f"{url}/versions", headers=ministry)
    assert following.status_code == 201
    copy = following.get_json()
    assert (copy["code"], copy["version"], copy["state"]) == ("KOMDIGI-2027", 2, "draft")
    assert [s["code"] for s in copy["dimensions"][0]["sub_dimensions"]] == ["MOB.1"]
    retired = client.delete(f"{url}/publication", headers=ministry)
    assert retired.get_json()["state"] == "retired"


def test_framework_input_is_checked(client, ministry):
    unknown = client.post(
        "/api/v1/frameworks",
        json={"code": "X-1", "name_id": "X", "name_en": "X", "colour": "red"},
        headers=ministry,
    )
    assert unknown.status_code == 422 and "colour" in unknown.get_json()["errors"]
    twice = client.post(
        "/api/v1/frameworks",
        json={
            "code": "X-2",
            "name_id": "X",
            "name_en": "X",
            "dimensions": [
                {"code": "A", "name_id": "A", "name_en": "A"},
                {"code": "A", "name_id": "B", "name_en": "B"},
            ],
        },
        headers=ministry,
    )
    assert twice.status_code == 422 and "dimensions" in twice.get_json()["errors"]
    taken = client.post(
        "/api/v1/frameworks",
        json={"code": "KOMINFO-SC-2021", "name_id": "X", "name_en": "X"},
        headers=ministry,
    )
    assert taken.status_code == 409


def _offered(client, city, list_name="funding_source"):
    response = client.get(f"/api/v1/t/{city.slug}/code-lists?list_name={list_name}", headers=city.headers())
    return [c["code"] for c in response.get_json()]


def test_a_code_list_changes_only_through_a_new_version_that_tenants_see_once_published(
    client, ministry, city
):
    entry = {
        "list_name": "funding_source",
        "code": "BLUD",
        "name_id": "BLUD",
        "name_en": "Public service agency",
    }
    # Version 1 is published: no entry is added to it.
    refused = client.post("/api/v1/code-lists", json=entry, headers=ministry)
    assert refused.status_code == 409 and "next version" in refused.get_json()["message"]
    drafted = client.post("/api/v1/code-lists/funding_source/versions", headers=ministry)
    assert drafted.status_code == 201
    assert (drafted.get_json()["version"], drafted.get_json()["state"]) == (2, "draft")
    again = client.post("/api/v1/code-lists/funding_source/versions", headers=ministry)
    assert again.status_code == 409  # one draft at a time
    added = client.post("/api/v1/code-lists", json=entry, headers=ministry)
    assert added.status_code == 201
    url = f"/api/v1/code-lists/{added.get_json()['id']}"
    recoded = client.patch(url, json={"code": "X"}, headers=_with_etag(client, url, ministry))
    assert recoded.status_code == 422 and "code" in recoded.get_json()["errors"]
    hibah = next(
        i
        for i in client.get(
            "/api/v1/code-lists?list_name=funding_source&page_size=50", headers=ministry
        ).get_json()
        if i["code"] == "HIBAH"
    )
    hibah_url = f"/api/v1/code-lists/{hibah['id']}"
    retired = client.patch(hibah_url, json={"retired": True}, headers=_with_etag(client, hibah_url, ministry))
    assert retired.get_json()["retired"] is True
    # Tenants still see version 1 while version 2 is a draft.
    assert "BLUD" not in _offered(client, city) and "HIBAH" in _offered(client, city)
    published = client.post("/api/v1/code-lists/funding_source/versions/2/publication", headers=ministry)
    assert published.status_code == 200 and published.get_json()["state"] == "published"
    assert "BLUD" in _offered(client, city) and "HIBAH" not in _offered(client, city)
    # Version 2 is frozen now: its entries are not changed in place.
    frozen = client.patch(url, json={"name_en": "Changed"}, headers=_with_etag(client, url, ministry))
    assert frozen.status_code == 409
    versions = client.get("/api/v1/code-lists/funding_source/versions", headers=ministry).get_json()
    assert [(v["version"], v["state"]) for v in versions] == [(2, "published"), (1, "published")]
    assert client.get("/api/v1/code-lists/no_such_list/versions", headers=ministry).status_code == 404
    # Retiring version 2 offers version 1 again.
    client.delete("/api/v1/code-lists/funding_source/versions/2/publication", headers=ministry)
    assert "BLUD" not in _offered(client, city) and "HIBAH" in _offered(client, city)


def test_a_masterplan_accepts_the_codes_of_the_published_list_only(client, ministry, city):
    from tests.masterplan.conftest import Api, make_masterplan

    plan = make_masterplan(city)
    api = Api(client, city)
    program = {"code": "P-1", "name": "Program", "sub_dimension_code": "SOC.1"}
    line = {"year": 2025, "amount": 1000000}
    client.post("/api/v1/code-lists/funding_source/versions", headers=ministry)
    entry = {
        "list_name": "funding_source",
        "code": "BLUD",
        "name_id": "BLUD",
        "name_en": "Public service agency",
    }
    client.post("/api/v1/code-lists", json=entry, headers=ministry)
    draft_only = api.post(
        f"/masterplans/{plan.id}/programs", {**program, "budget_lines": [{**line, "funding_source": "BLUD"}]}
    )
    assert draft_only.status_code == 422 and "budget_lines" in draft_only.get_json()["errors"]
    client.post("/api/v1/code-lists/funding_source/versions/2/publication", headers=ministry)
    offered = api.post(
        f"/masterplans/{plan.id}/programs", {**program, "budget_lines": [{**line, "funding_source": "BLUD"}]}
    )
    assert offered.status_code == 201, offered.get_json()


def test_a_platform_admin_edits_a_draft_framework_through_the_pages(client, reference):
    accounts.create_user("ops@kotacerdas.test", "Ops", "correct-horse-battery", PLATFORM_ADMIN)
    db.session.commit()
    page_login(client, "ops@kotacerdas.test", "correct-horse-battery")
    created = page_post(
        client,
        "/ministry/frameworks",
        {"code": "DESA-2027", "name_id": "Desa Cerdas 2027", "name_en": "Smart village 2027"},
    )
    assert created.status_code == 302
    framework_url = created.headers["Location"]
    framework_id = framework_url.rsplit("/", 1)[1]
    page_post(
        client,
        f"/ministry/frameworks/{framework_id}/dimensions",
        {"code": "ppl", "name_id": "Masyarakat", "name_en": "People", "strategy_prefix": "P"},
    )
    page = client.get(framework_url).get_data(as_text=True)
    assert 'value="PPL"' in page and "Masyarakat" in page
    page_post(client, f"/ministry/frameworks/{framework_id}/state", {"action": "publish"})
    db.session.expire_all()
    assert db.session.get(Framework, uuid.UUID(framework_id)).state == "published"
    page = client.get(framework_url).get_data(as_text=True)
    # A published version offers no editing any more, only its next version.
    assert f"/ministry/frameworks/{framework_id}/dimensions" not in page
    assert 'value="new_version"' in page

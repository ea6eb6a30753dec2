"""API conventions: error shape, 422 naming the field, unknown fields and tenant_id refused,
pagination, ETags with If-Match (412 when stale), platform resources for the platform admin."""

import pytest

from app.accounts import services as accounts
from app.extensions import db
from tests.factories import PASSWORD, add_opd, make_tenant, person


@pytest.fixture
def palopo(app_ctx):
    return make_tenant("73.73", "kota-palopo")


def test_invalid_input_answers_422_naming_the_field(palopo, client):
    response = client.post("/api/v1/t/kota-palopo/opds", json={"code": "DISDIK"}, headers=palopo.headers())
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "unprocessable_entity"
    assert "name" in body["errors"] and body["message"]


def test_unknown_fields_and_tenant_id_are_refused(palopo, client):
    other = make_tenant("64.71", "kota-balikpapan")
    response = client.post(
        "/api/v1/t/kota-palopo/opds",
        json={"code": "X", "name": "X", "tenant_id": str(other.tenant_id), "colour": "red"},
        headers=palopo.headers(),
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"tenant_id", "colour"}


def test_lists_paginate_with_a_total(palopo, client):
    for i in range(25):
        add_opd(palopo, f"OPD{i:02}")
    first = client.get("/api/v1/t/kota-palopo/opds?page_size=10", headers=palopo.headers())
    assert first.status_code == 200 and len(first.get_json()) == 10
    import json

    pagination = json.loads(first.headers["X-Pagination"])
    assert pagination["total"] == 25 and pagination["total_pages"] == 3
    last = client.get("/api/v1/t/kota-palopo/opds?page_size=10&page=3", headers=palopo.headers())
    assert [o["code"] for o in last.get_json()] == ["OPD20", "OPD21", "OPD22", "OPD23", "OPD24"]
    too_big = client.get("/api/v1/t/kota-palopo/opds?page_size=1000", headers=palopo.headers())
    assert too_big.status_code == 422 and "page_size" in too_big.get_json()["errors"]


def test_a_stale_edit_answers_412_and_changes_nothing(palopo, client):
    opd = add_opd(palopo, "DISDIK", "Dinas Pendidikan")
    url = f"/api/v1/t/kota-palopo/opds/{opd.id}"
    etag = client.get(url, headers=palopo.headers()).headers["ETag"]
    first = client.patch(
        url, json={"name": "Dinas Pendidikan Kota"}, headers={**palopo.headers(), "If-Match": etag}
    )
    assert first.status_code == 200
    stale = client.patch(url, json={"name": "Lost update"}, headers={**palopo.headers(), "If-Match": etag})
    assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    assert client.get(url, headers=palopo.headers()).get_json()["name"] == "Dinas Pendidikan Kota"
    missing = client.patch(url, json={"name": "No etag"}, headers=palopo.headers())
    assert missing.status_code == 428


def test_delete_with_the_current_etag(palopo, client):
    opd = add_opd(palopo, "DISDIK")
    url = f"/api/v1/t/kota-palopo/opds/{opd.id}"
    etag = client.get(url, headers=palopo.headers()).headers["ETag"]
    assert client.delete(url, headers={**palopo.headers(), "If-Match": etag}).status_code == 204
    assert client.get(url, headers=palopo.headers()).status_code == 404


def test_members_and_invitations_through_the_api(palopo, client):
    opd = add_opd(palopo, "DISDIK")
    invited = client.post(
        "/api/v1/t/kota-palopo/invitations",
        json={"email": "guru@palopo.go.id", "role": "opd_operator", "opd_ids": [str(opd.id)]},
        headers=palopo.headers(),
    )
    assert invited.status_code == 201 and invited.get_json()["opd_ids"] == [str(opd.id)]
    members = client.get("/api/v1/t/kota-palopo/members", headers=palopo.headers()).get_json()
    assert [m["email"] for m in members] == [palopo.admin_email]
    bad_role = client.post(
        "/api/v1/t/kota-palopo/invitations",
        json={"email": "x@palopo.go.id", "role": "mayor"},
        headers=palopo.headers(),
    )
    assert bad_role.status_code == 422 and "role" in bad_role.get_json()["errors"]


def test_platform_admin_creates_and_suspends_tenants_through_the_api(app_ctx, client):
    ops = accounts.create_user("ops@kotacerdas.test", "Ops", PASSWORD, platform_role="platform_admin")
    _token, secret = accounts.create_api_token("ops", None, actor=person(ops.id))
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    created = client.post("/api/v1/tenants", json={"region_code": "64.09"}, headers=headers)
    assert created.status_code == 201
    tenant = created.get_json()
    assert tenant["slug"] == "kab-penajam-paser-utara" and tenant["timezone"] == "Asia/Makassar"
    url = f"/api/v1/tenants/{tenant['id']}"
    etag = client.get(url, headers=headers).headers["ETag"]
    suspended = client.patch(url, json={"status": "suspended"}, headers={**headers, "If-Match": etag})
    assert suspended.status_code == 200 and suspended.get_json()["status"] == "suspended"
    listed = client.get("/api/v1/tenants?status=suspended", headers=headers).get_json()
    assert [t["slug"] for t in listed] == ["kab-penajam-paser-utara"]
    regions = client.get("/api/v1/regions?unassigned=true&page_size=100", headers=headers)
    import json

    assert json.loads(regions.headers["X-Pagination"])["total"] == 513


def test_tenant_admin_cannot_use_platform_resources(palopo, client):
    assert client.get("/api/v1/tenants", headers=palopo.headers()).status_code == 401


def test_openapi_spec_and_docs_are_served(client):
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    paths = spec.get_json()["paths"]
    assert "/api/v1/t/{tenant}/opds/{opd_id}" in paths
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.data


def test_an_address_no_route_matches_is_not_found_for_any_caller(app_ctx, client):
    from tests.factories import make_tenant

    setup = make_tenant("73.73", "kota-palopo")
    for path in ("/api/v1/t/kota-palopo/masterplans/not-a-uuid/programs", "/api/v1/nothing-here"):
        assert client.get(path, headers=setup.headers()).status_code == 404, path
        assert client.get(path).status_code == 404, path

"""API tokens: created and revoked on a page, shown once, stored hashed, bound to one tenant."""

import re

from sqlalchemy import select

from app.accounts.models import ApiToken
from app.extensions import db
from tests.conftest import form_post, login
from tests.factories import PASSWORD, make_tenant


def _create(client, tenant_id, name="nightly-export"):
    response = form_post(client, "/account/tokens", {"name": name, "tenant_id": str(tenant_id)})
    match = re.search(
        r'<p class="kc-secret mb-0" id="new-token">([^<]+)</p>', response.get_data(as_text=True)
    )
    return response, match.group(1) if match else None


def test_a_token_is_shown_once_and_stored_only_as_a_hash(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    login(client, setup.admin_email, PASSWORD)
    response, secret = _create(client, setup.tenant_id)
    assert response.status_code == 200 and secret and secret.startswith("kc_")
    again = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in again and "nightly-export" in again
    stored = db.session.scalars(select(ApiToken)).all()
    assert all(secret not in (t.token_hash + t.prefix) or t.prefix == secret[:10] for t in stored)
    assert any(t.token_hash != secret and len(t.token_hash) == 64 for t in stored)


def test_a_token_works_only_on_its_own_tenant(app_ctx, client):
    palopo = make_tenant("73.73", "kota-palopo")
    make_tenant("64.71", "kota-balikpapan")
    login(client, palopo.admin_email, PASSWORD)
    _response, secret = _create(client, palopo.tenant_id)
    headers = {"Authorization": f"Bearer {secret}"}
    me = client.get("/api/v1/t/kota-palopo/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["role"] == "tenant_admin"
    assert client.get("/api/v1/t/kota-balikpapan/me", headers=headers).status_code == 404
    assert client.get("/api/v1/tenants", headers=headers).status_code == 401


def test_a_revoked_token_stops_working(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    login(client, setup.admin_email, PASSWORD)
    _response, secret = _create(client, setup.tenant_id)
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "nightly-export"))
    assert form_post(client, f"/account/tokens/{token.id}/revoke").status_code == 302
    response = client.get("/api/v1/t/kota-palopo/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert "nightly-export" not in client.get("/account/tokens").get_data(as_text=True)


def test_a_token_cannot_be_bound_to_a_tenant_the_user_is_not_in(app_ctx, client):
    palopo = make_tenant("73.73", "kota-palopo")
    balikpapan = make_tenant("64.71", "kota-balikpapan")
    login(client, palopo.admin_email, PASSWORD)
    response, secret = _create(client, balikpapan.tenant_id)
    assert response.status_code == 422 and secret is None


def test_a_token_without_a_name_is_refused_naming_the_field(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    login(client, setup.admin_email, PASSWORD)
    response, secret = _create(client, setup.tenant_id, name="  ")
    assert response.status_code == 422 and secret is None
    assert '<span class="fw-semibold">Nama</span>' in response.get_data(as_text=True)


def test_requests_without_a_token_get_401(app_ctx, client):
    make_tenant("73.73", "kota-palopo")
    response = client.get("/api/v1/t/kota-palopo/opds")
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"


def test_reading_with_a_token_writes_its_last_use_at_most_once_a_minute(app, app_ctx, client):
    from datetime import timedelta

    from app.core.db import utcnow
    from tests.support.queries import count_queries

    setup = make_tenant("73.73", "kota-palopo")
    with count_queries(app) as first:
        assert client.get("/api/v1/t/kota-palopo/opds", headers=setup.headers()).status_code == 200
    with count_queries(app) as second:
        assert client.get("/api/v1/t/kota-palopo/opds", headers=setup.headers()).status_code == 200
    writes = [s for s in first + second if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert [s.split()[1] for s in writes] == ["api_tokens"], writes  # the first read only

    token = db.session.scalar(select(ApiToken).where(ApiToken.scope_tenant_id == setup.tenant_id))
    token.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    with count_queries(app) as later:
        client.get("/api/v1/t/kota-palopo/opds", headers=setup.headers())
    assert any(s.lstrip().upper().startswith("UPDATE API_TOKENS") for s in later)

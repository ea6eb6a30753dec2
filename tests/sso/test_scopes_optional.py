"""A provider's scopes may be left out of the API: a new tenant or ministry provider then asks for the
standard OpenID scopes, and a later change that leaves them out keeps the stored ones."""

from urllib.parse import parse_qs, urlsplit

import pytest

from app.accounts import services as accounts
from app.core.auth import EVALUATOR, PLATFORM_ADMIN, VIEWER
from app.extensions import db
from tests.factories import PASSWORD, add_opd, make_tenant, person
from tests.sso.conftest import logged_in, provider_settings
from tests.support.idp import CLIENT_ID, CLIENT_SECRET, Person

STANDARD = "openid email profile"


def _without_scopes(settings: dict) -> dict:
    return {k: v for k, v in settings.items() if k != "scopes"}


def _asked_scopes(start_answer) -> str:
    assert start_answer.status_code == 302, start_answer.get_data(as_text=True)[:300]
    return parse_qs(urlsplit(start_answer.headers["Location"]).query)["scope"][0]


@pytest.fixture
def palopo(app_ctx, idp):
    setup = make_tenant("73.73", "kota-palopo")
    add_opd(setup, "DISDIK")
    return setup


@pytest.fixture
def operator_headers(app_ctx) -> dict:
    ops = accounts.create_user("ops@kotacerdas.test", "Ops", PASSWORD, platform_role=PLATFORM_ADMIN)
    _token, secret = accounts.create_api_token("ops", None, actor=person(ops.id))
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_a_tenant_provider_saved_without_scopes_asks_for_the_standard_ones(palopo, client, idp):
    api = "/api/v1/t/kota-palopo/sso/providers"
    settings = provider_settings(
        idp.issuer, default_role=VIEWER, role_claim=None, role_map={}, opd_claim=None, opd_required=False
    )
    created = client.post(api, json=_without_scopes(settings), headers=palopo.headers())
    assert created.status_code == 201, created.get_json()
    provider = created.get_json()
    assert provider["scopes"] == STANDARD
    assert client.get(f"{api}/{provider['id']}", headers=palopo.headers()).get_json()["scopes"] == STANDARD

    start = f"/t/kota-palopo/sso/{provider['id']}/login"
    person = Person(client)
    assert _asked_scopes(person.start(start)) == STANDARD
    assert person.sso_login(start, "palopo-disdik").status_code == 302
    assert logged_in(client, "kota-palopo")


def test_a_change_without_scopes_keeps_the_stored_ones(palopo, client, idp):
    api = "/api/v1/t/kota-palopo/sso/providers"
    created = client.post(api, json=provider_settings(idp.issuer), headers=palopo.headers()).get_json()
    url = f"{api}/{created['id']}"
    etag = client.get(url, headers=palopo.headers()).headers["ETag"]
    renamed = client.patch(url, json={"label": "SSO Pemkot"}, headers={**palopo.headers(), "If-Match": etag})
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["scopes"] == "openid email profile opd groups"


def test_given_scopes_are_still_checked(palopo, client, idp):
    api = "/api/v1/t/kota-palopo/sso/providers"
    for scopes in ("", "email profile"):
        settings = provider_settings(idp.issuer, scopes=scopes)
        refused = client.post(api, json=settings, headers=palopo.headers())
        assert refused.status_code == 422 and "scopes" in refused.get_json()["errors"]
    assert client.get(api, headers=palopo.headers()).get_json() == []


def test_a_ministry_provider_saved_without_scopes_asks_for_the_standard_ones(
    app_ctx, client, idp, operator_headers
):
    api = "/api/v1/ministry/sso/providers"
    settings = {
        "label": "Masuk dengan akun Komdigi",
        "issuer": idp.issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "allowed_email_domains": ["komdigi.go.id"],
        "provision_users": True,
        "default_role": EVALUATOR,
    }
    created = client.post(api, json=settings, headers=operator_headers)
    assert created.status_code == 201, created.get_json()
    provider = created.get_json()
    assert provider["scopes"] == STANDARD
    assert [p["scopes"] for p in client.get(api, headers=operator_headers).get_json()] == [STANDARD]
    assert _asked_scopes(client.get(f"/ministry/sso/{provider['id']}/login")) == STANDARD

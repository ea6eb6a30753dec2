"""The tenant admin's provider settings, through the API and the pages: discovery checked on save, the
client secret encrypted and never shown, changes effective at once, the password-login policy."""

import pytest
from sqlalchemy import event, text

from app.core.tenancy import tenant_context
from app.extensions import db
from app.sso import discovery, services
from tests.conftest import csrf_token, form_post, login
from tests.factories import PASSWORD, add_opd, admin_actor, make_tenant, person
from tests.sso.conftest import provider_settings
from tests.support.idp import CLIENT_SECRET, Person
from tests.support.services import free_port

API = "/api/v1/t/kota-palopo/sso"


@pytest.fixture
def tenant(app_ctx, idp):
    setup = make_tenant("73.73", "kota-palopo")
    add_opd(setup, "DISDIK")
    return setup


def _payload(issuer, **overrides):
    return provider_settings(issuer, **overrides)


def test_the_api_saves_a_provider_after_reading_its_discovery_document(tenant, client, idp, owner_engine):
    response = client.post(f"{API}/providers", json=_payload(idp.issuer), headers=tenant.headers())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["issuer"] == idp.issuer and body["client_secret_set"] is True
    assert body["redirect_uri"] == f"http://localhost/t/kota-palopo/sso/{body['id']}/callback"
    assert "client_secret" not in body and CLIENT_SECRET not in response.get_data(as_text=True)
    listed = client.get(f"{API}/providers", headers=tenant.headers())
    assert [p["id"] for p in listed.get_json()] == [body["id"]]
    assert CLIENT_SECRET not in listed.get_data(as_text=True)
    # Encrypted at rest: the table never holds the secret itself.
    with owner_engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("select set_config('app.tenant_id', :t, false)"), {"t": str(tenant.tenant_id)})
        stored = conn.execute(text("select client_secret_encrypted from sso_providers")).scalar_one()
    assert CLIENT_SECRET not in stored and stored.startswith("gAAAA")


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        ("http://127.0.0.1:{closed}", "cannot be reached"),
        ("{idp}/realms/none", "answered HTTP 404"),
        ("http://sso.example.go.id", "must use https://"),
        ("not a url", "https:// URL"),
    ],
)
def test_an_unusable_issuer_is_refused_with_a_clear_message(tenant, client, idp, issuer, message):
    issuer = issuer.format(closed=free_port(), idp=idp.issuer)
    response = client.post(f"{API}/providers", json=_payload(issuer), headers=tenant.headers())
    assert response.status_code == 422
    assert message in " ".join(response.get_json()["errors"]["issuer"])
    assert client.get(f"{API}/providers", headers=tenant.headers()).get_json() == []


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        ("{idp}", "127.0.0.1 is a local or private address"),
        ("https://10.20.30.40", "10.20.30.40 is a local or private address"),
        ("https://169.254.169.254", "169.254.169.254 is a local or private address"),
        ("https://sso.tidak-ada.invalid", "cannot be resolved"),
    ],
)
def test_a_provider_on_a_local_or_private_address_is_refused_in_production(
    app, tenant, client, idp, monkeypatch, issuer, message
):
    """A tenant admin cannot make the server fetch its own network: refused before any request is sent."""
    monkeypatch.setitem(app.config, "SSO_ALLOW_LOCAL_ISSUERS", False)
    response = client.post(
        f"{API}/providers", json=_payload(issuer.format(idp=idp.issuer)), headers=tenant.headers()
    )
    assert response.status_code == 422
    assert message in " ".join(response.get_json()["errors"]["issuer"])
    assert client.get(f"{API}/providers", headers=tenant.headers()).get_json() == []


def test_endpoints_the_server_calls_must_be_public_too():
    public = {"token_endpoint": "https://8.8.8.8/token", "jwks_uri": "https://1.1.1.1/jwks"}
    assert discovery.local_endpoint_problem(public) is None
    inner = {**public, "jwks_uri": "https://192.168.1.10/jwks"}
    assert discovery.local_endpoint_problem(inner) == (
        "its jwks_uri: 192.168.1.10 is a local or private address (192.168.1.10): "
        "only public providers are allowed"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tenant_id": "00000000-0000-0000-0000-000000000000"}, "tenant_id"),
        ({"colour": "blue"}, "colour"),
        ({"default_role": "mayor"}, "default_role"),
        ({"role_map": {"bappeda": "mayor"}}, "role_map"),
        ({"scopes": "email profile"}, "scopes"),
        ({"allowed_email_domains": ["not a domain"]}, "allowed_email_domains"),
        ({"opd_claim": None, "opd_required": True}, "opd_claim"),
    ],
)
def test_invalid_settings_answer_422_naming_the_field(tenant, client, idp, change, field):
    response = client.post(f"{API}/providers", json=_payload(idp.issuer, **change), headers=tenant.headers())
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_duplicate_stale_and_unauthorised_writes(tenant, client, idp):
    created = client.post(f"{API}/providers", json=_payload(idp.issuer), headers=tenant.headers())
    url = f"{API}/providers/{created.get_json()['id']}"
    again = client.post(f"{API}/providers", json=_payload(idp.issuer), headers=tenant.headers())
    assert again.status_code == 409
    stale = client.patch(url, json={"label": "X"}, headers={**tenant.headers(), "If-Match": '"old"'})
    assert stale.status_code == 412
    etag = client.get(url, headers=tenant.headers()).headers["ETag"]
    renamed = client.patch(url, json={"label": "SSO Pemkot"}, headers={**tenant.headers(), "If-Match": etag})
    assert renamed.status_code == 200 and renamed.get_json()["label"] == "SSO Pemkot"
    # A planner of the tenant may not touch the settings.
    from app.accounts import services as accounts
    from app.tenants import services as tenants

    planner = accounts.create_user("perencana@palopo.go.id", "Perencana", PASSWORD)
    with tenant_context(tenant.tenant_id):
        tenants.add_member(planner.id, "planner", actor=admin_actor(tenant))
    _t, secret = accounts.create_api_token("t", tenant.tenant_id, actor=person(planner.id))
    db.session.commit()
    assert client.get(f"{API}/providers", headers={"Authorization": f"Bearer {secret}"}).status_code == 403


def test_a_settings_change_takes_effect_without_a_restart(tenant, client, idp):
    created = client.post(f"{API}/providers", json=_payload(idp.issuer), headers=tenant.headers()).get_json()
    start = f"/t/kota-palopo/sso/{created['id']}/login"
    assert Person(client).sso_login(start, "palopo-disdik").status_code == 302
    client.delete_cookie("kc_session")
    url = f"{API}/providers/{created['id']}"
    etag = client.get(url, headers=tenant.headers()).headers["ETag"]
    client.patch(url, json={"client_id": "kc-wrong-audience"}, headers={**tenant.headers(), "If-Match": etag})
    refused = Person(client).sso_login(start, "palopo-disdik")
    assert 'data-refusal="audience"' in refused.get_data(as_text=True)


def test_the_login_policy_keeps_staff_on_sso_and_admins_on_passwords(tenant, client, idp, audit):
    from app.accounts import services as accounts
    from app.tenants import services as tenants

    url = f"{API}/login-policy"
    off = {"password_login_for_staff": False}
    etag = client.get(url, headers=tenant.headers()).headers["ETag"]
    refused = client.patch(url, json=off, headers={**tenant.headers(), "If-Match": etag})
    assert refused.status_code == 422 and "password_login_for_staff" in refused.get_json()["errors"]
    with tenant_context(tenant.tenant_id):
        services.create_provider(_payload(idp.issuer), actor=admin_actor(tenant))
        staff = accounts.create_user("staf@palopo.go.id", "Staf", PASSWORD)
        tenants.add_member(staff.id, "viewer", actor=admin_actor(tenant))
    db.session.commit()
    response = client.patch(url, json=off, headers={**tenant.headers(), "If-Match": etag})
    assert response.status_code == 200 and response.get_json() == off

    # Staff: a correct password on the tenant's login page opens no session.
    token = csrf_token(client, "/t/kota-palopo/login")
    form = {"email": "staf@palopo.go.id", "password": PASSWORD, "csrf_token": token}
    response = client.post("/t/kota-palopo/login", data=form)
    assert response.status_code == 403 and "kc-sso-button" in response.get_data(as_text=True)
    assert client.get("/t/kota-palopo/").status_code == 302
    assert audit.refusals() == ["password_login_off"]
    # Logged in elsewhere with the password, staff still meet the SSO page inside the tenant.
    login(client, "staf@palopo.go.id", PASSWORD)
    page = client.get("/t/kota-palopo/opds")
    assert page.status_code == 403 and "kc-sso-button" in page.get_data(as_text=True)
    # Nor does the password make an API token for the tenant, the API's way in.
    made = form_post(client, "/account/tokens", {"name": "export", "tenant_id": str(tenant.tenant_id)})
    assert made.status_code == 403 and "kc-sso-button" in made.get_data(as_text=True)
    assert accounts.list_api_tokens(actor=person(staff.id)) == []
    # The admin keeps the password.
    client.delete_cookie("kc_session")
    token = csrf_token(client, "/t/kota-palopo/login")
    form = {"email": tenant.admin_email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/t/kota-palopo/login", data=form).status_code == 302
    assert client.get("/t/kota-palopo/opds").status_code == 200


def test_staff_logged_in_through_the_provider_make_api_tokens_when_passwords_are_off(tenant, client, idp):
    from app.accounts import services as accounts

    with tenant_context(tenant.tenant_id):
        provider = services.create_provider(_payload(idp.issuer), actor=admin_actor(tenant))
        services.set_login_policy(actor=admin_actor(tenant), password_login_for_staff=False)
    db.session.commit()
    Person(client).sso_login(f"/t/kota-palopo/sso/{provider.id}/login", "palopo-disdik")
    made = form_post(client, "/account/tokens", {"name": "export", "tenant_id": str(tenant.tenant_id)})
    assert made.status_code == 200 and 'id="new-token"' in made.get_data(as_text=True)
    staff = accounts.find_user_by_email("operator.disdik@palopo.go.id")
    assert [t.name for t in accounts.list_api_tokens(actor=person(staff.id))] == ["export"]


def _admin_session(client, tenant):
    login(client, tenant.admin_email, PASSWORD)


def test_the_admin_adds_a_provider_on_the_page_and_the_secret_is_never_shown(tenant, client, idp):
    _admin_session(client, tenant)
    form = {
        "label": "Masuk dengan akun Pemkot",
        "issuer": idp.issuer,
        "client_id": "kotacerdas",
        "client_secret": CLIENT_SECRET,
        "scopes": "openid email profile opd groups",
        "allowed_email_domains": "palopo.go.id\n",
        "default_role": "opd_operator",
        "role_claim": "groups",
        "role_map": "bappeda = planner\n",
        "opd_claim": "opd",
        "opd_required": "on",
        "provision_users": "on",
        "enabled": "on",
    }
    response = form_post(client, "/t/kota-palopo/sso/providers/new", form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Masuk dengan akun Pemkot" in page
    assert CLIENT_SECRET not in page
    # The role new staff receive reads as a role, not as its code.
    assert "Dibuat saat pertama kali masuk sebagai Operator OPD" in page and "opd_operator" not in page
    with tenant_context(tenant.tenant_id):
        (provider,) = services.list_providers(actor=admin_actor(tenant))
    assert provider.role_map == {"bappeda": "planner"} and provider.opd_required
    edit_url = f"/t/kota-palopo/sso/providers/{provider.id}/edit"
    edit = client.get(edit_url).get_data(as_text=True)
    assert CLIENT_SECRET not in edit and "bappeda = planner" in edit
    # Saving with the secret left empty keeps it: the login still works.
    response = form_post(client, edit_url, {**form, "client_secret": "", "label": "SSO Pemkot"})
    assert response.status_code == 302
    client.delete_cookie("kc_session")
    assert (
        Person(client).sso_login(f"/t/kota-palopo/sso/{provider.id}/login", "palopo-disdik").status_code
        == 302
    )


def test_the_page_explains_an_unreachable_issuer_and_keeps_the_form(tenant, client):
    _admin_session(client, tenant)
    issuer = f"http://127.0.0.1:{free_port()}"
    form = {"label": "X", "issuer": issuer, "client_id": "c", "client_secret": "s", "default_role": "viewer"}
    response = form_post(client, "/t/kota-palopo/sso/providers/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    # The page speaks Bahasa Indonesia (the default); the API says the same in English (above).
    assert "penyedia identitas tidak dapat dihubungi" in page and f'value="{issuer}"' in page
    assert 'value="s"' not in page


def test_the_check_button_answers_with_a_fragment(tenant, client, idp):
    _admin_session(client, tenant)
    headers = {"HX-Request": "true"}
    ok = form_post(client, "/t/kota-palopo/sso/check-issuer", {"issuer": idp.issuer}, headers=headers)
    assert "alert-success" in ok.get_data(as_text=True) and "<html" not in ok.get_data(as_text=True)
    bad = form_post(client, "/t/kota-palopo/sso/check-issuer", {"issuer": idp.issuer + "/x"}, headers=headers)
    assert "alert-danger" in bad.get_data(as_text=True)


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def _queries(client, url, **kwargs) -> int:
    with QueryCounter(db.engine) as counter:
        assert client.get(url, **kwargs).status_code == 200
    return counter.count


def test_pages_and_lists_issue_a_constant_number_of_queries(tenant, client, app, idp):
    _admin_session(client, tenant)
    anonymous = app.test_client()

    def measure():
        return [
            _queries(client, "/t/kota-palopo/sso/providers"),
            _queries(anonymous, "/t/kota-palopo/login"),
            _queries(client, f"{API}/providers", headers=tenant.headers()),
        ]

    with tenant_context(tenant.tenant_id):
        services.create_provider(_payload(idp.issuer), actor=admin_actor(tenant), check=False)
    db.session.commit()
    measure()  # the first requests after logging in warm the test's shared session
    one = measure()
    with tenant_context(tenant.tenant_id):
        for n in range(6):
            services.create_provider(
                _payload(idp.issuer, client_id=f"client-{n}"), actor=admin_actor(tenant), check=False
            )
    db.session.commit()
    assert measure() == one

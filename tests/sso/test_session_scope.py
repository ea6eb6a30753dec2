"""A login through a provider opens only what that provider may vouch for: a tenant's provider its own
tenant, the ministry's provider the ministry area. An email counts only when the provider verified it,
and callbacks for which no login was started leave no trace in the audit log."""

import logging

import pytest
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.audit.models import AuditEntry, PlatformAuditEntry
from app.core.auth import MINISTRY_ADMIN, SYSTEM, TENANT_ADMIN, VIEWER
from app.core.tenancy import tenant_context
from app.extensions import db
from app.sso import services
from app.tenants import services as tenants
from tests.conftest import form_post, login
from tests.factories import PASSWORD, admin_actor
from tests.factories import person as own_actor
from tests.sso.conftest import (
    asks_for_login,
    counts,
    logged_in,
    rows_in_every_tenant,
    set_provider,
    sso_tenant,
)
from tests.support.idp import CLIENT_ID, CLIENT_SECRET, Person

B_ADMIN_EMAIL = "operator.dlh@balikpapan.go.id"  # the test provider's account "balikpapan-dlh"


@pytest.fixture
def two(app_ctx, idp, idp2):
    palopo = sso_tenant("73.73", "kota-palopo", ["DISDIK", "DLH"], idp.issuer)
    balikpapan = sso_tenant("64.71", "kota-balikpapan", ["DLH"], idp2.issuer)
    return palopo, balikpapan


def _b_admin_invited_into_a_as_viewer(palopo, balikpapan):
    """Balikpapan's administrator, also a viewer in Palopo (invited by Palopo's admin)."""
    person = accounts.create_user(B_ADMIN_EMAIL, "Admin Balikpapan", PASSWORD)
    with tenant_context(balikpapan.setup.tenant_id):
        tenants.add_member(person.id, TENANT_ADMIN, actor=admin_actor(balikpapan.setup))
    with tenant_context(palopo.setup.tenant_id):
        tenants.add_member(person.id, VIEWER, actor=admin_actor(palopo.setup))
    db.session.commit()
    return person


def test_a_tenant_provider_cannot_open_another_tenant_of_the_same_person(two, app):
    palopo, balikpapan = two
    person = _b_admin_invited_into_a_as_viewer(palopo, balikpapan)
    # Whoever runs Palopo's provider makes an account with that person's email and signs in with it;
    # Palopo's admin allowed linking by verified email.
    set_provider(palopo, allowed_email_domains=[], link_by_email=True)
    browser = Person(app.test_client())
    assert browser.sso_login(palopo.start_path, "balikpapan-dlh").status_code == 302
    assert logged_in(browser.client, "kota-palopo")

    # Balikpapan, where the person is administrator, asks for its own login: page and admin pages alike.
    for path in ("/t/kota-balikpapan/", "/t/kota-balikpapan/members", "/t/kota-balikpapan/sso/providers"):
        assert asks_for_login(browser.client, "kota-balikpapan", path), path
    # Nor can the session make an API token for Balikpapan.
    refused = form_post(
        browser.client, "/account/tokens", {"name": "x", "tenant_id": str(balikpapan.setup.tenant_id)}
    )
    assert refused.status_code == 422
    assert accounts.list_api_tokens(actor=own_actor(person.id)) == []

    # The person's own password login opens Balikpapan again, as before.
    own = app.test_client()
    login(own, B_ADMIN_EMAIL, PASSWORD)
    assert logged_in(own, "kota-balikpapan")


def test_a_tenant_provider_session_never_opens_the_platform_area(two, app):
    palopo, _balikpapan = two
    browser = Person(app.test_client())
    assert browser.sso_login(palopo.start_path, "palopo-disdik").status_code == 302
    # Even were the account given a platform role later, this session stays Palopo's only.
    user = accounts.find_user_by_email("operator.disdik@palopo.go.id")
    user.platform_role = "platform_admin"
    db.session.commit()
    assert browser.client.get("/admin/tenants").status_code == 404
    assert 'value=""' not in browser.client.get("/account/tokens").get_data(as_text=True)

    password = app.test_client()
    accounts.set_password(PASSWORD, actor=own_actor(user.id))
    db.session.commit()
    login(password, user.email, PASSWORD)
    assert password.get("/admin/tenants").status_code == 200


@pytest.fixture
def ministry(app_ctx, idp):
    provider = services.create_ministry_provider(
        {
            "label": "Masuk dengan akun Komdigi",
            "issuer": idp.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": "openid email profile groups",
            "allowed_email_domains": ["komdigi.go.id"],
            "provision_users": False,
            "link_by_email": True,
            "default_role": MINISTRY_ADMIN,
        },
        actor=SYSTEM,
    )
    db.session.commit()
    return provider


def test_the_ministry_provider_opens_the_ministry_area_only(two, ministry, app):
    palopo, _balikpapan = two
    official = accounts.create_user(
        "direktorat@komdigi.go.id", "Direktorat", PASSWORD, platform_role=MINISTRY_ADMIN
    )
    with tenant_context(palopo.setup.tenant_id):
        tenants.add_member(official.id, VIEWER, actor=admin_actor(palopo.setup))
    db.session.commit()

    browser = Person(app.test_client())
    assert browser.sso_login(f"/ministry/sso/{ministry.id}/login", "komdigi-direktorat").status_code == 302
    assert browser.client.get("/ministry/frameworks").status_code == 200
    assert asks_for_login(browser.client, "kota-palopo", "/t/kota-palopo/")


def test_an_unverified_email_creates_no_account_and_shows_why(palopo, client, audit):
    before = counts()
    response = Person(client).sso_login(palopo.start_path, "palopo-unverified")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert 'data-refusal="email_unverified"' in page
    assert "Alamat email Anda belum dikonfirmasi" in page
    assert counts() == before
    assert accounts.find_user_by_email("staf@palopo.go.id") is None
    assert audit.refusals() == ["email_unverified"]


def test_an_unverified_email_never_claims_an_existing_account_even_with_linking_allowed(palopo, client):
    existing = accounts.create_user("staf@palopo.go.id", "Staf Lama", PASSWORD)
    with tenant_context(palopo.setup.tenant_id):
        tenants.add_member(existing.id, VIEWER, actor=admin_actor(palopo.setup))
    db.session.commit()
    set_provider(palopo, link_by_email=True, allowed_email_domains=[])
    before = counts()
    response = Person(client).sso_login(palopo.start_path, "palopo-unverified")
    assert 'data-refusal="email_unverified"' in response.get_data(as_text=True)
    assert counts() == before
    assert not logged_in(client, "kota-palopo")


def _audit_rows() -> int:
    platform_rows = db.session.scalar(select(func.count()).select_from(PlatformAuditEntry))
    return rows_in_every_tenant(AuditEntry) + platform_rows


def test_anonymous_callbacks_write_no_audit_row_and_are_counted_in_the_log(palopo, ministry, app, caplog):
    before = _audit_rows()
    stranger = app.test_client()
    queries = [
        "code=abc&state=forged",
        "state=forged",
        "code=abc",
        "",
        "error=access_denied&state=forged",
        "error=server_error",
    ]
    paths = [palopo.callback_path(), f"/ministry/sso/{ministry.id}/callback"]
    with caplog.at_level(logging.WARNING, logger="kotacerdas.sso"):
        for _round in range(5):
            for path in paths:
                for query in queries:
                    response = stranger.get(f"{path}?{query}")
                    assert response.status_code == 400
                    assert 'data-refusal="no_login_started"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert _audit_rows() == before
    counted = [r for r in caplog.records if "no login started" in r.getMessage()]
    assert len(counted) == 5 * len(paths) * len(queries)

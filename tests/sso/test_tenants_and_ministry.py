"""Two tenants with two providers never open each other; the ministry's provider serves ministry staff."""

import pytest

from app.accounts import services as accounts
from app.core.auth import EVALUATOR, MINISTRY_ADMIN, SYSTEM
from app.extensions import db
from app.sso import services
from tests.sso.conftest import asks_for_login, counts, logged_in, sso_tenant
from tests.support.idp import CLIENT_ID, CLIENT_SECRET, Person


@pytest.fixture
def two(app_ctx, idp, idp2):
    palopo = sso_tenant("73.73", "kota-palopo", ["DISDIK", "DLH"], idp.issuer)
    balikpapan = sso_tenant(
        "64.71", "kota-balikpapan", ["DLH"], idp2.issuer, allowed_email_domains=["balikpapan.go.id"]
    )
    return palopo, balikpapan


def test_a_login_at_tenant_a_provider_never_opens_tenant_b(two, client, idp, idp2, audit):
    palopo, balikpapan = two
    person = Person(client)
    assert person.sso_login(palopo.start_path, "palopo-disdik").status_code == 302
    assert logged_in(client, "kota-palopo")
    # The session Palopo's provider opened counts for Palopo only: Balikpapan asks for its own login.
    assert asks_for_login(client, "kota-balikpapan", "/t/kota-balikpapan/")
    assert asks_for_login(client, "kota-balikpapan", "/t/kota-balikpapan/opds")
    # B's button leads to B's own provider, which knows nothing of the login at A's.
    started = person.start(balikpapan.start_path)
    assert started.headers["Location"].startswith(idp2.issuer + "/auth?")
    assert "/interaction/" in person.login_form(started.headers["Location"]).url


def test_an_answer_for_tenant_a_is_refused_at_tenant_b(two, client, audit):
    palopo, balikpapan = two
    person = Person(client)
    person.start(balikpapan.start_path)  # the browser also holds a login started at B
    started = person.start(palopo.start_path)
    back = person.log_in_at_provider(started.headers["Location"], "palopo-disdik")
    before = counts()
    query = back.split("?", 1)[1]
    response = client.get(f"{balikpapan.callback_path()}?{query}")
    assert response.status_code in (400, 401)
    assert 'data-refusal="' in response.get_data(as_text=True)
    assert counts() == before
    assert not logged_in(client, "kota-balikpapan") and not logged_in(client, "kota-palopo")
    # A's provider id under B's address is not B's: 404 before anything is read.
    assert client.get(balikpapan.callback_path(palopo.provider_id) + f"?{query}").status_code == 404
    assert client.get(f"/t/kota-balikpapan/sso/{palopo.provider_id}/login").status_code == 404


def test_each_tenant_lands_its_own_staff(two, app):
    palopo, balikpapan = two
    Person(app.test_client()).sso_login(palopo.start_path, "palopo-disdik")
    budi = Person(app.test_client())
    response = budi.sso_login(balikpapan.start_path, "balikpapan-dlh")
    assert response.headers["Location"] == "/t/kota-balikpapan/start"
    assert logged_in(budi.client, "kota-balikpapan")
    assert asks_for_login(budi.client, "kota-palopo", "/t/kota-palopo/")


def test_the_same_person_may_belong_to_several_tenants(two, app):
    palopo, balikpapan = two
    from app.core.tenancy import tenant_context
    from app.tenants import services as tenants
    from tests.factories import admin_actor
    from tests.sso.conftest import set_provider

    # Provisioned at Palopo, then added to Balikpapan by its admin; Balikpapan links by verified email.
    Person(app.test_client()).sso_login(palopo.start_path, "palopo-disdik")
    user = accounts.find_user_by_email("operator.disdik@palopo.go.id")
    with tenant_context(balikpapan.setup.tenant_id):
        tenants.add_member(user.id, "viewer", actor=admin_actor(balikpapan.setup))
    db.session.commit()
    set_provider(balikpapan, allowed_email_domains=[], link_by_email=True)
    person = Person(app.test_client())
    assert person.sso_login(balikpapan.start_path, "palopo-disdik").status_code == 302
    assert {t.slug for t, _r in tenants.tenants_of_user(user.id)} == {"kota-palopo", "kota-balikpapan"}


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
            "provision_users": True,
            "default_role": EVALUATOR,
            "role_claim": "groups",
            "role_map": {"ministry-admin": MINISTRY_ADMIN},
        },
        actor=SYSTEM,
    )
    db.session.commit()
    return provider


def test_evaluators_and_ministry_admins_log_in_on_the_ministry_page(ministry, app, audit):
    page = app.test_client().get("/ministry/login").get_data(as_text=True)
    assert "Masuk dengan akun Komdigi" in page
    start = f"/ministry/sso/{ministry.id}/login"
    person = Person(app.test_client())
    assert person.sso_login(start, "komdigi-asesor").status_code == 302
    assert accounts.find_user_by_email("asesor@komdigi.go.id").platform_role == EVALUATOR
    assert "Asesor Komdigi" in person.client.get("/").get_data(as_text=True)
    Person(app.test_client()).sso_login(start, "komdigi-direktorat")
    assert accounts.find_user_by_email("direktorat@komdigi.go.id").platform_role == MINISTRY_ADMIN
    assert audit.actions().count("sso.provisioned") == 2


def test_the_ministry_provider_refuses_city_staff_and_the_global_login_page_points_to_it(
    ministry, app, audit
):
    before = counts()
    response = Person(app.test_client()).sso_login(f"/ministry/sso/{ministry.id}/login", "palopo-disdik")
    assert response.status_code == 403
    assert 'data-refusal="email_domain"' in response.get_data(as_text=True)
    assert counts() == before
    assert "/ministry/login" in app.test_client().get("/login").get_data(as_text=True)


def test_a_tenant_provider_never_logs_in_a_platform_account(palopo, ministry, app, audit):
    Person(app.test_client()).sso_login(f"/ministry/sso/{ministry.id}/login", "komdigi-asesor")
    from tests.sso.conftest import set_provider

    # Palopo's admin points the tenant at the same provider and lets it link and provision anyone.
    set_provider(palopo, allowed_email_domains=[], link_by_email=True)
    response = Person(app.test_client()).sso_login(palopo.start_path, "komdigi-asesor")
    assert response.status_code == 403
    assert 'data-refusal="platform_account"' in response.get_data(as_text=True)

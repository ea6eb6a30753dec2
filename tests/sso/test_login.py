"""An OPD operator logs in with the city's account and lands in their tenant with the right role and OPD;
provisioning on and off, linking by verified email, role mapping, logout at the provider."""

from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import UserIdentity
from app.core.auth import OPD_OPERATOR, PLANNER, SYSTEM, TENANT_ADMIN
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.factories import admin_actor
from tests.sso.conftest import counts, logged_in, set_provider


def _member(tenant, email):
    user = accounts.find_user_by_email(email)
    with tenant_context(tenant.setup.tenant_id):
        actor = tenants.actor_for(user)
        opds = {o.code for o in tenants.list_opds(actor=SYSTEM) if o.id in actor.opd_ids}
    return user, actor.tenant_role, opds


def test_an_opd_operator_is_provisioned_on_first_login_with_their_opd(palopo, person, audit):
    response = person.sso_login(palopo.start_path, "palopo-disdik")

    assert response.status_code == 302
    # An OPD operator goes to the start page, which leads to their programs (here, with no masterplan
    # yet, the dashboard).
    assert response.headers["Location"] == "/t/kota-palopo/start"
    assert person.client.get("/t/kota-palopo/start").headers["Location"] == "/t/kota-palopo/"
    dashboard = person.client.get("/t/kota-palopo/")
    page = dashboard.get_data(as_text=True)
    assert dashboard.status_code == 200
    assert "Rina Operator DISDIK" in page and "Dinas DISDIK" in page
    assert "Operator OPD" in page  # the role as the dashboard names it
    user, role, opds = _member(palopo, "operator.disdik@palopo.go.id")
    assert (role, opds) == (OPD_OPERATOR, {"DISDIK"})
    identity = db.session.scalar(select(UserIdentity).where(UserIdentity.user_id == user.id))
    assert (identity.issuer, identity.subject) == (f"http://127.0.0.1:{person_port(palopo)}", "palopo-disdik")
    assert audit.actions() == ["sso.provisioned", "sso.login"]
    assert audit.events[0]["details"]["opds"] == ["DISDIK"]


def person_port(tenant):
    with tenant_context(tenant.setup.tenant_id):
        from app.sso import services

        return services.get_provider(tenant.provider_id, actor=SYSTEM).issuer.rpartition(":")[2]


def test_the_next_login_reuses_the_account(palopo, person, client):
    person.sso_login(palopo.start_path, "palopo-disdik")
    before = counts()
    client.post("/logout", data={"csrf_token": _csrf(client)})
    response = person.sso_login(palopo.start_path, "palopo-disdik")
    assert response.status_code == 302
    assert counts() == before
    assert logged_in(client, "kota-palopo")


def test_with_provisioning_off_an_unknown_person_is_asked_to_see_their_administrator(palopo, person, audit):
    set_provider(palopo, provision_users=False)
    before = counts()
    response = person.sso_login(palopo.start_path, "palopo-disdik")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Mintalah akses kepada administrator Anda" in page  # the page speaks Indonesian by default
    assert 'data-refusal="not_provisioned"' in page
    assert counts() == before
    assert not logged_in(person.client, "kota-palopo")
    assert audit.refusals() == ["not_provisioned"]


def test_with_provisioning_off_a_member_added_by_the_admin_logs_in(palopo, person):
    set_provider(palopo, provision_users=False, link_by_email=True)
    staff = accounts.create_user("staf@palopo.go.id", "Staf Lama")
    with tenant_context(palopo.setup.tenant_id):
        dlh = next(o for o in tenants.list_opds(actor=SYSTEM) if o.code == "DLH")
        tenants.add_member(staff.id, OPD_OPERATOR, [dlh.id], actor=admin_actor(palopo.setup))
    db.session.commit()

    response = person.sso_login(palopo.start_path, "palopo-staff")

    assert response.status_code == 302
    identity = db.session.scalar(select(UserIdentity).where(UserIdentity.subject == "palopo-staff"))
    assert identity.user_id == staff.id
    assert _member(palopo, "staf@palopo.go.id")[1:] == (OPD_OPERATOR, {"DLH"})


def test_an_existing_email_is_linked_only_when_the_admin_allowed_it_and_the_email_is_verified(
    palopo, client, audit
):
    from tests.support.idp import Person

    staff = accounts.create_user("staf@palopo.go.id", "Staf Lama")
    with tenant_context(palopo.setup.tenant_id):
        tenants.add_member(staff.id, "viewer", actor=admin_actor(palopo.setup))
    db.session.commit()
    before = counts()

    response = Person(client).sso_login(palopo.start_path, "palopo-staff")  # linking not allowed
    assert 'data-refusal="not_linked"' in response.get_data(as_text=True)

    set_provider(palopo, link_by_email=True)
    response = Person(client).sso_login(palopo.start_path, "palopo-unverified")
    assert 'data-refusal="email_unverified"' in response.get_data(as_text=True)
    assert counts() == before
    assert audit.refusals() == ["not_linked", "email_unverified"]

    response = Person(client).sso_login(palopo.start_path, "palopo-staff")
    assert response.status_code == 302
    assert counts()["identities"] == before["identities"] + 1
    assert "sso.linked" in audit.actions()


def test_claim_values_map_to_roles(palopo, client):
    from tests.support.idp import Person

    set_provider(palopo, role_map={"bappeda": PLANNER, "opd": OPD_OPERATOR, "diskominfo-admin": TENANT_ADMIN})
    Person(client).sso_login(palopo.start_path, "palopo-bappeda")  # groups: bappeda, opd
    assert _member(palopo, "perencana@palopo.go.id")[1:] == (PLANNER, set())
    client.delete_cookie("kc_session")
    Person(client).sso_login(palopo.start_path, "palopo-kominfo")  # groups: diskominfo-admin
    assert _member(palopo, "kominfo@palopo.go.id")[1] == TENANT_ADMIN


def test_without_a_matching_claim_value_the_default_role_applies(palopo, person):
    set_provider(palopo, role_map={"bappeda": PLANNER}, default_role="viewer")
    person.sso_login(palopo.start_path, "palopo-disdik")
    assert _member(palopo, "operator.disdik@palopo.go.id")[1:] == ("viewer", set())


def test_logout_ends_the_session_here_and_at_the_provider(palopo, person, client, audit):
    person.sso_login(palopo.start_path, "palopo-disdik")
    response = client.post("/logout", data={"csrf_token": _csrf(client)})

    assert response.status_code == 302
    end_session = response.headers["Location"]
    assert end_session.startswith(person_issuer(palopo) + "/session/end?")
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Ft%2Fkota-palopo%2Flogin" in end_session
    assert not logged_in(client, "kota-palopo")
    assert "sso.logout" in audit.actions()
    # The person confirms at the provider and comes back to the city's login page.
    confirm = person.web.get(end_session, timeout=10)
    form_action = confirm.text.split('action="', 1)[1].split('"', 1)[0]
    xsrf = confirm.text.split('name="xsrf" value="', 1)[1].split('"', 1)[0]
    done = person.web.post(
        requests_join(end_session, form_action), data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False
    )
    back = person._follow_at_provider(done)
    assert back.startswith("http://localhost/t/kota-palopo/login")
    # The provider forgot the person: the next login asks for the password again.
    started = person.start(palopo.start_path)
    assert "/interaction/" in person.web.get(started.headers["Location"], timeout=10).url


def person_issuer(tenant):
    return "http://127.0.0.1:" + person_port(tenant)


def requests_join(base, path):
    from urllib.parse import urljoin

    return urljoin(base, path)


def _csrf(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/account/tokens")

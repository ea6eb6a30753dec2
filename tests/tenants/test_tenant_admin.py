"""The tenant admin manages OPDs and members through the pages."""

import re

import pytest
from sqlalchemy import event

from app.accounts import services as accounts
from app.core.auth import OPD_OPERATOR, SYSTEM
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import form_post, login
from tests.factories import PASSWORD, add_opd, admin_actor, make_tenant


@pytest.fixture
def palopo(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    login(client, setup.admin_email, PASSWORD)
    return setup


def test_adding_editing_and_removing_an_opd(palopo, client):
    added = form_post(
        client, "/t/kota-palopo/opds", {"code": "disdik", "name": "Dinas Pendidikan", "acronym": ""}
    )
    assert added.status_code == 302
    page = client.get("/t/kota-palopo/opds").get_data(as_text=True)
    assert "DISDIK" in page and "Dinas Pendidikan" in page
    opd = tenants_in(palopo, lambda: tenants.list_opds(actor=SYSTEM))[0]
    edited = form_post(
        client,
        f"/t/kota-palopo/opds/{opd.id}/edit",
        {"code": "DISDIK", "name": "Dinas Pendidikan dan Kebudayaan"},
    )
    assert edited.status_code == 302
    assert "Dinas Pendidikan dan Kebudayaan" in client.get("/t/kota-palopo/opds").get_data(as_text=True)
    assert form_post(client, f"/t/kota-palopo/opds/{opd.id}/delete").status_code == 302
    assert tenants_in(palopo, lambda: tenants.list_opds(actor=SYSTEM)) == []


def tenants_in(setup, fn):
    with tenant_context(setup.tenant_id):
        db.session.expire_all()
        return fn()


def test_a_duplicate_opd_code_is_refused_and_the_form_keeps_the_input(palopo, client):
    add_opd(palopo, "DLH")
    response = form_post(
        client, "/t/kota-palopo/opds", {"code": "dlh", "name": "Dinas Lingkungan Hidup Baru"}
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert '<span class="fw-semibold">Kode</span>' in body and "Dinas Lingkungan Hidup Baru" in body


def test_an_opd_with_bound_members_cannot_be_removed(palopo, client):
    opd = add_opd(palopo, "DISDIK")
    operator = accounts.create_user("guru@palopo.go.id", "Operator Disdik", PASSWORD)
    with tenant_context(palopo.tenant_id):
        tenants.add_member(operator.id, OPD_OPERATOR, [opd.id], actor=admin_actor(palopo))
        db.session.commit()
    response = form_post(client, f"/t/kota-palopo/opds/{opd.id}/delete")
    assert response.status_code == 302
    assert len(tenants_in(palopo, lambda: tenants.list_opds(actor=SYSTEM))) == 1


def test_inviting_changing_role_binding_opds_and_removing_a_member(palopo, client, app):
    opd_id = add_opd(palopo, "DISDIK").id
    invited = form_post(
        client, "/t/kota-palopo/members/invite", {"email": "staf@palopo.go.id", "role": "viewer"}
    )
    assert invited.status_code == 302
    assert "staf@palopo.go.id" in client.get("/t/kota-palopo/members").get_data(as_text=True)

    user = accounts.create_user("op@palopo.go.id", "Operator", PASSWORD)
    with tenant_context(palopo.tenant_id):
        membership_id = tenants.add_member(user.id, "viewer", actor=admin_actor(palopo)).id
        db.session.commit()
    user_id = user.id
    changed = form_post(
        client, f"/t/kota-palopo/members/{membership_id}", {"role": "opd_operator", "opd_ids": str(opd_id)}
    )
    assert changed.status_code == 302
    operator = app.test_client()
    login(operator, "op@palopo.go.id", PASSWORD)
    me = _me(user_id)
    assert me == ("opd_operator", [opd_id])

    bad = form_post(client, f"/t/kota-palopo/members/{membership_id}", {"role": "mayor"})
    assert bad.status_code == 422 and '<span class="fw-semibold">Peran</span>' in bad.get_data(as_text=True)

    removed = form_post(client, f"/t/kota-palopo/members/{membership_id}/remove")
    assert removed.status_code == 302
    # The removal ended the operator's session on the server: the browser is asked to log in again.
    after = operator.get("/t/kota-palopo/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/t/kota-palopo/login")
    assert operator.get("/account/tokens").headers["Location"].startswith("/login")


def _me(user_id):
    with tenant_context(_tenant_id()):
        db.session.expire_all()
        actor = tenants.actor_for(accounts.get_user(user_id, actor=SYSTEM))
    return actor.tenant_role, sorted(actor.opd_ids)


def _tenant_id():
    return tenants.find_tenant_by_slug("kota-palopo").id


def test_the_last_tenant_admin_cannot_be_demoted_or_removed(palopo, client):
    with tenant_context(palopo.tenant_id):
        membership = tenants.membership_of(palopo.admin_id)
    response = form_post(client, f"/t/kota-palopo/members/{membership.id}", {"role": "viewer"})
    assert response.status_code == 409
    assert "tenant_admin" in response.get_data(as_text=True)


def test_only_a_tenant_admin_may_manage_members(palopo, app):
    viewer = accounts.create_user("lihat@palopo.go.id", "Viewer", PASSWORD)
    with tenant_context(palopo.tenant_id):
        tenants.add_member(viewer.id, "viewer", actor=admin_actor(palopo))
        db.session.commit()
    client = app.test_client()
    login(client, "lihat@palopo.go.id", PASSWORD)
    assert client.get("/t/kota-palopo/members").status_code == 403
    assert form_post(client, "/t/kota-palopo/opds", {"code": "X", "name": "X"}).status_code == 403
    assert client.get("/t/kota-palopo/opds").status_code == 200


@pytest.mark.parametrize("path", ["/t/kota-palopo/opds", "/t/kota-palopo/members"])
def test_pages_issue_a_constant_number_of_queries(palopo, client, path):
    def count():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    _grow(palopo, 2)
    small = count()
    _grow(palopo, 30)
    assert count() == small


def _grow(setup, n):
    with tenant_context(setup.tenant_id):
        start = len(tenants.list_opds(actor=SYSTEM))
        for i in range(start, start + n):
            opd = tenants.create_opd({"code": f"OPD{i:03}", "name": f"Dinas {i}"}, actor=admin_actor(setup))
            user = accounts.create_user(f"u{i}@palopo.go.id", f"User {i}", PASSWORD)
            tenants.add_member(user.id, OPD_OPERATOR, [opd.id], actor=admin_actor(setup))
        db.session.commit()


def test_member_emails_are_not_shown_to_other_tenants(palopo, app):
    balikpapan = make_tenant("64.71", "kota-balikpapan")
    client = app.test_client()
    login(client, balikpapan.admin_email, PASSWORD)
    page = client.get("/t/kota-balikpapan/members").get_data(as_text=True)
    assert palopo.admin_email not in page
    assert not re.search(r"palopo", page, re.IGNORECASE)

"""Waiting invitations: the tenant admin sees them on the members page, resends or revokes them; an email
is invited once; a suspended tenant takes nobody in; the lists cost the same queries at any size."""

import json
import re
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.audit.models import AuditEntry
from app.core.auth import ANONYMOUS, OPD_OPERATOR, SYSTEM
from app.core.db import utcnow
from app.core.errors import TenantSuspended
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from app.tenants.models import Invitation
from tests.conftest import form_post, login
from tests.factories import PASSWORD, add_opd, admin_actor, make_tenant
from tests.support.queries import count_queries

MEMBERS = "/t/kota-palopo/members"


@pytest.fixture
def palopo(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    login(client, setup.admin_email, PASSWORD)
    return setup


@pytest.fixture
def mail_log(caplog):
    caplog.set_level("WARNING", logger="kotacerdas.mail")
    return caplog


def _invite(client, email, role="viewer", **extra):
    return form_post(client, f"{MEMBERS}/invite", {"email": email, "role": role, **extra})


def _links(mail_log, email) -> list[str]:
    """The acceptance links mailed to ``email``, oldest first, as paths."""
    found = []
    for record in mail_log.records:
        message = record.getMessage()
        if message.startswith(f"mail to {email}:"):
            found += re.findall(r"http://localhost(/t/kota-palopo/invitations/\S+)", message)
    return found


def _invitations(setup) -> list[Invitation]:
    with tenant_context(setup.tenant_id):
        db.session.expire_all()
        return list(db.session.scalars(tenants.pending_invitations_query(actor=SYSTEM)))


def _page(client, url=MEMBERS) -> str:
    response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _invitation_rows(page: str) -> str:
    return page.split('id="invitation-table"', 1)[1]


def test_the_members_page_lists_waiting_invitations_with_role_opds_sender_and_validity(palopo, client):
    opd = add_opd(palopo, "DISDIK")
    assert _invite(client, "guru@palopo.go.id", OPD_OPERATOR, opd_ids=str(opd.id)).status_code == 302
    assert _invite(client, "lama@palopo.go.id").status_code == 302
    _expire(palopo, "lama@palopo.go.id")

    rows = _invitation_rows(_page(client))
    guru = rows.split("guru@palopo.go.id", 1)[1].split("</tr>", 1)[0]
    assert "OPD operator" in guru and "DISDIK" in guru
    assert "Admin kota-palopo" in guru  # who sent it
    assert "Expired" not in guru
    lama = rows.split("lama@palopo.go.id", 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge text-bg-warning">Expired</span>' in lama
    # Resend and revoke are plain forms with the CSRF token: they work without JavaScript.
    for action in ("resend", "revoke"):
        forms = re.findall(rf'<form[^>]+action="{MEMBERS}/invitations/[0-9a-f-]+/{action}"', rows)
        assert len(forms) == 2 and all('method="post"' in form for form in forms)
    assert rows.count('name="csrf_token"') == 4


def _csrf(response) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', response.get_data(as_text=True)).group(1)


def _expire(setup, email):
    with tenant_context(setup.tenant_id):
        invitation = db.session.scalar(select(Invitation).where(Invitation.email == email))
        invitation.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()


def test_resending_mails_a_new_link_and_the_earlier_link_stops_working(palopo, client, app, mail_log):
    _invite(client, "staf@palopo.go.id")
    _expire(palopo, "staf@palopo.go.id")
    (invitation,) = _invitations(palopo)
    assert invitation.is_expired
    invitation_id = invitation.id

    resent = form_post(client, f"{MEMBERS}/invitations/{invitation_id}/resend")
    assert resent.status_code == 302 and resent.headers["Location"].endswith("/t/kota-palopo/members")
    first, second = _links(mail_log, "staf@palopo.go.id")
    newcomer = app.test_client()
    assert newcomer.get(first).status_code == 404
    assert newcomer.get(second).status_code == 200
    (after,) = _invitations(palopo)
    assert after.id == invitation_id and not after.is_expired
    # SQLite hands back naive UTC datetimes.
    assert after.expires_at.replace(tzinfo=after.expires_at.tzinfo or UTC) > utcnow() + timedelta(days=13)
    assert "Expired" not in _invitation_rows(_page(client))
    change = _audit(palopo, "update", invitation_id, origin="web")
    assert change.user_id == palopo.admin_id
    assert change.after["token_hash"] == "***" and "expires_at" in change.after


def _audit(setup, action, object_id, **where) -> AuditEntry:
    with tenant_context(setup.tenant_id):
        return db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "Invitation", AuditEntry.action == action)
            .where(AuditEntry.object_id == str(object_id))
            .filter_by(**where)
        ).one()


def test_revoking_stops_the_link_and_the_audit_log_keeps_what_it_was(palopo, client, app, mail_log):
    _invite(client, "keliru@palopo.go.id", "planner")
    invitation_id = _invitations(palopo)[0].id
    (link,) = _links(mail_log, "keliru@palopo.go.id")

    revoked = form_post(client, f"{MEMBERS}/invitations/{invitation_id}/revoke")
    assert revoked.status_code == 302
    assert "keliru@palopo.go.id" in _page(client)  # the flash message says whose
    assert "keliru@palopo.go.id" not in _invitation_rows(_page(client))
    assert app.test_client().get(link).status_code == 404
    assert _invitations(palopo) == []
    entry = _audit(palopo, "delete", invitation_id)
    assert entry.user_id == palopo.admin_id and entry.origin == "web"
    assert entry.before["email"] == "keliru@palopo.go.id" and entry.before["role"] == "planner"
    assert entry.before["token_hash"] == "***"
    # Gone means gone: a second revoke finds nothing.
    assert form_post(client, f"{MEMBERS}/invitations/{invitation_id}/revoke").status_code == 404


def test_an_email_already_invited_is_refused_on_the_email_field(palopo, client):
    assert _invite(client, "staf@palopo.go.id").status_code == 302
    again = _invite(client, "  STAF@palopo.go.id ", "planner")
    assert again.status_code == 422
    body = again.get_data(as_text=True)
    email_field = body.split('id="f-email"', 1)[0].rsplit("<input", 1)[1] + body.split('id="f-email"', 1)[1]
    assert "is-invalid" in email_field.split(">", 1)[0]
    error = '<div class="invalid-feedback d-block" id="f-email-error">sudah diundang; kirim ulang dari daftar'
    assert error in body
    english = form_post(client, f"{MEMBERS}/invite?lang=en", {"email": "staf@palopo.go.id", "role": "viewer"})
    assert (
        '<span class="fw-semibold">Email</span>: already invited; resend it from the list'
        in english.get_data(as_text=True)
    )
    (only,) = _invitations(palopo)
    assert only.role == "viewer"


def test_an_expired_invitation_still_counts_and_is_resent_rather_than_duplicated(palopo, client):
    _invite(client, "staf@palopo.go.id")
    _expire(palopo, "staf@palopo.go.id")
    assert _invite(client, "staf@palopo.go.id").status_code == 422
    assert len(_invitations(palopo)) == 1


def test_inviting_a_member_is_refused_on_the_email_field(palopo, client):
    response = form_post(
        client, f"{MEMBERS}/invite?lang=en", {"email": palopo.admin_email.upper(), "role": "viewer"}
    )
    assert response.status_code == 422
    assert '<span class="fw-semibold">Email</span>: already a member of this tenant' in response.get_data(
        as_text=True
    )
    assert _invitations(palopo) == []


def test_a_suspended_tenant_shows_its_notice_on_the_link_and_creates_nothing(palopo, client, app, mail_log):
    _invite(client, "baru@palopo.go.id", "planner")
    (link,) = _links(mail_log, "baru@palopo.go.id")
    tenants.set_tenant_status(palopo.tenant_id, "suspended", actor=SYSTEM)
    db.session.commit()

    newcomer = app.test_client()
    shown = newcomer.get(link)
    assert shown.status_code == 403 and "Kota Palopo sedang ditangguhkan" in shown.get_data(as_text=True)
    token = _csrf(shown)
    posted = newcomer.post(link, data={"csrf_token": token, "name": "Baru", "password": "kuat-sekali-2026"})
    assert posted.status_code == 403 and "ditangguhkan" in posted.get_data(as_text=True)
    assert accounts.find_user_by_email("baru@palopo.go.id") is None
    (still,) = _invitations(palopo)
    assert still.accepted_at is None
    # A made-up link learns nothing about the tenant's status.
    assert newcomer.get("/t/kota-palopo/invitations/not-a-token").status_code == 404

    tenants.set_tenant_status(palopo.tenant_id, "active", actor=SYSTEM)
    db.session.commit()
    accepted = newcomer.post(link, data={"csrf_token": token, "name": "Baru", "password": "kuat-sekali-2026"})
    assert accepted.status_code == 302


def test_the_accepting_service_refuses_in_a_suspended_tenant(palopo, client, mail_log):
    _invite(client, "baru@palopo.go.id")
    token = _links(mail_log, "baru@palopo.go.id")[0].rsplit("/", 1)[1]
    tenants.set_tenant_status(palopo.tenant_id, "suspended", actor=SYSTEM)
    db.session.commit()
    with tenant_context(palopo.tenant_id), pytest.raises(TenantSuspended):
        tenants.accept_invitation(token, actor=ANONYMOUS, name="Baru", password="kuat-sekali-2026")
    db.session.rollback()
    assert accounts.find_user_by_email("baru@palopo.go.id") is None


def test_only_the_tenant_admin_resends_or_revokes(palopo, client, app):
    _invite(client, "staf@palopo.go.id")
    invitation_id = _invitations(palopo)[0].id
    viewer = accounts.create_user("lihat@palopo.go.id", "Viewer", PASSWORD)
    with tenant_context(palopo.tenant_id):
        tenants.add_member(viewer.id, "viewer", actor=admin_actor(palopo))
        db.session.commit()
    other = app.test_client()
    login(other, "lihat@palopo.go.id", PASSWORD)
    for action in ("resend", "revoke"):
        assert form_post(other, f"{MEMBERS}/invitations/{invitation_id}/{action}").status_code == 403
    # Another tenant's admin naming Palopo's invitation under their own tenant finds nothing.
    make_tenant("64.71", "kota-balikpapan")
    stranger = app.test_client()
    login(stranger, "admin@kota-balikpapan.test", PASSWORD)
    url = f"/t/kota-balikpapan/members/invitations/{invitation_id}/revoke"
    assert form_post(stranger, url).status_code == 404
    assert len(_invitations(palopo)) == 1


def test_the_invitation_list_pages_on_its_own_beside_the_member_list(palopo, client):
    _grow(palopo, members=25, invitations=25)
    page = _page(client)
    assert _rows_shown(_invitation_rows(page)) == 20
    link = re.search(r'href="([^"]*invitations_page=2[^"]*)"', _invitation_rows(page)).group(1)
    second = _page(client, link.replace("&amp;", "&"))
    assert _rows_shown(_invitation_rows(second)) == 5
    # Paging the members keeps the invitation page, and the other way round.
    member_link = re.search(r'href="([^"]*(?:\?|&amp;)page=2[^"]*)"', second.split('id="member-table"', 1)[1])
    assert "invitations_page=2" in member_link.group(1)
    both = _page(client, member_link.group(1).replace("&amp;", "&"))
    assert _rows_shown(_invitation_rows(both)) == 5
    # htmx swaps the invitation table alone.
    fragment = client.get(
        f"{MEMBERS}?invitations_page=2", headers={"HX-Request": "true", "HX-Target": "invitation-table"}
    ).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="invitation-table"') and "<html" not in fragment
    assert client.get(f"{MEMBERS}?invitations_page=x").status_code == 422


def _rows_shown(table: str) -> int:
    return table.split("</table>", 1)[0].count('<td data-label="" class="kc-stack-title">')


def _grow(setup, members, invitations):
    """Members bound to OPDs and invitations naming OPDs, ``members`` and ``invitations`` of each more."""
    actor = admin_actor(setup)
    with tenant_context(setup.tenant_id):
        start = tenants.opd_count(actor=SYSTEM)
        for i in range(start, start + max(members, invitations)):
            opd = tenants.create_opd({"code": f"OPD{i:03}", "name": f"Dinas {i}"}, actor=actor)
            if i < start + members:
                user = accounts.create_user(f"u{i}@palopo.go.id", f"User {i}", PASSWORD)
                tenants.add_member(user.id, OPD_OPERATOR, [opd.id], actor=actor)
            if i < start + invitations:
                tenants.invite_member(f"i{i}@palopo.go.id", OPD_OPERATOR, [opd.id], actor=actor)
        db.session.commit()


def test_the_members_page_sends_the_same_queries_for_5_and_40_members_and_invitations(palopo, client, app):
    def queries() -> int:
        with count_queries(app) as statements:
            assert client.get(MEMBERS).status_code == 200
        return len(statements)

    _grow(palopo, members=4, invitations=5)  # with the admin: 5 members
    small = queries()
    _grow(palopo, members=35, invitations=35)
    large = queries()
    assert len(_invitations(palopo)) == 40 and tenants_member_count(palopo) == 40
    assert large == small, (small, large)
    print(f"members page: {small} queries with 5 members and invitations, {large} with 40")


def tenants_member_count(setup) -> int:
    with tenant_context(setup.tenant_id):
        return tenants.member_count(actor=SYSTEM)


def test_an_opd_named_by_a_waiting_invitation_cannot_be_removed(palopo, client):
    opd_id = add_opd(palopo, "DISDIK").id
    _invite(client, "guru@palopo.go.id", OPD_OPERATOR, opd_ids=str(opd_id))
    refused = form_post(client, f"/t/kota-palopo/opds/{opd_id}/delete?lang=en", follow_redirects=True)
    assert "a waiting invitation names this OPD; revoke it first" in refused.get_data(as_text=True)
    with tenant_context(palopo.tenant_id):
        assert tenants.opd_count(actor=SYSTEM) == 1
    invitation_id = _invitations(palopo)[0].id
    form_post(client, f"{MEMBERS}/invitations/{invitation_id}/revoke")
    form_post(client, f"/t/kota-palopo/opds/{opd_id}/delete")
    with tenant_context(palopo.tenant_id):
        assert tenants.opd_count(actor=SYSTEM) == 0


# --- the platform operator's tenant page ---------------------------------------------------------


@pytest.fixture
def operator(app_ctx, app):
    accounts.create_user("ops@kotacerdas.test", "Operator", PASSWORD, platform_role="platform_admin")
    db.session.commit()
    client = app.test_client()
    login(client, "ops@kotacerdas.test", PASSWORD)
    return client


def test_the_platform_operator_resends_and_revokes_a_first_admin_invitation(operator, app, mail_log):
    setup = make_tenant("64.71", "kota-balikpapan")
    page = f"/admin/tenants/{setup.tenant_id}"
    assert form_post(operator, page, {"email": "kadis@balikpapan.go.id"}).status_code == 302
    twice = form_post(operator, f"{page}?lang=en", {"email": "kadis@balikpapan.go.id"})
    assert twice.status_code == 422 and "already invited" in twice.get_data(as_text=True)
    invitation_id = _invitations(setup)[0].id
    rows = _invitation_rows(operator.get(f"{page}?lang=en").get_data(as_text=True))
    assert "kadis@balikpapan.go.id" in rows and "Tenant admin" in rows and "Operator" in rows

    resent = form_post(operator, f"{page}/invitations/{invitation_id}/resend")
    assert resent.status_code == 302 and resent.headers["Location"].endswith(page)
    links = [
        path
        for record in mail_log.records
        for path in re.findall(r"(/t/kota-balikpapan/invitations/\S+)", record.getMessage())
    ]
    assert len(links) == 2 and app.test_client().get(links[0]).status_code == 404
    assert app.test_client().get(links[1]).status_code == 200

    assert form_post(operator, f"{page}/invitations/{invitation_id}/revoke").status_code == 302
    assert _invitations(setup) == []
    assert app.test_client().get(links[1]).status_code == 404


def test_the_platform_operator_cannot_reach_an_invitation_through_another_tenant(operator):
    palopo = make_tenant("73.73", "kota-palopo")
    balikpapan = make_tenant("64.71", "kota-balikpapan")
    with tenant_context(palopo.tenant_id):
        invitation, _token = tenants.invite_member("x@palopo.go.id", "viewer", actor=admin_actor(palopo))
        db.session.commit()
    url = f"/admin/tenants/{balikpapan.tenant_id}/invitations/{invitation.id}/revoke"
    assert form_post(operator, url).status_code == 404
    assert len(_invitations(palopo)) == 1


# --- the API ----------------------------------------------------------------------------------


API = "/api/v1/t/kota-palopo/invitations"


def test_invitations_through_the_api_list_resend_and_revoke(palopo, client, app, mail_log):
    headers = palopo.headers()
    created = client.post(API, json={"email": "staf@palopo.go.id", "role": "viewer"}, headers=headers)
    assert created.status_code == 201
    invitation = created.get_json()
    assert invitation["invited_by"] == str(palopo.admin_id) and invitation["expired"] is False

    duplicate = client.post(API, json={"email": "Staf@palopo.go.id", "role": "planner"}, headers=headers)
    assert duplicate.status_code == 422
    assert duplicate.get_json()["errors"] == {"email": ["already invited; resend it from the list"]}
    member = client.post(API, json={"email": palopo.admin_email, "role": "viewer"}, headers=headers)
    assert member.status_code == 422 and member.get_json()["errors"] == {
        "email": ["already a member of this tenant"]
    }

    _expire(palopo, "staf@palopo.go.id")
    (listed,) = client.get(API, headers=headers).get_json()
    assert listed["id"] == invitation["id"] and listed["expired"] is True
    resent = client.post(f"{API}/{invitation['id']}/resend", headers=headers)
    assert resent.status_code == 200 and resent.get_json()["expired"] is False
    first, second = _links(mail_log, "staf@palopo.go.id")
    assert app.test_client().get(first).status_code == 404

    url = f"{API}/{invitation['id']}"
    shown = client.get(url, headers=headers)
    assert shown.status_code == 200 and shown.get_json()["email"] == "staf@palopo.go.id"
    assert client.delete(url, headers=headers).status_code == 428
    assert client.delete(url, headers={**headers, "If-Match": '"stale"'}).status_code == 412
    assert client.delete(url, headers={**headers, "If-Match": shown.headers["ETag"]}).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    assert app.test_client().get(second).status_code == 404
    pagination = json.loads(client.get(API, headers=headers).headers["X-Pagination"])
    assert pagination["total"] == 0


def test_an_accepted_invitation_is_no_longer_an_api_resource(palopo, client, app, mail_log):
    created = client.post(
        API, json={"email": "staf@palopo.go.id", "role": "viewer"}, headers=palopo.headers()
    )
    (link,) = _links(mail_log, "staf@palopo.go.id")
    newcomer = app.test_client()
    token = _csrf(newcomer.get(link))
    newcomer.post(link, data={"csrf_token": token, "name": "Staf", "password": "kuat-sekali-2026"})
    url = f"{API}/{created.get_json()['id']}"
    assert client.get(url, headers=palopo.headers()).status_code == 404
    assert client.post(f"{url}/resend", headers=palopo.headers()).status_code == 404
    with tenant_context(palopo.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1

"""The audit log reads like a ledger: people and objects by name (a removed OPD keeps its name), columns
by their labels, a change's before and after side by side, times in the tenant's zone, events by what
happened; and it exports to Excel as the page shows it."""

import re
from io import BytesIO

from openpyxl import load_workbook

from app.core.audit import acting_as
from app.core.auth import OPD_OPERATOR
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import form_post, login

PAGE = "/t/kota-palopo/audit"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _results(html: str) -> str:
    return html.split('id="audit-results"')[1]


def _entries(html: str) -> list[str]:
    return _results(html).split('<li class="list-group-item kc-audit-entry">')[1:]


def _admin(client):
    login(client, "admin@kota-palopo.demo")
    return client


def test_no_raw_id_reaches_the_page_and_members_read_by_name(palopo, client):
    _admin(client)
    for object_type in ("", "Membership", "MembershipOpd", "Opd", "Invitation", "Masterplan", "Program"):
        html = client.get(f"{PAGE}?object_type={object_type}").get_data(as_text=True)
        assert _entries(html), object_type
        assert not UUID.search(_results(html)), (object_type, UUID.findall(_results(html))[:3])
    members = client.get(f"{PAGE}?object_type=Membership").get_data(as_text=True)
    operator = [e for e in _entries(members) if "Operator" in e and "OPD operator" in e]
    assert operator, "the operator's membership names the person and the role"
    bound = _results(client.get(f"{PAGE}?object_type=MembershipOpd").get_data(as_text=True))
    assert "Dinas" in bound or "Badan" in bound  # the OPD by its name


def _opd(palopo, code: str, name: str):
    with palopo.inside(), acting_as(palopo.admin_id, "web"):
        opd = tenants.create_opd({"code": code, "name": name}, actor=palopo.actor)
        db.session.commit()
        return opd.id


def test_a_change_shows_before_and_after_side_by_side_and_a_removed_opd_keeps_its_name(palopo, client):
    kept = _opd(palopo, "DISPAR", "Dinas Pariwisata")
    gone = _opd(palopo, "DISPORA", "Dinas Pemuda dan Olahraga")
    with palopo.inside(), acting_as(palopo.admin_id, "web"):
        tenants.update_opd(kept, {"acronym": "Dispar"}, actor=palopo.actor)
        invitation, _token = tenants.invite_member(
            "op@palopo.go.id", OPD_OPERATOR, [gone], actor=palopo.actor
        )
        db.session.commit()
        tenants.revoke_invitation(invitation.id, actor=palopo.actor)
        tenants.delete_opd(gone, actor=palopo.actor)
        db.session.commit()
    _admin(client)

    (change,) = [
        e for e in _entries(client.get(f"{PAGE}?object_type=Opd&action=update").get_data(as_text=True))
    ]
    # The entry changed only the acronym, yet names the OPD; the field by its label, values side by side.
    assert "Dinas Pariwisata" in change
    assert re.search(r"<th scope=\"col\"[^>]*>Before</th><th scope=\"col\"[^>]*>After</th>", change)
    assert re.search(
        r">Acronym</th>\s*<td[^>]*><del[^>]*>–</del></td>\s*<td[^>]*><ins[^>]*>Dispar</ins>", change
    )

    invitations = _entries(client.get(f"{PAGE}?object_type=Invitation").get_data(as_text=True))
    sent = [e for e in invitations if "op@palopo.go.id" in e and "created" in e]
    assert sent and ">OPDs</th>" in sent[0]
    assert "Dinas Pemuda dan Olahraga" in sent[0]  # the OPD was removed since: its name is in the log
    assert not UUID.search("".join(invitations))


def test_times_are_in_the_tenants_zone_and_events_read_as_what_happened(palopo, client):
    _admin(client)
    form_post(
        client,
        "/account/password",
        {
            "current_password": "kotacerdas-demo",
            "new_password": "sandi-baru-panjang-1",
            "confirm_password": "sandi-baru-panjang-1",
        },
    )
    html = client.get(PAGE).get_data(as_text=True)
    assert re.search(r"\d{4},? \d{1,2}[.:]\d{2}\W*([AP]M)? WITA</time>", _results(html))  # Palopo: WITA
    platform = client.application.test_client()
    login(platform, "admin@kotacerdas.local")
    events = platform.get("/admin/audit?action=accounts.password_changed").get_data(as_text=True)
    (entry,) = _entries(events)
    assert "changed their password" in entry and "accounts.password_changed" not in entry
    offered = events.split('id="f-action"')[1].split("</select>")[0]
    assert '<option value="accounts.password_changed" selected>changed their password</option>' in offered


def test_the_log_exports_to_excel_as_the_filter_shows_it(palopo, client, app):
    _admin(client)
    page = client.get(f"{PAGE}?object_type=Opd").get_data(as_text=True)
    assert 'href="/t/kota-palopo/audit/export.xlsx?object_type=Opd"' in page
    response = client.get("/t/kota-palopo/audit/export.xlsx?object_type=Opd")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Time", "Person", "Email", "Via", "Action", "Object type", "Object", "Changes")
    assert len(rows) - 1 == len(_entries(page))
    assert {row[5] for row in rows[1:]} == {"OPD"}
    assert "Dinas Komunikasi dan Informatika" in {row[6] for row in rows[1:]}
    assert all(row[0].endswith("WITA") for row in rows[1:])
    assert not UUID.search(" ".join(str(v) for row in rows for v in row))
    assert any("Code: DISKOMINFO" in (row[7] or "") for row in rows[1:])

    assert client.get("/t/kota-palopo/audit/export.xlsx?since=2024-02-30").status_code == 422
    operator = app.test_client()
    login(operator, "opd@kota-palopo.demo")
    assert operator.get("/t/kota-palopo/audit/export.xlsx").status_code == 403
    other = app.test_client()
    login(other, "admin@kota-balikpapan.demo")
    assert other.get("/t/kota-palopo/audit/export.xlsx").status_code == 404


def test_the_platform_log_exports_too(palopo, client):
    login(client, "admin@kotacerdas.local")
    response = client.get("/admin/audit/export.xlsx?object_type=Tenant&action=create")
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 and {row[6] for row in rows[1:]} >= {"Kota Palopo", "Kota Balikpapan"}
    assert client.application.test_client().get("/admin/audit/export.xlsx").status_code == 302

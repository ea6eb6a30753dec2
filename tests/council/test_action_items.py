"""Decisions become action items, through the API: assigned by the secretariat to an OPD or a member of a
body, due on a day, linked to the tenant's programs (another tenant's program is not found), closed by the
owner OPD's operator (who and when recorded) and reopened, edited with ETags, audited, read by each role
as far as it may, and listed for the reminders when overdue."""

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.audit.models import AuditEntry
from app.core.auth import COUNCIL_MEMBER, Actor
from app.council import services as council
from app.extensions import db
from app.masterplan import services as masterplans
from app.tenants import services as tenants
from tests.council.test_meetings import RAKOR
from tests.support.demo import demo_tenant

BASE = "/api/v1/t/kota-palopo/council"


@pytest.fixture
def world(palopo, client):
    """Palopo's admin and operator tokens, a coordination meeting with a decision, and the ids of its
    programs and OPDs; Balikpapan's first program."""
    with palopo.inside():
        programs = {p.code: p for p in _programs(palopo.actor)}
        opds = {o.code: o.id for o in tenants.list_opds(actor=palopo.actor)}
    balikpapan = demo_tenant(palopo.app, "kota-balikpapan")
    with balikpapan.inside():
        foreign = _programs(balikpapan.actor)[0].id
    admin = palopo.token()
    meeting = client.post(f"{BASE}/meetings", headers=admin, json=RAKOR).get_json()
    decision = client.post(
        f"{BASE}/meetings/{meeting['id']}/decisions",
        headers=admin,
        json={"text": "Dinas Pendidikan melaporkan kemajuan Palopo Kampus Terbuka"},
    ).get_json()

    class World:
        pass

    w = World()
    w.palopo, w.client, w.admin, w.operator = palopo, client, admin, palopo.token(palopo.operator_id)
    w.programs, w.opds, w.foreign_program = programs, opds, foreign
    w.create = f"{BASE}/meetings/{meeting['id']}/decisions/{decision['id']}/action-items"
    w.decision = decision
    return w


def _programs(actor):
    return masterplans.list_programs(masterplans.current_masterplan(actor=actor).id, actor=actor)


def _item(w, **changes):
    body = {
        "title": "Menyusun laporan kolaborasi perguruan tinggi",
        "owner_opd_id": str(w.opds["DISDIK"]),
        "due_on": "2026-06-30",
        "program_ids": [str(w.programs["PLP-S-02"].id)],
        **changes,
    }
    return w.client.post(w.create, headers=w.admin, json=body)


def _count(w) -> int:
    return len(w.client.get(f"{BASE}/action-items?page_size=100", headers=w.admin).get_json())


def test_a_decision_becomes_an_action_item_on_a_program(world):
    created = _item(world)
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert item["status"] == "open" and item["owner_name"] == "Dinas Pendidikan"
    assert item["decision_id"] == world.decision["id"]
    assert item["program_ids"] == [str(world.programs["PLP-S-02"].id)]
    listed = world.client.get(
        f"{BASE}/action-items", headers=world.admin, query_string={"program_id": item["program_ids"][0]}
    ).get_json()
    assert item["id"] in [i["id"] for i in listed]
    under_decision = world.client.get(world.create, headers=world.admin).get_json()
    assert [i["id"] for i in under_decision] == [item["id"]]


def test_an_action_item_on_another_tenants_program_is_not_found_and_nothing_is_saved(world):
    before = _count(world)
    foreign = _item(world, program_ids=[str(world.programs["PLP-S-02"].id), str(world.foreign_program)])
    assert foreign.status_code == 404
    assert _count(world) == before
    changed = _item(world).get_json()
    relinked = world.client.patch(
        f"{BASE}/action-items/{changed['id']}",
        headers={**world.admin, "If-Match": "*"},
        json={"program_ids": [str(world.foreign_program)]},
    )
    assert relinked.status_code == 404
    again = world.client.get(f"{BASE}/action-items/{changed['id']}", headers=world.admin).get_json()
    assert again["program_ids"] == changed["program_ids"]


@pytest.mark.parametrize(
    "due_on",
    ["2026-02-30", "30/06/2026", "20266-01-01", "1800-01-01", "2026-03-01", None],
    ids=["no-such-day", "not-iso", "five-digit-year", "before-1900", "before-the-meeting", "missing"],
)
def test_a_due_date_that_is_not_a_day_after_the_meeting_is_refused_naming_the_field(world, due_on):
    before = _count(world)
    refused = _item(world, due_on=due_on)
    assert refused.status_code == 422
    assert "due_on" in refused.get_json()["errors"]
    assert _count(world) == before


def test_the_owner_is_one_opd_or_one_member_of_a_body(world):
    both = _item(world, owner_member_id=str(world.opds["DISDIK"]))
    assert both.status_code == 422 and "owner_opd_id" in both.get_json()["errors"]
    neither = _item(world, owner_opd_id=None)
    assert neither.status_code == 422 and "owner_opd_id" in neither.get_json()["errors"]
    unknown = _item(world, owner_opd_id=None, owner_member_id=str(world.programs["PLP-S-02"].id))
    assert unknown.status_code == 422 and "owner_member_id" in unknown.get_json()["errors"]
    no_program = _item(world, program_ids=[])
    assert no_program.status_code == 422 and "program_ids" in no_program.get_json()["errors"]


def test_a_stale_editor_is_refused_with_412_and_loses_nothing(world):
    item = _item(world).get_json()
    url = f"{BASE}/action-items/{item['id']}"
    etag = world.client.get(url, headers=world.admin).headers["ETag"]
    first = world.client.patch(url, headers={**world.admin, "If-Match": etag}, json={"due_on": "2026-07-31"})
    assert first.status_code == 200 and first.get_json()["due_on"] == "2026-07-31"
    stale = world.client.patch(url, headers={**world.admin, "If-Match": etag}, json={"due_on": "2026-08-31"})
    assert stale.status_code == 412
    missing = world.client.patch(url, headers=world.admin, json={"due_on": "2026-08-31"})
    assert missing.status_code == 428
    assert world.client.get(url, headers=world.admin).get_json()["due_on"] == "2026-07-31"
    stale_close = world.client.post(f"{url}/close", headers={**world.admin, "If-Match": etag}, json={})
    assert stale_close.status_code == 412


def test_the_owner_opds_operator_closes_it_and_it_can_be_reopened_with_every_write_audited(world):
    item = _item(world).get_json()
    url = f"{BASE}/action-items/{item['id']}"
    operator = {**world.operator, "If-Match": "*"}
    closed = world.client.post(f"{url}/close", headers=operator, json={"note": "Data 17 PT terkumpul."})
    assert closed.status_code == 200, closed.get_json()
    done = closed.get_json()
    assert done["status"] == "done" and done["note"] == "Data 17 PT terkumpul."
    assert done["closed_by"] == str(world.palopo.operator_id) and done["closed_at"]
    assert world.client.post(f"{url}/close", headers=operator, json={}).status_code == 409
    reopened = world.client.post(f"{url}/reopen", headers=operator)
    assert reopened.status_code == 200
    assert reopened.get_json()["status"] == "open" and reopened.get_json()["closed_by"] is None
    noted = world.client.patch(url, headers=operator, json={"note": "Menunggu data 2 PT."})
    assert noted.status_code == 200 and noted.get_json()["note"] == "Menunggu data 2 PT."
    # The operator keeps the status and the note; the assignment is the secretariat's.
    assert world.client.patch(url, headers=operator, json={"title": "Lain"}).status_code == 403
    with world.palopo.inside():
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == "CouncilActionItem", AuditEntry.object_id.contains(item["id"])
            )
        ).all()
        changes = [(e.action, e.user_id, str(e.after)) for e in entries]
    assert [a for a, _u, _c in changes].count("create") == 1
    assert any(u == world.palopo.operator_id and "done" in c for _a, u, c in changes)
    assert any(u == world.palopo.operator_id and "Menunggu data 2 PT." in c for _a, u, c in changes)
    with world.palopo.inside():
        links = db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "CouncilActionItemProgram")
        ).all()
    assert any(item["id"] in str(e.after) for e in links)


def _council_member_of_the_dewan(palopo) -> tuple[str, object]:
    """A council member user, appointed to the Dewan Smart City; returns their email and member id."""
    from app.council import bodies

    with palopo.inside():
        user = accounts.create_user("akademisi@palopo.go.id", "Dr. Hasnah", "kotacerdas-demo")
        tenants.add_member(user.id, COUNCIL_MEMBER, actor=palopo.actor)
        dewan = next(b for b in bodies.list_bodies(actor=palopo.actor) if b.kind == "DEWAN")
        seat = next(p for p in bodies.list_positions(dewan.id, actor=palopo.actor) if p.code == "ANGGOTA")
        member = bodies.create_member(
            dewan.id,
            {
                "position_id": seat.id,
                "user_id": user.id,
                "pentahelix": "AKADEMISI",
                "term_start": date(2025, 1, 1),
            },
            actor=palopo.actor,
        )
        db.session.commit()
        return user.id, member.id


def test_each_role_reads_the_action_items_it_may_and_no_other(world):
    disdik = _item(world).get_json()
    diskominfo = _item(world, owner_opd_id=str(world.opds["DISKOMINFO"])).get_json()
    user_id, member_id = _council_member_of_the_dewan(world.palopo)
    own = _item(world, owner_opd_id=None, owner_member_id=str(member_id)).get_json()
    assert own["owner_name"] == "Dr. Hasnah"
    c = world.client

    operator_list = {
        i["id"] for i in c.get(f"{BASE}/action-items?page_size=100", headers=world.operator).get_json()
    }
    assert disdik["id"] in operator_list and not operator_list & {diskominfo["id"], own["id"]}
    assert c.get(f"{BASE}/action-items/{diskominfo['id']}", headers=world.operator).status_code == 404
    refused = c.post(
        f"{BASE}/action-items/{diskominfo['id']}/close", headers={**world.operator, "If-Match": "*"}
    )
    assert refused.status_code == 404
    assert c.post(world.create, headers=world.operator, json={}).status_code in (403, 422)

    member = world.palopo.token(user_id)
    member_list = [i["id"] for i in c.get(f"{BASE}/action-items?page_size=100", headers=member).get_json()]
    assert member_list == [own["id"]]
    assert c.get(f"{BASE}/action-items/{disdik['id']}", headers=member).status_code == 404
    assert c.get(f"{BASE}/bodies", headers=member).status_code == 200
    assert c.get(f"{BASE}/meetings", headers=member).status_code == 200
    # A council member reads their own action item but the owner OPD's operators and the secretariat
    # report it done.
    assert (
        c.post(f"{BASE}/action-items/{own['id']}/close", headers={**member, "If-Match": "*"}).status_code
        == 403
    )


def test_overdue_action_items_name_the_people_to_remind(palopo):
    """The demo's Palopo has an action item of Dinas Pendidikan due on 28 February 2025, still open: on
    1 March 2025 it is overdue and its OPD's operator is the one to remind."""
    with palopo.inside():
        system = Actor.system(palopo.tenant_id)
        on_the_day = council.overdue_action_items(actor=system, today=date(2025, 2, 28))
        overdue = council.overdue_action_items(actor=system, today=date(2025, 3, 1))
    assert all(
        o.item.title != "Menyusun data capaian kolaborasi 17 perguruan tinggi Palopo Kampus Terbuka"
        for o in on_the_day
    )
    found = next(o for o in overdue if o.item.title.startswith("Menyusun data capaian kolaborasi"))
    assert found.owner.kind == "opd" and found.owner.name == "Dinas Pendidikan"
    assert found.due_on == date(2025, 2, 28) and found.days_overdue == 1
    assert [p.email for p in found.people] == ["opd@kota-palopo.demo"]
    # Closed items are never overdue; each value is frozen.
    assert all(not o.item.done for o in overdue)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.due_on = date(2030, 1, 1)


def test_what_an_action_item_names_stays_while_it_stands(world):
    """The decision, the owner OPD and the owner member of an action item cannot be removed from under it:
    409 with the reason, and nothing is lost."""
    item = _item(world).get_json()
    meeting_id = world.create.split("/meetings/")[1].split("/")[0]
    decision_url = f"{BASE}/meetings/{meeting_id}/decisions/{item['decision_id']}"
    refused = world.client.delete(decision_url, headers={**world.admin, "If-Match": "*"})
    assert refused.status_code == 409 and "action items" in refused.get_json()["message"]
    with world.palopo.inside():
        new_opd = {"code": "DPMPTSP", "name": "Dinas Penanaman Modal"}
        opd = tenants.create_opd(new_opd, actor=world.palopo.actor)
        db.session.commit()
        opd_id = opd.id
    assigned = _item(world, owner_opd_id=str(opd_id)).get_json()
    opd_url = f"/api/v1/t/kota-palopo/opds/{opd_id}"
    busy = world.client.delete(opd_url, headers={**world.admin, "If-Match": "*"})
    assert busy.status_code == 409 and "council action items" in busy.get_json()["message"]
    assert world.client.get(f"{BASE}/action-items/{assigned['id']}", headers=world.admin).status_code == 200
    assert world.client.get(f"{BASE}/action-items/{item['id']}", headers=world.admin).status_code == 200
    removed = world.client.delete(
        f"{BASE}/action-items/{item['id']}", headers={**world.admin, "If-Match": "*"}
    )
    assert removed.status_code == 204
    world.client.delete(f"{BASE}/action-items/{assigned['id']}", headers={**world.admin, "If-Match": "*"})
    assert world.client.delete(decision_url, headers={**world.admin, "If-Match": "*"}).status_code == 204
    assert world.client.delete(opd_url, headers={**world.admin, "If-Match": "*"}).status_code == 204

"""The council's pages, in Indonesian (the users' language): every member reads the bodies and meetings;
only the secretariat sees the forms; a refused form comes back with its fields named and nothing saved."""

import re

from app.accounts import services as accounts
from app.core.auth import COUNCIL_MEMBER
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import form_post, login

T = "/t/kota-palopo/council"


def _council_member(palopo):
    with palopo.inside():
        user = accounts.create_user("dewan@palopo.go.id", "Andi Rahman", "kotacerdas-demo")
        tenants.add_member(user.id, COUNCIL_MEMBER, actor=palopo.actor)
        db.session.commit()
    return "dewan@palopo.go.id"


def _first_link(html: str, pattern: str) -> str:
    return re.search(rf'href="({pattern}[^"]*)"', html).group(1)


def test_a_council_member_reads_bodies_members_and_meetings_without_forms(palopo, client):
    login(client, _council_member(palopo))
    index = client.get(T).get_data(as_text=True)
    assert "Dewan Smart City Kota Palopo" in index and "Rapat Koordinasi Smart City Triwulan" in index
    assert "Bentuk lembaga" not in index
    body = client.get(_first_link(index, f"{T}/bodies/")).get_data(as_text=True)
    assert "Wali Kota Palopo" in body and "Catat SK" not in body
    meetings = client.get(f"{T}/meetings").get_data(as_text=True)
    meeting = client.get(_first_link(meetings, f"{T}/meetings/0")).get_data(as_text=True)
    assert "Simpan kehadiran" not in meeting and "Tambahkan ke kalender (.ics)" in meeting
    assert client.post(f"{T}/bodies", data={"kind": "DEWAN", "name": "X"}).status_code in (400, 403)


def _members(client, url, **query) -> str:
    page = client.get(url, query_string=query).get_data(as_text=True)
    # the table of members only, not the appointment form (whose choices name every user)
    return re.search(r'<section id="members".*?</table>', page, re.S).group(0)


def test_the_members_list_reads_as_of_a_date_and_as_a_history(palopo, client):
    login(client, "admin@kota-palopo.demo")
    index = client.get(T).get_data(as_text=True)
    dewan = _first_link(index, f"{T}/bodies/")
    before = _members(client, dewan, as_of="2024-03-01")
    assert "Kepala Diskominfo Kota Palopo" in before and "Admin Kota Palopo" not in before
    today = _members(client, dewan)
    assert "Admin Kota Palopo" in today and "Kepala Diskominfo Kota Palopo" not in today
    history = _members(client, dewan, history="1")
    assert "Admin Kota Palopo" in history and "Kepala Diskominfo Kota Palopo" in history
    before_any_decree = client.get(dewan, query_string={"as_of": "2020-01-01"}).get_data(as_text=True)
    assert "Tidak ada yang menjabat saat itu" in before_any_decree
    bad = client.get(dewan, query_string={"as_of": "kemarin"})
    assert bad.status_code == 200 and "TTTT-BB-HH" in bad.get_data(as_text=True)


def test_a_meeting_that_ends_before_it_starts_is_refused_on_the_form_and_nothing_is_saved(palopo, client):
    login(client, "admin@kota-palopo.demo")
    before = client.get(f"{T}/meetings").get_data(as_text=True).count("Rapat Uji")
    response = form_post(
        client,
        f"{T}/meetings",
        {
            "kind": "RAKOR",
            "title": "Rapat Uji",
            "starts_at": "2026-05-04T10:00",
            "ends_at": "2026-05-04T09:00",
            "mode": "LURING",
            "place": "Aula",
            "agenda": "Satu\nDua",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Selesai" in page and "Rapat harus selesai setelah dimulai." in page
    assert 'value="Rapat Uji"' in page  # what was typed stays
    assert client.get(f"{T}/meetings").get_data(as_text=True).count("Rapat Uji") == before


def test_the_secretariat_schedules_a_meeting_invites_a_body_and_records_the_day(palopo, client):
    login(client, "admin@kota-palopo.demo")
    created = form_post(
        client,
        f"{T}/meetings",
        {
            "kind": "RAKOR",
            "title": "Rakor Uji",
            "starts_at": "2026-05-04T09:00",
            "ends_at": "2026-05-04T11:00",
            "mode": "LURING",
            "place": "Aula Bappeda",
            "agenda": "Capaian\nRencana",
        },
    )
    assert created.status_code == 302
    meeting = created.headers["Location"]
    page = client.get(meeting).get_data(as_text=True)
    assert "Senin, 04 Mei 2026 09.00 WITA" in page or "4 Mei 2026" in page
    dewan = re.search(r'name="body_ids" value="([^"]+)" id="[^"]+"><label[^>]*>Dewan', page).group(1)
    assert form_post(client, f"{meeting}/invitees", {"body_ids": dewan}).status_code == 302
    page = client.get(meeting).get_data(as_text=True)
    invitee = re.search(r'name="invitee_id" value="([^"]+)"', page).group(1)
    saved = form_post(
        client,
        f"{meeting}/attendance",
        {"invitee_id": invitee, f"attendance-{invitee}": "represented", f"represented_by-{invitee}": "Kabid"},
    )
    assert saved.status_code == 302
    recorded = form_post(client, f"{meeting}/decisions", {"text": "Diskominfo menyusun laporan"})
    assert recorded.status_code == 302
    page = client.get(meeting).get_data(as_text=True)
    assert "1 diwakili" in page and "Diskominfo menyusun laporan" in page


def test_the_dashboard_shows_the_upcoming_meetings_to_every_member(palopo, client):
    login(client, "opd@kota-palopo.demo")
    dashboard = client.get("/t/kota-palopo/").get_data(as_text=True)
    panel = re.search(
        r'<section class="card mb-3" aria-labelledby="upcoming-meetings-title">.*?</section>', dashboard, re.S
    )
    assert panel and "Rapat Koordinasi Smart City Triwulan" in panel.group(0) and "WITA" in panel.group(0)
    # a meeting already held is not upcoming
    assert "Evaluasi Tahap II Smart City 2024" not in panel.group(0)

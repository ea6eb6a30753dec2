"""Meetings through the API: scheduled in the tenant's time zone, invitees from bodies or by hand,
attendance only for invitees, minutes with files and decisions, and the iCalendar invitation mailed
through a real SMTP server and downloaded."""

from datetime import UTC, datetime
from email import message_from_bytes, policy
from io import BytesIO

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from tests.support.services import free_port
from tests.support.waiting import wait_for

BASE = "/api/v1/t/kota-palopo/council"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RAKOR = {
    "kind": "RAKOR",
    "title": "Rapat Koordinasi Smart City",
    "starts_at": "2026-03-10T09:00:00",
    "ends_at": "2026-03-10T12:00:00",
    "mode": "HIBRIDA",
    "place": "Ruang Rapat Bappeda",
    "online_link": "https://zoom.us/j/123",
    "agenda": ["Capaian triwulan I", "Persiapan evaluasi"],
}


@pytest.fixture
def api(palopo, client):
    headers = palopo.token()

    class Api:
        def get(self, path, **kwargs):
            return client.get(BASE + path, headers=headers, **kwargs)

        def post(self, path, json=None, **kwargs):
            return client.post(BASE + path, headers=headers, json=json, **kwargs)

        def put(self, path, json=None, **kwargs):
            return client.put(BASE + path, headers=headers, json=json, **kwargs)

        def patch(self, path, json):
            return client.patch(BASE + path, headers={**headers, "If-Match": "*"}, json=json)

    return Api()


def _meeting(api, **changes):
    response = api.post("/meetings", {**RAKOR, **changes})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _dewan_id(api):
    return next(b["id"] for b in api.get("/bodies").get_json() if b["kind"] == "DEWAN")


def test_a_meeting_is_held_in_the_tenants_time_zone_and_cannot_end_before_it_starts(api):
    meeting = _meeting(api)
    # Palopo is on WITA (UTC+8): 09:00 there is 01:00 UTC.
    assert meeting["starts_at"] == "2026-03-10T01:00:00+00:00"
    agenda = api.get(f"/meetings/{meeting['id']}/agenda").get_json()
    assert [(a["number"], a["title"]) for a in agenda] == [
        (1, "Capaian triwulan I"),
        (2, "Persiapan evaluasi"),
    ]
    backwards = api.post("/meetings", {**RAKOR, "ends_at": "2026-03-10T08:00:00"})
    assert backwards.status_code == 422 and "ends_at" in backwards.get_json()["errors"]
    online_without_link = api.post("/meetings", {**RAKOR, "mode": "DARING", "online_link": None})
    assert (
        online_without_link.status_code == 422 and "online_link" in online_without_link.get_json()["errors"]
    )


def test_invitees_come_from_a_body_or_by_hand_and_attendance_only_for_them(api):
    meeting = _meeting(api)
    invitees = f"/meetings/{meeting['id']}/invitees"
    added = api.post(invitees, {"body_ids": [_dewan_id(api)]})
    assert added.status_code == 201
    names = {i["name"] for i in added.get_json()}
    # The Dewan as it stands on the meeting's day: its Sekretaris is now the tenant's administrator.
    assert "Wali Kota Palopo" in names and "Kepala Diskominfo Kota Palopo" not in names
    by_hand = api.post(invitees, {"name": "Rektor Universitas Andi Djemma", "pentahelix": "AKADEMISI"})
    assert [i["name"] for i in by_hand.get_json()] == ["Rektor Universitas Andi Djemma"]
    again = api.post(invitees, {"body_ids": [_dewan_id(api)]})
    assert again.get_json() == []  # nobody is invited twice

    listed = api.get(invitees).get_json()
    other = _meeting(api, title="Forum Smart City")
    stranger = api.post(f"/meetings/{other['id']}/invitees", {"name": "Tamu"}).get_json()[0]
    entries = [{"invitee_id": i["id"], "attendance": "present"} for i in listed[:2]]
    refused = api.put(
        f"/meetings/{meeting['id']}/attendance",
        {"entries": [*entries, {"invitee_id": stranger["id"], "attendance": "present"}]},
    )
    assert refused.status_code == 422 and "entries" in refused.get_json()["errors"]
    # Nothing of the refused list was kept.
    assert all(i["attendance"] is None for i in api.get(invitees).get_json())

    no_deputy = api.put(
        f"/meetings/{meeting['id']}/attendance",
        {"entries": [{"invitee_id": listed[2]["id"], "attendance": "represented"}]},
    )
    assert no_deputy.status_code == 422
    recorded = api.put(
        f"/meetings/{meeting['id']}/attendance",
        {
            "entries": [
                *entries,
                {
                    "invitee_id": listed[2]["id"],
                    "attendance": "represented",
                    "represented_by": "Kabid Aptika",
                },
                {"invitee_id": listed[3]["id"], "attendance": "absent"},
            ]
        },
    )
    assert recorded.status_code == 200
    by_name = {i["name"]: (i["attendance"], i["represented_by"]) for i in api.get(invitees).get_json()}
    assert by_name[listed[2]["name"]] == ("represented", "Kabid Aptika")
    assert by_name[listed[3]["name"]] == ("absent", None)


def test_minutes_files_and_decisions_are_kept_with_the_meeting(api, palopo, client):
    meeting = _meeting(api)
    path = f"/meetings/{meeting['id']}"
    item = api.get(f"{path}/agenda").get_json()[0]
    assert api.patch(f"{path}/agenda/{item['id']}", {"discussion": "Capaian fisik 55 %."}).status_code == 200
    assert api.patch(path, {"minutes": "Rapat dibuka pukul 09.00."}).get_json()["minutes"].startswith("Rapat")
    decision = api.post(
        f"{path}/decisions", {"text": "Diskominfo menyiapkan bukti dukung", "agenda_item_id": item["id"]}
    )
    assert decision.status_code == 201 and decision.get_json()["number"] == 1
    assert api.post(f"{path}/decisions", {"text": "Forum diadakan Juni"}).get_json()["number"] == 2
    uploaded = api.post(
        f"{path}/files",
        data={"file": (BytesIO(PDF), "notulen.pdf"), "caption": "Notulen bertanda tangan"},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201
    file_id = uploaded.get_json()["file_id"]
    # Every member reads the minutes' files, a council member or an OPD operator alike.
    operator = palopo.token(palopo.operator_id)
    assert client.get(f"/api/v1/t/kota-palopo/files/{file_id}/content", headers=operator).data == PDF
    # A meeting with minutes stays on record.
    assert client.delete(f"{BASE}{path}", headers={**palopo.token(), "If-Match": "*"}).status_code == 409


def _calendar(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_invitation_downloads_as_icalendar_and_a_change_of_time_replaces_it(api):
    meeting = _meeting(api)
    api.post(f"/meetings/{meeting['id']}/invitees", {"name": "Tamu", "email": "tamu@unanda.ac.id"})
    first = api.get(f"/meetings/{meeting['id']}/calendar")
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    calendar, event = _calendar(first.data)
    assert str(calendar["method"]) == "REQUEST"
    assert event.decoded("dtstart") == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Rapat Koordinasi Smart City"
    assert "Ruang Rapat Bappeda" in str(event["location"]) and "1. Capaian triwulan I" in str(
        event["description"]
    )
    assert [str(a) for a in [event["attendee"]]] == ["mailto:tamu@unanda.ac.id"]

    api.patch(
        f"/meetings/{meeting['id']}", {"starts_at": "2026-03-10T10:00:00", "ends_at": "2026-03-10T13:00:00"}
    )
    _calendar_again, moved = _calendar(api.get(f"/meetings/{meeting['id']}/calendar").data)
    assert str(moved["uid"]) == str(event["uid"]) and moved["sequence"] == event["sequence"] + 1


@pytest.fixture
def inbox(app, monkeypatch):
    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield messages
    controller.stop()


def test_the_invitation_is_mailed_to_every_invitee_with_an_address_with_the_ics_attached(
    api, inbox, palopo, client
):
    meeting = _meeting(api)
    invitees = f"/meetings/{meeting['id']}/invitees"
    api.post(invitees, {"name": "Rektor", "email": "rektor@unanda.ac.id"})
    api.post(invitees, {"name": "Tokoh pemuda"})  # no address: not mailed
    started = api.post(f"/meetings/{meeting['id']}/invitations")
    assert started.status_code == 202
    run_path = f"/api/v1/t/kota-palopo/jobs/{started.get_json()['id']}"

    def ended():
        run = client.get(run_path, headers=palopo.token()).get_json()
        return run if run["status"] in ("succeeded", "failed") else None

    run = wait_for(ended, what="the invitations to be mailed")
    assert run["status"] == "succeeded", run
    (message,) = inbox
    assert message["To"] == "rektor@unanda.ac.id"
    assert message["Subject"].startswith("Undangan Rapat Koordinasi: Rapat Koordinasi Smart City")
    body = message.get_body(("plain",)).get_content()
    assert "Yth. Rektor" in body and "1. Capaian triwulan I" in body and "WITA" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "undangan.ics" and attachment.get_content_type() == "text/calendar"
    _calendar_, event = _calendar(
        attachment.get_content().encode()
        if isinstance(attachment.get_content(), str)
        else attachment.get_content()
    )
    assert str(event["summary"]) == "Rapat Koordinasi Smart City"
    listed = {i["name"]: i["invited_at"] for i in api.get(invitees).get_json()}
    assert listed["Rektor"] is not None and listed["Tokoh pemuda"] is None


def test_the_minutes_pdf_holds_the_attendance_discussion_decisions_and_signatures(api):
    from pypdf import PdfReader

    meeting = _meeting(api, chair="Sekretaris Daerah Kota Palopo")
    path = f"/meetings/{meeting['id']}"
    added = api.post(
        f"{path}/invitees", {"name": "Rektor Universitas Andi Djemma", "pentahelix": "AKADEMISI"}
    )
    api.post(f"{path}/invitees", {"name": "Kepala Dinas Pendidikan"})
    rektor = added.get_json()[0]
    api.put(
        f"{path}/attendance",
        {
            "entries": [
                {"invitee_id": rektor["id"], "attendance": "represented", "represented_by": "Wakil Rektor I"}
            ]
        },
    )
    item = api.get(f"{path}/agenda").get_json()[0]
    api.patch(f"{path}/agenda/{item['id']}", {"discussion": "Capaian fisik program 55 persen."})
    api.post(f"{path}/decisions", {"text": "Diskominfo menyiapkan bukti dukung evaluasi"})
    response = api.get(f"{path}/minutes")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "NOTULEN RAPAT KOORDINASI" in text and "Selasa, 10 Maret 2026" in text and "WITA" in text
    assert "Rektor Universitas Andi Djemma" in text and "Diwakili oleh Wakil Rektor I" in text
    assert "Kepala Dinas Pendidikan" in text and "Belum dicatat" in text
    assert "1. Capaian triwulan I" in text and "Capaian fisik program 55 persen." in text
    assert "Diskominfo menyiapkan bukti dukung evaluasi" in text
    assert "Pimpinan Rapat," in text and "Notulis," in text and "Sekretaris Daerah Kota Palopo" in text

"""The action items' pages: the secretariat turns a decision into an action item on the meeting's page; it
shows on the program's page and beside the program's progress reports; the owner OPD's operator lists it,
closes it with a note and reopens it; another OPD's is not found; a refused form marks its fields and saves
nothing. The pages read in Indonesian (the default) and in English; the checks read the data, the forms and
the English wording, which do not wait for the Indonesian catalogue."""

import re

from sqlalchemy import select

from app.council import services as council
from app.council.models import CouncilActionItem
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import services as reporting
from app.tenants import services as tenants
from tests.conftest import form_post, login

T = "/t/kota-palopo/council"


def _ids(palopo) -> dict:
    with palopo.inside():
        current = masterplans.current_masterplan(actor=palopo.actor)
        programs = {p.code: p for p in masterplans.list_programs(current.id, actor=palopo.actor)}
        opds = {o.code: o.id for o in tenants.list_opds(actor=palopo.actor)}
        reports = db.session.scalars(
            reporting.reports_query(program_ids=[programs["PLP-S-02"].id], actor=palopo.actor)
        ).all()
    return {"programs": programs, "opds": opds, "report_id": reports[0].id if reports else None}


def _meeting_with_decision(client) -> tuple[str, str]:
    """A coordination meeting scheduled through the form, with one decision; its url and the decision's id."""
    scheduled = form_post(
        client,
        f"{T}/meetings",
        {
            "kind": "RAKOR",
            "title": "Rapat Koordinasi Kampus Terbuka",
            "starts_at": "2026-03-10T09:00",
            "ends_at": "2026-03-10T11:00",
            "mode": "LURING",
            "place": "Ruang Rapat Bappeda",
            "agenda": "Capaian kolaborasi perguruan tinggi",
        },
    )
    url = scheduled.headers["Location"]
    form_post(client, f"{url}/decisions", {"text": "Dinas Pendidikan melaporkan data 17 perguruan tinggi"})
    page = client.get(url).get_data(as_text=True)
    decision_id = re.search(r'name="decision_id" value="([0-9a-f-]+)"', page).group(1)
    return url, decision_id


def test_a_decision_becomes_an_action_item_shown_on_the_program_and_beside_its_reports(palopo, client):
    ids = _ids(palopo)
    program = ids["programs"]["PLP-S-02"]
    login(client, "admin@kota-palopo.demo")
    url, decision_id = _meeting_with_decision(client)
    assert f"{url}/decisions/{decision_id}/action-items" in client.get(url).get_data(as_text=True)
    created = form_post(
        client,
        f"{url}/decisions/{decision_id}/action-items",
        {
            "decision_id": decision_id,
            "title": "Mengumpulkan data kolaborasi 17 perguruan tinggi",
            "owner": f"opd:{ids['opds']['DISDIK']}",
            "due_on": "2026-04-30",
            "program_ids": [str(program.id)],
        },
    )
    assert created.status_code == 302
    meeting = client.get(url).get_data(as_text=True)
    assert "Mengumpulkan data kolaborasi 17 perguruan tinggi" in meeting and "Dinas Pendidikan" in meeting
    program_page = client.get(
        f"/t/kota-palopo/masterplans/{program.masterplan_id}/programs/{program.id}"
    ).get_data(as_text=True)
    panel = re.search(r'<section[^>]*id="council-action-items".*?</section>', program_page, re.S).group(0)
    assert "Mengumpulkan data kolaborasi 17 perguruan tinggi" in panel and "30 Apr 2026" in panel
    assert "Dinas Pendidikan" in panel and "Rapat Koordinasi Kampus Terbuka" in panel
    program_url = f"/t/kota-palopo/masterplans/{program.masterplan_id}/programs/{program.id}"
    english = client.get(program_url, query_string={"lang": "en"}).get_data(as_text=True)
    assert "Action items of the council" in english and "due Apr 30, 2026" in english
    report = client.get(f"/t/kota-palopo/reporting/reports/{ids['report_id']}").get_data(as_text=True)
    assert 'id="council-action-items"' in report
    assert "Mengumpulkan data kolaborasi 17 perguruan tinggi" in report
    # Another program's page has none of it.
    other = ids["programs"]["PLP-S-04"]
    other_page = client.get(f"/t/kota-palopo/masterplans/{other.masterplan_id}/programs/{other.id}")
    assert "Mengumpulkan data kolaborasi" not in other_page.get_data(as_text=True)


def test_a_refused_action_item_names_its_fields_and_nothing_is_saved(palopo, client):
    ids = _ids(palopo)
    login(client, "admin@kota-palopo.demo")
    url, decision_id = _meeting_with_decision(client)
    with palopo.inside():
        before = len(council.program_action_items(ids["programs"]["PLP-S-02"].id, actor=palopo.actor))
    refused = form_post(
        client,
        f"{url}/decisions/{decision_id}/action-items",
        {
            "decision_id": decision_id,
            "title": "Mengumpulkan data",
            "owner": f"opd:{ids['opds']['DISDIK']}",
            "due_on": "2026-02-30",
            "program_ids": [str(ids["programs"]["PLP-S-02"].id)],
        },
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(rf'class="form-control is-invalid" type="date" id="f-a-{decision_id}-due"', page)
    # The form comes back open, with what was typed.
    assert 'value="Mengumpulkan data"' in page
    with palopo.inside():
        after = len(council.program_action_items(ids["programs"]["PLP-S-02"].id, actor=palopo.actor))
    assert after == before
    no_owner = form_post(
        client,
        f"{url}/decisions/{decision_id}/action-items",
        {"decision_id": decision_id, "title": "X", "due_on": "2026-04-30"},
    )
    assert no_owner.status_code == 422
    owner_field = rf'class="form-select is-invalid" id="f-a-{decision_id}-owner"'
    assert re.search(owner_field, no_owner.get_data(as_text=True))


def test_the_operator_closes_their_opds_action_item_and_reads_no_other(palopo, client):
    login(client, "opd@kota-palopo.demo")
    listed = client.get(f"{T}/action-items").get_data(as_text=True)
    assert "Menyusun data capaian kolaborasi 17 perguruan tinggi" in listed  # DISDIK's, overdue
    assert "text-bg-danger" in listed  # overdue
    assert "Memutakhirkan capaian Layanan Darurat 112" not in listed  # Diskominfo's
    with palopo.inside():
        items = {
            s.title: s
            for s in council.summarise(
                list(db.session.scalars(select(CouncilActionItem))), actor=palopo.actor
            )
        }
    other = items["Memutakhirkan capaian Layanan Darurat 112 dan CCTV terintegrasi"]
    assert client.get(f"{T}/action-items/{other.id}").status_code == 404
    own = items["Menyusun data capaian kolaborasi 17 perguruan tinggi Palopo Kampus Terbuka"]
    page = client.get(f"{T}/action-items/{own.id}").get_data(as_text=True)
    assert f"{T}/action-items/{own.id}/close" in page and f"{T}/action-items/{own.id}/edit" not in page
    closed = form_post(client, f"{T}/action-items/{own.id}/close", {"note": "Data 17 PT sudah terkumpul."})
    assert closed.status_code == 302
    page = client.get(f"{T}/action-items/{own.id}").get_data(as_text=True)
    assert "text-bg-success" in page and "Data 17 PT sudah terkumpul." in page and "Operator DISDIK" in page
    assert f"{T}/action-items/{own.id}/reopen" in page
    reopened = form_post(client, f"{T}/action-items/{own.id}/reopen")
    assert reopened.status_code == 302
    page = client.get(f"{T}/action-items/{own.id}").get_data(as_text=True)
    assert f"{T}/action-items/{own.id}/close" in page
    assert form_post(client, f"{T}/action-items/{other.id}/close").status_code == 404


def test_the_pages_read_in_english_too(palopo, client):
    login(client, "admin@kota-palopo.demo")
    listed = client.get(f"{T}/action-items", query_string={"lang": "en"}).get_data(as_text=True)
    assert "Action items" in listed and "Overdue" in listed and "Done" in listed
    first = re.search(rf'href="({T}/action-items/[0-9a-f-]+)"', listed).group(1)
    page = client.get(first, query_string={"lang": "en"}).get_data(as_text=True)
    assert "The decision" in page and "Change the assignment" in page

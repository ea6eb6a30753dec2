"""Jobs without Redis (the embedded default): a run starts once its transaction commits and, in a
request, once the response is sent, so the page can follow it."""

import re
import uuid
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.jobs import services as jobs
from app.tenants.models import Opd
from tests.conftest import form_post, login
from tests.support.queries import count_queries

JOB_URL = re.compile(r"/t/kota-palopo/jobs/([0-9a-f-]{36})$")


def _start_on_page(client, kind="members_export"):
    """Press the page's start button; the job runs once the response has been sent (closed)."""
    response = form_post(client, "/t/kota-palopo/jobs", {"kind": kind})
    assert response.status_code == 303
    return response, uuid.UUID(JOB_URL.search(response.headers["Location"]).group(1))


def test_exporting_members_from_the_members_page_gives_a_workbook_of_them(palopo, client):
    login(client, "admin@kota-palopo.demo")
    members = client.get("/t/kota-palopo/members").get_data(as_text=True)
    assert 'name="kind" value="members_export"' in members
    response, run_id = _start_on_page(client)
    assert palopo.job(run_id)[0] == "queued"  # not before the response is out
    response.close()
    assert palopo.job(run_id) == ("succeeded", 1, None)

    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    assert 'aria-valuenow="100"' in page and "2 members exported." in page
    assert "hx-trigger" not in page  # finished: nothing polls any more
    link = re.search(r'href="(/t/kota-palopo/files/[0-9a-f-]+)"', page).group(1)
    download = client.get(link)
    assert download.headers["Content-Disposition"].startswith("attachment; filename=members-kota-palopo-")
    rows = list(load_workbook(BytesIO(download.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Email", "Role", "OPDs", "Member since")
    assert {(r[1], r[2], r[3]) for r in rows[1:]} == {
        ("admin@kota-palopo.demo", "tenant_admin", None),
        ("opd@kota-palopo.demo", "opd_operator", "DISDIK"),
    }


def test_a_job_keeps_the_language_it_was_asked_in(palopo, client):
    """The run is built (and its mail written) in the language of the page it was started from."""
    login(client, "admin@kota-palopo.demo")
    form_post(client, "/locale", {"locale": "en", "next": "/t/kota-palopo/jobs"})
    response, run_id = _start_on_page(client)
    response.close()
    with palopo.inside():
        assert jobs.get_job(run_id, actor=palopo.actor).locale == "en"


def test_a_running_job_page_polls_and_refreshes_itself_without_javascript(palopo, client):
    login(client, "admin@kota-palopo.demo")
    response, run_id = _start_on_page(client)
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    response.close()
    assert 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert f'href="/t/kota-palopo/jobs/{run_id}">Refresh</a>' in page


def test_a_failing_job_shows_its_error_to_the_requester_and_keeps_nothing(palopo, client):
    # Started outside a request, it runs as soon as it is committed: both attempts fail the same way.
    run_id = palopo.start("test_steps_retry", steps=3, delay=0, fail_at=2)
    assert palopo.job(run_id) == ("failed", 2, "RuntimeError: step 2 broke")
    with palopo.inside():
        assert db.session.scalars(select(Opd).where(Opd.code.like("STEP%"))).all() == []

    login(client, "admin@kota-palopo.demo")
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    assert "This job failed. Nothing it had done was kept." in page and "step 2 broke" in page
    listing = client.get("/t/kota-palopo/jobs").get_data(as_text=True)
    assert "Failed" in listing  # the failure stays visible in the list

    again = form_post(client, f"/t/kota-palopo/jobs/{run_id}/again")
    assert again.status_code == 303 and str(run_id) not in again.headers["Location"]
    again.close()
    assert palopo.job(run_id)[0] == "failed"  # the old run is kept as it was


def test_only_the_requester_and_the_tenant_admin_see_a_job(palopo, client, app):
    login(client, "admin@kota-palopo.demo")
    response, run_id = _start_on_page(client)
    response.close()
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    result = re.search(r"/t/kota-palopo/files/[0-9a-f-]+", page).group(0)

    operator = app.test_client()
    login(operator, "opd@kota-palopo.demo")
    assert operator.get(f"/t/kota-palopo/jobs/{run_id}").status_code == 404
    assert operator.get(f"/t/kota-palopo/jobs/{run_id}/progress").status_code == 404
    assert operator.get(result).status_code == 404
    assert str(run_id) not in operator.get("/t/kota-palopo/jobs").get_data(as_text=True)
    # An operator may not export the member list, and is not offered to.
    assert form_post(operator, "/t/kota-palopo/jobs", {"kind": "members_export"}).status_code == 403
    assert "members_export" not in operator.get("/t/kota-palopo/jobs").get_data(as_text=True)


def test_the_jobs_api_starts_follows_and_downloads(palopo, client):
    auth = palopo.token()
    base = "/api/v1/t/kota-palopo/jobs"

    with client.post(base, json={"kind": "members_export"}, headers=auth) as response:
        assert response.status_code == 202
        run = response.get_json()
        assert (run["status"], run["kind_label"]) == ("queued", "Members to Excel")
    done = client.get(f"{base}/{run['id']}", headers=auth).get_json()
    assert (done["status"], done["progress"], done["attempts"]) == ("succeeded", 100, 1)
    result = client.get(f"{base}/{run['id']}/result", headers=auth)
    assert result.status_code == 200 and result.data[:2] == b"PK"
    assert client.get(base, headers=auth).get_json()[0]["id"] == run["id"]

    for body, field in [({"kind": "nope"}, "kind"), ({"kind": "test_steps"}, "kind"), ({}, "kind")]:
        response = client.post(base, json=body, headers=auth)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    response = client.post(
        base, json={"kind": "members_export", "tenant_id": str(palopo.tenant_id)}, headers=auth
    )
    assert response.status_code == 422 and "tenant_id" in response.get_json()["errors"]


def test_the_request_to_run_a_job_is_in_the_audit_log(palopo, client):
    login(client, "admin@kota-palopo.demo")
    response, run_id = _start_on_page(client)
    response.close()
    with palopo.inside():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_id == str(run_id)))
    assert (entry.action, entry.object_type, entry.origin) == ("create", "JobRun", "web")
    assert entry.user_id == palopo.admin_id and entry.after["kind"] == "members_export"


def test_job_pages_and_lists_send_the_same_queries_for_few_or_many_runs(palopo, client):
    login(client, "admin@kota-palopo.demo")
    auth = palopo.token()
    with palopo.inside():
        first = db.session.scalars(jobs.jobs_query(actor=palopo.actor)).first()

    def measure():
        counts = []
        for url, headers in [
            ("/t/kota-palopo/jobs", {}),
            (f"/t/kota-palopo/jobs/{first.id}", {}),
            ("/api/v1/t/kota-palopo/jobs", auth),
        ]:
            with count_queries(palopo.app) as statements:
                assert client.get(url, headers=headers).status_code == 200
            counts.append(len(statements))
        return counts

    client.get("/api/v1/t/kota-palopo/jobs", headers=auth)  # the token's first use is written once
    few = measure()
    for _ in range(30):
        palopo.start("test_steps", steps=0, delay=0)
    assert measure() == few


def test_outside_a_request_the_job_has_run_when_the_commit_returns(palopo):
    """CLI commands and the demo seed start jobs this way: the objects they hold show the outcome."""
    with palopo.inside():
        run = jobs.start_job("members_export", actor=palopo.actor)
        assert run.status == "queued"
        db.session.commit()
        assert (run.status, run.progress, run.result_file_id is not None) == ("succeeded", 100, True)


def test_the_jobs_page_offers_to_run_each_kind_and_dates_runs_unambiguously(palopo, client):
    login(client, "admin@kota-palopo.demo")
    palopo.start("members_export")
    page = client.get("/t/kota-palopo/jobs?lang=id").get_data(as_text=True)
    assert "Jalankan: Anggota ke Excel</button>" in page
    assert "Beranda" not in page.split("<main")[1]
    # The month by name, so the day and the month cannot be read the other way round.
    assert re.search(
        r"<td>\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4} \d{2}\.\d{2} WITA<br>", page
    )
    english = client.get("/t/kota-palopo/jobs?lang=en").get_data(as_text=True)
    assert "Run: Members to Excel</button>" in english
    assert re.search(r"<td>[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M WITA<br>", english)

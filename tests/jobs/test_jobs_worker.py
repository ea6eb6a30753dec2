"""Jobs on a real rq worker (rq's own command, the Procfile's worker class) against a real Redis.

Includes the hard cases: the process running a job killed with SIGKILL mid-job, and a whole worker lost
with its job. Each time the run ends visibly failed or is retried, and nothing of the lost attempt is
kept: no rows, no result file, no file on disk.
"""

import os
import re
import signal
import time
import uuid
from io import BytesIO

from openpyxl import load_workbook
from rq import Queue
from rq.registry import StartedJobRegistry
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.job_progress import progress_store
from app.extensions import db
from app.files import services as files
from app.files.models import StoredFile
from app.tenants.models import Opd
from tests.conftest import login
from tests.support.waiting import wait_for

PID_RE = re.compile(r"pid (\d+)")


def _live(demo, run_id) -> str:
    """The progress message the running job last reported (kept in Redis)."""
    with demo.app.app_context():
        live = progress_store().get_many([run_id]).get(run_id)
    return live[1] if live else ""


def _horse_pid(demo, run_id) -> int:
    """The work horse's pid, from the progress the test job reports (it names its pid)."""
    match = wait_for(lambda: PID_RE.search(_live(demo, run_id)), what="progress from the work horse")
    return int(match.group(1))


def _step_reached(demo, run_id, step: int) -> bool:
    match = re.search(r"step (\d+) of", _live(demo, run_id))
    return bool(match and int(match.group(1)) >= step)


def _finished(demo, run_id, timeout=30):
    def ended():
        state = demo.job(run_id)
        return state if state[0] in ("succeeded", "failed") else None

    return wait_for(ended, timeout=timeout, what="the job to finish")


def _kept(demo, run_id) -> dict:
    """What a run left in the database and on disk."""
    with demo.inside():
        steps = db.session.scalars(select(Opd.code).where(Opd.code.like("STEP%"))).all()
        results = db.session.scalars(select(StoredFile).where(StoredFile.owner_id == run_id)).all()
        audited = db.session.scalars(
            select(AuditEntry.object_id).where(AuditEntry.reference == str(run_id))
        ).all()
        folder = files.storage().path(str(demo.tenant_id))
    on_disk = [p for p in folder.rglob("*") if p.is_file()]
    return {"steps": sorted(steps), "results": results, "audited": audited, "on_disk": on_disk}


def test_the_members_export_runs_on_a_worker_in_its_tenant(palopo, on_worker, client):
    run_id = palopo.start("members_export")
    assert _finished(palopo, run_id) == ("succeeded", 1, None)

    login(client, "admin@kota-palopo.demo")
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    assert 'aria-valuenow="100"' in page
    link = re.search(r'href="(/t/kota-palopo/files/[0-9a-f-]+)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200
    sheet = load_workbook(BytesIO(download.data)).active
    emails = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert emails == {"admin@kota-palopo.demo", "opd@kota-palopo.demo"}
    # The worker wrote as the requester, in the tenant's own audit log.
    with palopo.inside():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.reference == str(run_id)))
    assert (entry.object_type, entry.user_id, entry.origin) == ("StoredFile", palopo.admin_id, "job")


def test_progress_shows_while_the_worker_runs_and_the_result_when_done(palopo, on_worker, client):
    # Logged in first: on SQLite a login's write would wait for the job, which holds the write lock.
    login(client, "admin@kota-palopo.demo")
    run_id = palopo.start("test_steps", steps=5, delay=0.4)
    url = f"/t/kota-palopo/jobs/{run_id}/progress"

    def midway():
        fragment = client.get(url).get_data(as_text=True)
        value = int(re.search(r'aria-valuenow="(\d+)"', fragment).group(1))
        return 0 < value < 100 and "hx-trigger" in fragment and fragment

    assert "step" in wait_for(midway, what="progress between 0 and 100")

    def finished():
        fragment = client.get(url).get_data(as_text=True)
        return "steps.csv" in fragment and fragment

    done = wait_for(finished, what="the result")
    assert 'aria-valuenow="100"' in done and "hx-trigger" not in done


def test_a_job_that_raises_on_the_worker_fails_visibly_and_keeps_nothing(palopo, on_worker, client):
    run_id = palopo.start("test_steps", steps=4, delay=0.05, fail_at=2)
    assert _finished(palopo, run_id) == ("failed", 1, "RuntimeError: step 2 broke")
    kept = _kept(palopo, run_id)
    assert kept["steps"] == [] and kept["results"] == [] and kept["audited"] == []

    login(client, "admin@kota-palopo.demo")
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    assert "step 2 broke" in page and "Run it again" in page


def test_a_work_horse_killed_mid_job_is_retried_and_the_lost_attempt_leaves_nothing(palopo, on_worker):
    run_id = palopo.start("test_steps_retry", steps=6, delay=0.3, locale="en")
    first = _horse_pid(palopo, run_id)
    wait_for(lambda: _step_reached(palopo, run_id, 3), what="step 3")
    os.kill(first, signal.SIGKILL)

    status, attempts, error = _finished(palopo, run_id)
    assert (status, attempts) == ("succeeded", 2)
    assert "signal 9" in error  # the first attempt's end stays on record
    kept = _kept(palopo, run_id)
    # Exactly one set of steps and one result: the killed attempt's writes never landed.
    assert kept["steps"] == [f"STEP{i}" for i in range(1, 7)]
    assert len(kept["results"]) == 1
    assert kept["audited"].count(str(kept["results"][0].id)) == 1


def test_a_work_horse_killed_mid_job_without_retries_ends_failed(palopo, on_worker, client):
    on_disk_before = _kept(palopo, uuid.uuid4())["on_disk"]  # the demo's own files
    run_id = palopo.start("test_steps", steps=6, delay=0.3, locale="en")
    pid = _horse_pid(palopo, run_id)
    wait_for(lambda: _step_reached(palopo, run_id, 2), what="step 2")
    os.kill(pid, signal.SIGKILL)

    status, attempts, error = _finished(palopo, run_id)
    assert (status, attempts) == ("failed", 1)
    assert "stopped (signal 9)" in error
    kept = _kept(palopo, run_id)
    assert kept["steps"] == [] and kept["results"] == [] and kept["audited"] == []
    assert sorted(kept["on_disk"]) == sorted(on_disk_before)  # nothing from the killed run

    login(client, "admin@kota-palopo.demo")
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    assert "This job failed" in page and "signal 9" in page


def test_a_worker_lost_with_its_job_ends_failed_when_rq_cleans_up(palopo, queue_app, workers):
    """Worker and work horse both gone (a machine lost). rq's registry clean-up, which the next worker
    runs once the lost worker's heartbeat has expired, ends the run with the error shown."""
    run_id = palopo.start("test_steps", steps=6, delay=0.3, locale="en")
    worker = workers.start(queue_app.config["JOBS_QUEUE"])
    horse = _horse_pid(palopo, run_id)
    wait_for(lambda: _step_reached(palopo, run_id, 2), what="step 2")
    os.kill(worker.pid, signal.SIGKILL)
    os.kill(horse, signal.SIGKILL)
    worker.wait(timeout=10)
    assert palopo.job(run_id)[0] == "running"

    with queue_app.app_context():
        queue = Queue(queue_app.config["JOBS_QUEUE"], connection=progress_store().redis)
        # The lost worker's heartbeat expires a minute later at the earliest: clean up as of an hour later.
        StartedJobRegistry(queue=queue).cleanup(timestamp=time.time() + 3600)
    status, attempts, error = palopo.job(run_id)
    assert (status, attempts) == ("failed", 1)
    assert "stopped answering" in error
    kept = _kept(palopo, run_id)
    assert kept["steps"] == [] and kept["results"] == [] and kept["audited"] == []

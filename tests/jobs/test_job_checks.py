"""A job checks, before it runs and again right before its writes are committed, that its tenant is still
active and its requester still an active member with a role the kind requires. A run that fails the check
ends failed (not retried) with the reason in the requester's language, keeps nothing of its work, and
leaves an audit event. On a real rq worker and inline (the embedded default)."""

import threading
import uuid

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.audit.models import AuditEntry
from app.core.auth import PLANNER, SYSTEM, TENANT_ADMIN, Actor
from app.core.job_progress import progress_store
from app.extensions import db
from app.files import services as files
from app.files.models import StoredFile
from app.jobs import services as jobs
from app.jobs.models import RUNNING, JobRun
from app.tenants import services as tenants
from app.tenants.models import SUSPENDED, Opd
from tests.conftest import form_post, login
from tests.support.demo import DemoTenant
from tests.support.jobkinds import WAITING
from tests.support.waiting import wait_for

SUSPENDED_TEXT = "The tenant is suspended"
REMOVED_TEXT = "You are no longer a member of this tenant"


class SecondAdmin:
    """A second tenant admin of the demo's Kota Palopo, who starts the job and is then changed."""

    def __init__(self, demo: DemoTenant):
        self.demo = demo
        with demo.inside():
            user = accounts.create_user("admin.kedua@kota-palopo.demo", "Admin Kedua", "kotacerdas-demo")
            self.membership_id = tenants.add_member(user.id, TENANT_ADMIN, actor=demo.actor).id
            self.user_id = user.id
            db.session.commit()

    def start(self, kind: str, **params) -> uuid.UUID:
        """Start a job as this admin, asked in English (inline: it runs now, in this thread)."""
        with self.demo.inside():
            actor = Actor(user_id=self.user_id, tenant_role=TENANT_ADMIN)
            run = jobs.start_job(kind, actor=actor, locale="en", **params)
            db.session.commit()
            return run.id

    def remove(self) -> None:
        with self.demo.inside():
            tenants.remove_member(self.membership_id, actor=self.demo.actor)
            db.session.commit()

    def demote(self) -> None:
        with self.demo.inside():
            tenants.update_member(self.membership_id, role=PLANNER, actor=self.demo.actor)
            db.session.commit()

    def switch_off(self) -> None:
        with self.demo.app.app_context():
            accounts.set_user_active(self.user_id, False, actor=SYSTEM)
            db.session.commit()


def suspend(demo: DemoTenant) -> None:
    with demo.app.app_context():
        tenants.set_tenant_status(demo.tenant_id, SUSPENDED, actor=SYSTEM)
        db.session.commit()


def kept(demo: DemoTenant, run_id) -> dict:
    """What a run left: the OPDs the test kinds write, result files (rows and on disk), audit entries."""
    with demo.inside():
        written = db.session.scalars(select(Opd.code).where(Opd.code.like("STEP%") | (Opd.code == "WAITED")))
        results = db.session.scalars(select(StoredFile).where(StoredFile.owner_id == run_id)).all()
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.reference == str(run_id))).all()
        on_disk = [p for p in files.storage().path(str(demo.tenant_id)).rglob("*") if p.is_file()]
    return {
        "written": sorted(written),
        "results": results,
        "audit": [
            (e.action, e.user_id, (e.details or {}).get("reason"), (e.details or {}).get("before"))
            for e in audit
        ],
        "files_on_disk": len(on_disk),
    }


def live_message(demo: DemoTenant, run_id) -> str:
    """The progress message the running job last reported (Redis for a worker, memory inline)."""
    with demo.app.app_context():
        live = progress_store().get_many([run_id]).get(run_id)
    return live[1] if live else ""


def finished(demo: DemoTenant, run_id, timeout: float = 30):
    def ended():
        state = demo.job(run_id)
        return state if state[0] in ("succeeded", "failed") else None

    return wait_for(ended, timeout=timeout, what="the job to finish")


@pytest.fixture
def second(palopo) -> SecondAdmin:
    return SecondAdmin(palopo)


# --- on a real rq worker ------------------------------------------------------------------------------


def test_a_run_queued_before_its_tenant_is_suspended_fails_on_the_worker_and_writes_nothing(
    palopo, second, queue_app, workers
):
    files_before = kept(palopo, uuid.uuid4())["files_on_disk"]
    run_id = second.start("test_steps_retry", steps=3, delay=0)  # queued: no worker listens yet
    assert palopo.job(run_id)[0] == "queued"
    suspend(palopo)
    worker = workers.start(queue_app.config["JOBS_QUEUE"], burst=True)
    assert worker.wait(timeout=60) == 0  # a burst worker ends once the queue is empty: nothing retried

    assert palopo.job(run_id) == ("failed", 1, SUSPENDED_TEXT)
    left = kept(palopo, run_id)
    assert left["written"] == [] and left["results"] == [] and left["files_on_disk"] == files_before
    assert left["audit"] == [("job.refused", second.user_id, "tenant_suspended", "run")]


def test_a_member_removed_while_the_job_runs_on_the_worker_gets_nothing_written(
    palopo, second, on_worker, tmp_path, client
):
    signal = tmp_path / "go"
    files_before = kept(palopo, uuid.uuid4())["files_on_disk"]
    run_id = second.start("test_wait_then_write", signal=str(signal))
    wait_for(lambda: WAITING in live_message(palopo, run_id), what="the job to wait for its signal")
    second.remove()
    signal.touch()

    assert finished(palopo, run_id) == ("failed", 1, REMOVED_TEXT)
    left = kept(palopo, run_id)
    assert left["written"] == [] and left["results"] == [] and left["files_on_disk"] == files_before
    assert left["audit"] == [("job.refused", second.user_id, "not_a_member", "write")]

    # The tenant admin sees why on the run's page.
    login(client, "admin@kota-palopo.demo")
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    assert "This job failed" in page and REMOVED_TEXT in page


# --- inline (no Redis: the embedded default) ------------------------------------------------------------


def test_the_waiting_job_writes_when_nothing_changes(palopo, second, tmp_path):
    """The control for the tests below: left alone, the job commits its OPD and its result file."""
    signal = tmp_path / "go"
    signal.touch()
    run_id = second.start("test_wait_then_write", signal=str(signal))
    assert palopo.job(run_id) == ("succeeded", 1, None)
    left = kept(palopo, run_id)
    assert left["written"] == ["WAITED"] and len(left["results"]) == 1


def test_a_tenant_suspended_after_the_job_was_asked_for_on_its_page_runs_nothing(palopo, client):
    login(client, "admin@kota-palopo.demo")
    response = form_post(client, "/t/kota-palopo/jobs", {"kind": "members_export"})
    assert response.status_code == 303
    run_id = uuid.UUID(response.headers["Location"].rsplit("/", 1)[1])
    suspend(palopo)
    response.close()  # the inline job starts once the response is sent

    # members_export may retry twice: a refusal is final.
    assert palopo.job(run_id) == ("failed", 1, SUSPENDED_TEXT)
    left = kept(palopo, run_id)
    assert left["results"] == []
    assert left["audit"] == [("job.refused", palopo.admin_id, "tenant_suspended", "run")]


@pytest.mark.parametrize(
    ("change", "reason", "text"),
    [
        ("remove", "not_a_member", REMOVED_TEXT),
        ("demote", "role_not_allowed", "Your role in this tenant no longer allows this job"),
        ("switch_off", "account_switched_off", "Your account is switched off"),
        ("suspend", "tenant_suspended", SUSPENDED_TEXT),
    ],
)
def test_a_change_while_the_job_runs_inline_keeps_its_writes_out(
    palopo, second, tmp_path, change, reason, text
):
    signal = tmp_path / "go"
    files_before = kept(palopo, uuid.uuid4())["files_on_disk"]
    started: list[uuid.UUID] = []
    # Started outside a request, an inline job runs in the thread that commits it.
    runner = threading.Thread(
        target=lambda: started.append(second.start("test_wait_then_write", signal=str(signal)))
    )
    runner.start()
    run_id = wait_for(lambda: _running_run(palopo), what="the job to start")
    wait_for(lambda: WAITING in live_message(palopo, run_id), what="the job to wait for its signal")
    if change == "suspend":
        suspend(palopo)
    else:
        getattr(second, change)()
    signal.touch()
    runner.join(timeout=30)
    assert started == [run_id]

    assert palopo.job(run_id) == ("failed", 1, text)
    left = kept(palopo, run_id)
    assert left["written"] == [] and left["results"] == [] and left["files_on_disk"] == files_before
    assert left["audit"] == [("job.refused", second.user_id, reason, "write")]


def _running_run(demo: DemoTenant):
    with demo.inside():
        return db.session.scalar(select(JobRun.id).where(JobRun.status == RUNNING))

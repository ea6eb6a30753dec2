"""A platform job fans out one child job per active tenant, run by the system: on a real rq worker and
inline (the embedded default). The operator's page shows the parent's progress as the sum of its
children's; the parent ends when they all have, failed naming the tenants whose child failed. A child
whose tenant is suspended before it runs is refused, like any job of that tenant."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.auth import SYSTEM
from app.core.db import utcnow
from app.core.tenancy import tenant_context
from app.demo import PLATFORM_ADMIN_EMAIL
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.models import JobRun, PlatformJobChild, PlatformJobRun
from app.jobs.schedules import fire
from app.tenants import services as tenants
from app.tenants.models import ACTIVE, SUSPENDED, Invitation, Opd
from tests.conftest import login
from tests.support.waiting import wait_for

ROW_RE = re.compile(r'<tr data-tenant="([^"]+)">(.*?)</tr>', re.S)
PERCENT_RE = re.compile(r'aria-valuenow="(\d+)"')
STATUS_RE = re.compile(r'<span class="badge [^"]+">([^<]+)</span>')


def start_fan_out(app, **params) -> uuid.UUID:
    with app.app_context():
        run = jobs.enqueue_platform("test_fan_out", **params)
        db.session.commit()
        return run.id


def parent(app, run_id) -> tuple[str, int, str | None, str | None]:
    """(status, progress, message, error) of the platform run as the database holds it."""
    with app.app_context():
        run = db.session.get(PlatformJobRun, run_id)
        return run.status, run.progress, run.message, run.error


def parent_finished(app, run_id, timeout: float = 60):
    def ended():
        state = parent(app, run_id)
        return state if state[0] in ("succeeded", "failed") else None

    return wait_for(ended, timeout=timeout, what="the platform job to end")


def active_tenants(app) -> dict[str, uuid.UUID]:
    with app.app_context():
        return {t.slug: t.id for t in db.session.scalars(tenants.tenants_query(status=ACTIVE, actor=SYSTEM))}


def children(app, run_id) -> dict[str, tuple[str, str | None]]:
    """Each tenant's child as the tenant itself holds it: (status, error), read inside the tenant."""
    found = {}
    with app.app_context():
        rows = db.session.scalars(select(PlatformJobChild).where(PlatformJobChild.parent_id == run_id)).all()
        for row in rows:
            tenant = tenants.get_tenant(row.child_tenant_id, actor=SYSTEM)
            with tenant_context(tenant.id):
                child = db.session.get(JobRun, (tenant.id, row.run_id))
                assert (child.parent_id, child.requested_by, child.kind) == (run_id, None, "test_child")
                found[tenant.slug] = (child.status, child.error)
    return found


def written(app, tenant_id) -> bool:
    """Whether the child's work (OPD FANNED) is kept in the tenant."""
    with app.app_context(), tenant_context(tenant_id):
        return db.session.scalar(select(Opd.id).where(Opd.code == "FANNED")) is not None


def progress_card(client, run_id) -> tuple[int, dict[str, tuple[str, int]]]:
    """What the operator's page shows: the parent's percentage, and each tenant's (status, percentage)."""
    html = client.get(f"/admin/jobs/{run_id}/progress").get_data(as_text=True)
    rows = {
        slug: (STATUS_RE.search(row).group(1), int(PERCENT_RE.search(row).group(1)))
        for slug, row in ROW_RE.findall(html)
    }
    return int(PERCENT_RE.search(html).group(1)), rows


def waiting_child(client, run_id) -> str:
    """The tenant whose child is running (waiting for the signal at 50 %), once there is one."""

    def running():
        _percent, rows = progress_card(client, run_id)
        return next((slug for slug, (status, pct) in rows.items() if status == "Running" and pct == 50), None)

    return wait_for(running, timeout=60, what="a child to report 50 %")


# --- on a real rq worker ------------------------------------------------------------------------------


def test_a_platform_job_fans_out_to_each_tenant_on_a_worker_and_its_page_sums_their_progress(
    palopo, on_worker, client, tmp_path
):
    signal = tmp_path / "go"
    run_id = start_fan_out(on_worker, signal=str(signal))
    login(client, PLATFORM_ADMIN_EMAIL)
    tenant_ids = active_tenants(on_worker)
    assert len(tenant_ids) == 3

    # One worker: a child runs (at 50 %, waiting for the signal) while the others wait their turn.
    running = waiting_child(client, run_id)
    percent, rows = progress_card(client, run_id)
    assert set(rows) == set(tenant_ids)
    assert rows[running] == ("Running", 50)
    assert all(rows[slug] == ("Waiting", 0) for slug in set(rows) - {running})
    assert percent == (50 + 0 + 0) // 3
    assert "0 of 3 tenants done." in client.get(f"/admin/jobs/{run_id}").get_data(as_text=True)
    listed = client.get("/admin/jobs").get_data(as_text=True)
    assert "Test fan-out" in listed and 'aria-valuenow="16"' in listed
    assert "Clean up sign-in sessions" in listed and "<code>0 19 * * *</code>" in listed

    signal.touch()
    assert parent_finished(on_worker, run_id) == ("succeeded", 100, "Done in all 3 tenants.", None)
    assert children(on_worker, run_id) == {slug: ("succeeded", None) for slug in tenant_ids}
    assert all(written(on_worker, tenant_id) for tenant_id in tenant_ids.values())
    percent, rows = progress_card(client, run_id)
    assert percent == 100 and set(rows.values()) == {("Done", 100)}

    # The tenant admin sees the system's run among the tenant's jobs.
    client.get("/logout")
    login(client, "admin@kota-palopo.demo")
    jobs_page = client.get("/t/kota-palopo/jobs").get_data(as_text=True)
    assert "Test child" in jobs_page and "the system" in jobs_page


def test_a_failing_child_makes_the_parent_fail_naming_its_tenant(palopo, on_worker):
    run_id = start_fan_out(on_worker, fail_in="kota-balikpapan")

    status, progress, message, error = parent_finished(on_worker, run_id)

    assert (status, progress) == ("failed", 100)
    assert error == message == "Failed in 1 of 3 tenants: Kota Balikpapan"
    states = children(on_worker, run_id)
    assert states.pop("kota-balikpapan") == ("failed", "RuntimeError: the child broke in kota-balikpapan")
    assert set(states.values()) == {("succeeded", None)}
    tenant_ids = active_tenants(on_worker)
    assert not written(on_worker, tenant_ids["kota-balikpapan"])
    assert written(on_worker, tenant_ids["kota-palopo"])


def test_a_system_job_for_a_tenant_suspended_before_it_runs_is_refused_and_named_by_its_parent(
    palopo, on_worker, client, tmp_path
):
    signal = tmp_path / "go"
    run_id = start_fan_out(on_worker, signal=str(signal))
    login(client, PLATFORM_ADMIN_EMAIL)
    running = waiting_child(client, run_id)
    tenant_ids = active_tenants(on_worker)
    suspended = next(slug for slug in sorted(tenant_ids) if slug != running)
    with on_worker.app_context():
        name = tenants.set_tenant_status(tenant_ids[suspended], SUSPENDED, actor=SYSTEM).name
        db.session.commit()

    signal.touch()
    status, _progress, _message, error = parent_finished(on_worker, run_id)

    assert status == "failed" and error == f"Failed in 1 of 3 tenants: {name}"
    assert children(on_worker, run_id)[suspended] == ("failed", "The tenant is suspended")
    assert not written(on_worker, tenant_ids[suspended])
    with on_worker.app_context(), tenant_context(tenant_ids[suspended]):
        refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "job.refused")).all()
    assert [(e.user_id, e.details["reason"], e.details["before"]) for e in refused] == [
        (None, "tenant_suspended", "run")
    ]


# --- inline (the embedded default): the real invitations clean-up -------------------------------------


@pytest.fixture
def long_expired(palopo) -> dict[str, uuid.UUID]:
    """The demo's waiting invitation in each tenant, expired 40 days ago, except Kota Palopo's (10 days)."""
    ids = {}
    with palopo.app.app_context():
        for tenant in db.session.scalars(tenants.tenants_query(status=ACTIVE, actor=SYSTEM)):
            with tenant_context(tenant.id):
                invitation = db.session.scalar(select(Invitation).where(Invitation.accepted_at.is_(None)))
                days = 10 if tenant.slug == "kota-palopo" else 40
                invitation.expires_at = utcnow() - timedelta(days=days)
                db.session.flush()  # inside its tenant
                ids[tenant.slug] = (tenant.id, invitation.id)
        db.session.commit()
    return ids


def invitation_kept(app, tenant_id, invitation_id) -> bool:
    with app.app_context(), tenant_context(tenant_id):
        return db.session.get(Invitation, (tenant_id, invitation_id)) is not None


def test_the_nightly_invitations_clean_up_fans_out_inline_removing_long_expired_invitations_once(
    palopo, long_expired
):
    app = palopo.app
    night = utcnow().replace(hour=19, minute=30, second=5)
    run_id = fire("invitations_purge", night, app)  # as the ticker does: it has run when fire returns

    assert parent(app, run_id) == ("succeeded", 100, "Done in all 3 tenants.", None)
    assert not invitation_kept(app, *long_expired["kota-balikpapan"])
    assert not invitation_kept(app, *long_expired["kab-penajam-paser-utara"])
    assert invitation_kept(app, *long_expired["kota-palopo"])
    with app.app_context(), tenant_context(long_expired["kota-balikpapan"][0]):
        removal = db.session.scalar(
            select(AuditEntry).where(AuditEntry.object_type == "Invitation", AuditEntry.action == "delete")
        )
        child = db.session.scalar(select(JobRun).where(JobRun.parent_id == run_id))
    assert (removal.user_id, removal.origin, removal.reference) == (None, "job", str(child.id))
    assert child.message == "Invitations expired over 30 days ago removed: 1."

    # The same tick again (a second scheduler): nothing is fanned out, nothing removed.
    again = fire("invitations_purge", night, app)
    status, _progress, message, _error = parent(app, again)
    assert status == "succeeded" and message.startswith("Already done for ")
    with app.app_context():
        started = db.session.scalars(select(PlatformJobChild).where(PlatformJobChild.parent_id == again))
        assert started.all() == []

"""The embedded default (no Redis, jobs inline): the same sweep picks up a job its process never started
and ends a job whose process on this machine is gone."""

import subprocess
from datetime import timedelta

from sqlalchemy import update

from app.core.db import utcnow
from app.extensions import db
from app.jobs import services as jobs
from app.jobs import watch
from app.jobs.models import RUNNING, JobRun, JobWatch
from tests.support.waiting import wait_for


def _recorded_not_started(palopo, **params):
    """A run committed by a process that died before starting it: recorded, never handed over."""
    with palopo.inside():
        run = jobs.start_job("test_steps", actor=palopo.actor, **params)
        db.session().info.pop("jobs_to_dispatch")
        db.session.commit()
        return run.id


def test_a_job_never_started_inline_is_run_by_the_sweep(app, palopo):
    run_id = _recorded_not_started(palopo, steps=2, delay=0)
    assert palopo.job(run_id)[0] == "queued"
    assert watch.sweep(app).handed_over == []  # within the grace: it may still start
    later = utcnow() + timedelta(seconds=app.config["JOBS_QUEUED_GRACE_SECONDS"] + 1)
    assert watch.sweep(app, now=later).handed_over == [run_id]
    wait_for(lambda: palopo.job(run_id) == ("succeeded", 1, None), what="the job to run")


def test_a_job_whose_inline_process_is_gone_ends_failed(app, palopo):
    run_id = _recorded_not_started(palopo, steps=2, delay=0)
    gone = subprocess.Popen(["true"])
    gone.wait()
    with palopo.inside():
        run = db.session.get(JobRun, (palopo.tenant_id, run_id))
        run.status, run.attempts = RUNNING, 1
        db.session.commit()
        db.session.execute(
            update(JobWatch).where(JobWatch.run_id == run_id).values(runner=f"{watch.HOST}:{gone.pid}")
        )
        db.session.commit()
    assert watch.sweep(app).failed == [run_id]
    status, attempts, error = palopo.job(run_id)
    # Said in the requester's language (Indonesian, the default).
    assert (status, attempts) == ("failed", 1) and "berhenti memberi tanda aktif" in error

"""Jobs never stuck, with real processes: a web process killed between committing a job and handing it to
the queue, a worker and its work horse killed with SIGKILL while no other worker runs, Redis down when a
job is started. Each time the job ends visibly (failed, or retried and done) within a bounded time, and
"Run it again" works on a stuck job."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from rq import Queue
from rq.registry import StartedJobRegistry
from sqlalchemy import select

from app.core.db import utcnow
from app.core.job_progress import progress_store
from app.extensions import db
from app.jobs import watch
from app.tenants.models import Opd
from tests.conftest import form_post, login
from tests.support.waiting import wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PID_RE = re.compile(r"pid (\d+)")
# The heartbeat settings of these tests' workers and scheduler: seconds instead of the production 10/45/30.
FAST = {"JOBS_HEARTBEAT_SECONDS": "1", "JOBS_HEARTBEAT_TTL_SECONDS": "3", "JOBS_SWEEP_SECONDS": "1"}


def _die_after_commit(fault_workers, queue: str, kind: str) -> uuid.UUID:
    command = [sys.executable, "-m", "tests.reliability.die_after_commit", "kota-palopo"]
    command += ["admin@kota-palopo.demo", kind]
    env = {**fault_workers.env, "JOBS_QUEUE": queue}
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    return uuid.UUID(done.stdout.split()[0])


def _queue(app) -> Queue:
    with app.app_context():
        return Queue(app.config["JOBS_QUEUE"], connection=progress_store().redis)


def _ended(palopo, run_id, timeout=60):
    def ended():
        state = palopo.job(run_id)
        return state if state[0] in ("succeeded", "failed") else None

    return wait_for(ended, timeout=timeout, what="the job to end")


def test_a_job_committed_by_a_process_killed_before_the_hand_over_is_picked_up(
    palopo, on_own_redis, fault_workers
):
    queue = on_own_redis.config["JOBS_QUEUE"]
    run_id = _die_after_commit(fault_workers, queue, "test_steps")
    assert palopo.job(run_id)[0] == "queued"
    assert _queue(on_own_redis).count == 0  # the queue never heard of it

    fault_workers.start(queue)
    later = utcnow() + timedelta(seconds=on_own_redis.config["JOBS_QUEUED_GRACE_SECONDS"] + 1)
    report = watch.sweep(on_own_redis, now=later)
    assert report.handed_over == [run_id]
    assert _ended(palopo, run_id) == ("succeeded", 1, None)
    assert watch.sweep(on_own_redis, now=later).handed_over == []  # ended: off the watch list


def test_run_again_works_on_a_stuck_job(palopo, on_own_redis, fault_workers, client, monkeypatch):
    queue = on_own_redis.config["JOBS_QUEUE"]
    run_id = _die_after_commit(fault_workers, queue, "test_steps")
    monkeypatch.setitem(on_own_redis.config, "JOBS_QUEUED_GRACE_SECONDS", 0)
    login(client, "admin@kota-palopo.demo")
    page = client.get(f"/t/kota-palopo/jobs/{run_id}").get_data(as_text=True)
    assert "This job is stuck" in page and "Run it again" in page

    fault_workers.start(queue)
    again = form_post(client, f"/t/kota-palopo/jobs/{run_id}/again")
    assert again.status_code == 303
    new_id = uuid.UUID(again.headers["Location"].rsplit("/", 1)[1])
    assert _ended(palopo, new_id) == ("succeeded", 1, None)
    # The stuck run says why it ended in its requester's language (Indonesian, the default).
    status, _attempts, error = palopo.job(run_id)
    assert status == "failed" and "dihentikan ketika jalannya yang baru menggantikannya" in error


def _horse_pid(palopo, run_id) -> int:
    def reported():
        with palopo.app.app_context():
            live = progress_store().get_many([run_id]).get(run_id)
        return live and PID_RE.search(live[1])

    return int(wait_for(reported, what="progress from the work horse").group(1))


def _kill_worker_and_horse(palopo, fault_workers, queue, kind) -> tuple[uuid.UUID, float]:
    worker = fault_workers.start(queue, **FAST)
    run_id = palopo.start(kind, steps=30, delay=0.3, locale="en")
    horse = _horse_pid(palopo, run_id)
    os.kill(worker.pid, signal.SIGKILL)
    os.kill(horse, signal.SIGKILL)
    worker.wait(timeout=10)
    return run_id, time.monotonic()


def test_a_dead_workers_job_is_failed_by_the_scheduler_while_no_worker_runs(
    palopo, on_own_redis, fault_workers
):
    queue = on_own_redis.config["JOBS_QUEUE"]
    fault_workers.env.update(FAST)
    run_id, killed = _kill_worker_and_horse(palopo, fault_workers, queue, "test_steps")
    assert palopo.job(run_id)[0] == "running"

    fault_workers.start_cron(queue)  # the Procfile's scheduler; no worker runs from here on
    status, attempts, error = _ended(palopo, run_id, timeout=120)
    took = time.monotonic() - killed
    assert (status, attempts) == ("failed", 1)
    assert "stopped sending signs of life" in error
    assert took < 30  # heartbeat expiry (3 s) + a sweep (1 s) + the scheduler's start-up

    # rq's own clean-up, much later, finds nothing more to end.
    with on_own_redis.app_context():
        StartedJobRegistry(queue=_queue(on_own_redis)).cleanup(timestamp=time.time() + 3600)
    assert palopo.job(run_id) == (status, attempts, error)


def test_a_dead_workers_job_that_may_retry_is_run_again_once(palopo, on_own_redis, fault_workers):
    queue = on_own_redis.config["JOBS_QUEUE"]
    fault_workers.env.update(FAST)
    run_id, _killed = _kill_worker_and_horse(palopo, fault_workers, queue, "test_steps_retry")
    fault_workers.start_cron(queue)
    wait_for(lambda: palopo.job(run_id)[0] == "queued", timeout=60, what="the run to be queued again")
    assert "stopped sending signs of life" in palopo.job(run_id)[2]

    fault_workers.start(queue, **FAST)
    assert _ended(palopo, run_id, timeout=60)[:2] == ("succeeded", 2)
    with on_own_redis.app_context():
        StartedJobRegistry(queue=_queue(on_own_redis)).cleanup(timestamp=time.time() + 3600)
    assert palopo.job(run_id)[:2] == ("succeeded", 2)


def test_with_redis_down_the_api_answers_the_jobs_true_state_and_it_runs_once_redis_is_back(
    palopo, on_own_redis, own_redis, fault_workers, client
):
    headers = palopo.token()
    own_redis.stop()
    started = client.post("/api/v1/t/kota-palopo/jobs", json={"kind": "members_export"}, headers=headers)
    assert started.status_code == 202
    run_id = started.json["id"]
    shown = client.get(f"/api/v1/t/kota-palopo/jobs/{run_id}", headers=headers).json
    assert started.json["status"] == shown["status"] == palopo.job(run_id)[0] == "queued"
    # Said in the language of the user who started it (Indonesian, the default).
    assert "Antrean pekerjaan tidak dapat dihubungi" in started.json["message"]

    own_redis.start()
    fault_workers.start(on_own_redis.config["JOBS_QUEUE"])
    later = utcnow() + timedelta(seconds=on_own_redis.config["JOBS_QUEUED_GRACE_SECONDS"] + 1)
    assert watch.sweep(on_own_redis, now=later).handed_over == [uuid.UUID(run_id)]
    assert _ended(palopo, run_id)[0] == "succeeded"


@pytest.mark.postgres
def test_an_attempt_given_up_for_lost_that_comes_back_keeps_nothing(palopo, on_own_redis, fault_workers):
    """A work horse hung (SIGSTOP) long enough to be given up: the job runs again on another worker; when
    the hung attempt wakes up and reaches its commit, it is dropped, so the work lands once."""
    queue = on_own_redis.config["JOBS_QUEUE"]
    fault_workers.env.update(FAST)
    fault_workers.start(queue, **FAST)
    run_id = palopo.start("test_steps_retry", steps=6, delay=0.3, locale="en")
    hung = _horse_pid(palopo, run_id)
    os.kill(hung, signal.SIGSTOP)
    try:
        fault_workers.start_cron(queue)
        wait_for(lambda: palopo.job(run_id)[:2] == ("queued", 1), timeout=60, what="the run given up")
        fault_workers.start(queue, **FAST)
        wait_for(lambda: palopo.job(run_id)[:2] == ("running", 2), timeout=60, what="the second attempt")
    finally:
        os.kill(hung, signal.SIGCONT)
    assert _ended(palopo, run_id, timeout=60)[:2] == ("succeeded", 2)
    with palopo.inside():
        steps = db.session.scalars(select(Opd.code).where(Opd.code.like("STEP%"))).all()
    assert sorted(steps) == [f"STEP{i}" for i in range(1, 7)]

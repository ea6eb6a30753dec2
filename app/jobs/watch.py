"""Jobs never stuck: every unfinished run is on a watch list, and a sweeper acts on the ones that stopped.

* The list follows the runs: whenever a run's status is written, its ``JobWatch`` row is written in the
  same flush (a transactional outbox): a run that is committed is on the list, whatever happens to the
  process that committed it next.
* A running job's process sends heartbeats (a Redis key with a short expiry, renewed by a thread of the
  work horse) while it works.
* The sweeper (``sweep``), run by the scheduler process every ``JOBS_SWEEP_SECONDS`` whether or not any
  worker runs, and by the embedded default's ticker:
  - hands a waiting run over again when the queue does not hold it (its process died between the commit
    and the hand-over, or Redis lost it), once it has waited ``JOBS_QUEUED_GRACE_SECONDS``;
  - ends a running run whose heartbeats stopped ``JOBS_HEARTBEAT_TTL_SECONDS`` ago: queued again when
    its kind may retry and attempts are left, else failed, saying so on its page.
  Without Redis (inline runs), a running run is lost when the process on this machine that ran it is
  gone.
"""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from redis.exceptions import RedisError
from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from app.core.db import as_utc, utcnow
from app.core.job_progress import redis_connection
from app.extensions import db
from app.jobs.models import FINISHED, QUEUED, RUNNING, JobRun, JobWatch, PlatformJobRun

log = logging.getLogger("kotacerdas.jobs")
HOST = socket.gethostname()[:80]
# rq states in which the queue still holds a run: it will be (or is being) worked on.
HELD_BY_QUEUE = {"queued", "started", "deferred", "scheduled"}


def this_process() -> str:
    return f"{HOST}:{os.getpid()}"


# --- the list follows the runs ---------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _follow_runs(session: Session, flush_context) -> None:
    # After the flush the new/dirty lists and attribute histories still show what was just written.
    changed = [
        run
        for run in [*session.new, *session.dirty]
        if isinstance(run, JobRun | PlatformJobRun) and _status_written(run)
    ]
    if not changed:
        return
    connection = session.connection()
    now = utcnow()
    for run in changed:
        connection.execute(delete(JobWatch).where(JobWatch.run_id == run.id))
        if run.status in FINISHED:
            continue
        connection.execute(
            insert(JobWatch).values(
                run_id=run.id,
                run_tenant_id=getattr(run, "tenant_id", None),
                state=run.status,
                retries=max(run.max_attempts - 1, 0),
                since=now,
                runner=this_process() if run.status == RUNNING else None,
            )
        )


def _status_written(run) -> bool:
    from sqlalchemy import inspect

    state = inspect(run)
    attrs = state.attrs
    return state.pending or attrs.status.history.has_changes() or attrs.attempts.history.has_changes()


# --- heartbeats ------------------------------------------------------------------------------------


def _alive_key(run_id: uuid.UUID) -> str:
    return f"kc:job-alive:{run_id}"


def beat(run_id: uuid.UUID) -> None:
    """Say the run's process is alive, for the next ``JOBS_HEARTBEAT_TTL_SECONDS``."""
    redis = redis_connection()
    if redis is None:
        return
    try:
        redis.set(_alive_key(run_id), this_process(), ex=current_app.config["JOBS_HEARTBEAT_TTL_SECONDS"])
    except RedisError:
        log.warning("job run %s: heartbeat not sent, Redis does not answer", run_id)


@contextmanager
def heartbeats(app: Flask, run_id: uuid.UUID) -> Iterator[None]:
    """While the block runs, a thread of this process renews the run's heartbeat; it dies with the process."""
    with app.app_context():
        if redis_connection() is None:
            yield  # inline: the sweeper judges by whether this process lives
            return
    stop = threading.Event()

    def loop() -> None:
        with app.app_context():
            while not stop.wait(app.config["JOBS_HEARTBEAT_SECONDS"]):
                beat(run_id)

    with app.app_context():
        beat(run_id)
    thread = threading.Thread(target=loop, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        with app.app_context():
            redis = redis_connection()
            if redis is not None:
                with suppress(RedisError):  # else it expires by itself
                    redis.delete(_alive_key(run_id))


def hand_over(run_id: uuid.UUID, tenant_id: uuid.UUID | None, retries: int) -> None:
    """Hand a committed waiting run to the queue again (the sweeper's, for a run the queue lost); without
    Redis it runs inline in a thread of its own."""
    from app.jobs import services

    redis = redis_connection()
    if redis is not None:
        services._enqueue_rq(redis, run_id, tenant_id, retries)
        return
    from app.jobs.runner import run_inline

    app = current_app._get_current_object()
    threading.Thread(target=run_inline, args=(app, run_id, tenant_id), daemon=True).start()


def forget_in_queue(run_id: uuid.UUID) -> None:
    """Take a lost run off rq's list of started jobs, so rq's own clean-up never ends it a second time
    (it would, once the dead worker's entry expires, even after the run was started again)."""
    from rq.registry import StartedJobRegistry

    redis = redis_connection()
    if redis is None:
        return
    registry = StartedJobRegistry(current_app.config["JOBS_QUEUE"], connection=redis)
    entries = [e for e in redis.zrange(registry.key, 0, -1) if e.decode().startswith(f"{run_id}:")]
    if entries:
        redis.zrem(registry.key, *entries)


# --- judging and sweeping ----------------------------------------------------------------------------


@dataclass
class SweepReport:
    handed_over: list[uuid.UUID] = field(default_factory=list)
    retried: list[uuid.UUID] = field(default_factory=list)
    failed: list[uuid.UUID] = field(default_factory=list)


def is_stuck(watch: JobWatch, *, now=None) -> bool:
    """Whether nothing will move this run any more: waiting where no queue holds it, or running in a
    process that stopped sending heartbeats (or, inline, a process of this machine that is gone)."""
    if watch.state not in (QUEUED, RUNNING):
        return False  # a fanned-out parent: its children are watched, and the last one ends it
    now = now or utcnow()
    config = current_app.config
    waited = now - as_utc(watch.since)
    redis = redis_connection()
    if watch.state == QUEUED:
        if waited < timedelta(seconds=config["JOBS_QUEUED_GRACE_SECONDS"]):
            return False
        return redis is None or _queue_state(redis, watch.run_id) not in HELD_BY_QUEUE
    if redis is not None:
        # A run just begun gets one expiry's grace; its first heartbeat is sent before it begins.
        if waited < timedelta(seconds=config["JOBS_HEARTBEAT_TTL_SECONDS"]):
            return False
        return not redis.exists(_alive_key(watch.run_id))
    return _gone(watch.runner)


def _queue_state(redis, run_id: uuid.UUID) -> str | None:
    from rq.job import Job

    status = redis.hget(Job.key_for(str(run_id)), "status")  # None: rq never had it, or lost it
    return status.decode() if status is not None else None


def _gone(runner: str | None) -> bool:
    host, _, pid = (runner or "").rpartition(":")
    if host != HOST or not pid.isdigit():
        return False  # another machine's process: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


LOST = _l(
    "The worker running this job stopped sending signs of life and was given up; nothing it had done "
    "was kept."
)


def sweep(app: Flask, *, now=None) -> SweepReport:
    """Hand over waiting runs the queue lost, retry or fail running runs whose process is gone."""
    report = SweepReport()
    with app.app_context():
        watched = db.session.scalars(select(JobWatch).order_by(JobWatch.since)).all()
        db.session.rollback()  # nothing held open while the runs are handled
        for watch in watched:
            try:
                _sweep_one(app, watch, now, report)
            except RedisError:
                log.warning("job sweep stopped: Redis does not answer")
                break
            except Exception:  # noqa: BLE001 - one run that cannot be handled must not stop the others
                log.exception("job sweep: run %s could not be handled", watch.run_id)
    if report.handed_over or report.retried or report.failed:
        log.warning(
            "job sweep: handed over again %s, retried %s, failed %s",
            len(report.handed_over),
            len(report.retried),
            len(report.failed),
        )
    return report


def _sweep_one(app: Flask, watch: JobWatch, now, report: SweepReport) -> None:
    from app.jobs import runner

    with app.app_context():
        if not is_stuck(watch, now=now):
            return
        if watch.state == QUEUED:
            hand_over(watch.run_id, watch.run_tenant_id, watch.retries)
            report.handed_over.append(watch.run_id)
            return
        forget_in_queue(watch.run_id)
    retry = runner.record_failure(app, watch.run_id, watch.run_tenant_id, LOST)
    if retry:
        with app.app_context():
            hand_over(watch.run_id, watch.run_tenant_id, watch.retries)
        report.retried.append(watch.run_id)
    else:
        report.failed.append(watch.run_id)


def start_sweeper(app: Flask) -> threading.Thread:
    """Sweep every ``JOBS_SWEEP_SECONDS`` from a daemon thread of this process (the scheduler's)."""

    def loop() -> None:
        while True:
            threading.Event().wait(app.config["JOBS_SWEEP_SECONDS"])
            try:
                sweep(app)
            except Exception:  # noqa: BLE001 - the next sweep tries again
                log.exception("job sweep failed")

    thread = threading.Thread(target=loop, name="jobs-sweeper", daemon=True)
    thread.start()
    return thread

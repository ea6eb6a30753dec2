"""The rq side: the function workers run, the failure callback, and the worker class of the Procfile.

    rq worker --url "$REDIS_URL" --worker-class app.jobs.worker.Worker kotacerdas

The worker builds the app once (``create_app``, configured from the environment like the web process),
then forks a work horse per job. Whatever ends a run early is recorded on it: an exception (rq's
failure callback), a work horse that dies (SIGKILL, out of memory: ``handle_work_horse_killed``), a
worker that vanished with its job (rq's registry clean-up calls the failure callback too).
"""

import os
import uuid

import rq
from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from rq.exceptions import AbandonedJobError

from app.jobs.runner import describe, execute, record_failure

_app: Flask | None = None
_app_pid: int | None = None


def get_app() -> Flask:
    """The app of this process: the current one, or one built from the environment for workers."""
    global _app, _app_pid
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        from app import create_app

        _app, _app_pid = create_app(), os.getpid()
    elif _app_pid != os.getpid():
        # A forked work horse must not share the parent's pooled database connections.
        from app.extensions import db

        with _app.app_context():
            db.engine.dispose(close=False)
        _app_pid = os.getpid()
    return _app


def _tenant(tenant_id: str) -> uuid.UUID | None:
    return uuid.UUID(tenant_id) if tenant_id else None  # "": a platform run


def perform(run_id: str, tenant_id: str) -> None:
    """What rq runs: one attempt of a job run, inside its tenant (or for the platform)."""
    execute(get_app(), uuid.UUID(run_id), _tenant(tenant_id))


def on_failure(job: rq.job.Job, connection, exc_type, exc_value, traceback) -> None:
    """rq's failure callback, before rq decides on a retry (so ``retries_left`` is still the old count)."""
    if exc_type is AbandonedJobError:
        error = _l("The worker running this job stopped answering; the job did not finish.")
    else:
        error = describe(exc_value)
    _record(job, error)


def _record(job: rq.job.Job, error) -> None:
    if job.func_name != f"{__name__}.perform":
        return  # not a run (a schedule's tick starting one): no run row to end
    run_id, tenant_id = job.args
    will_retry = bool(job.retries_left and job.retries_left > 0)
    record_failure(get_app(), uuid.UUID(run_id), _tenant(tenant_id), error, will_retry=will_retry)


class Worker(rq.Worker):
    """rq's forking worker, with the app built before forking and dead work horses recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        get_app()

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        signal = os.WTERMSIG(ret_val) if ret_val and os.WIFSIGNALED(ret_val) else None
        if signal:
            error = _l(
                "The process running this job stopped (signal %(signal)s); nothing it had done was kept.",
                signal=signal,
            )
        else:
            error = _l("The process running this job stopped; nothing it had done was kept.")
        _record(job, error)

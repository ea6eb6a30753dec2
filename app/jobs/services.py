"""Starting jobs and reading their state.

``enqueue`` records a job run; once the transaction that recorded it commits, the run is handed to an
rq worker (REDIS_URL set) or runs inline in this process. Runs are read by the member who asked for
them and by the tenant admin; anyone else gets 404.
"""

import logging
import threading
import uuid

from flask import after_this_request, current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, event, select, update
from sqlalchemy.orm import Session

from app.core.auth import TENANT_ADMIN, Actor
from app.core.db import utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.tenancy import current_tenant_id, tenant_context
from app.extensions import db
from app.files import services as files
from app.jobs.models import FAILED, JobRun
from app.jobs.progress import progress_store, redis_connection
from app.jobs.registry import JobKind, get_kind

log = logging.getLogger("kotacerdas.jobs")
_TO_DISPATCH = "jobs_to_dispatch"


def enqueue(kind: str, tenant_id: uuid.UUID, requested_by: uuid.UUID, *, locale: str = "id", **ids) -> JobRun:
    """Record a run of ``kind`` for the tenant; it starts once the caller's transaction commits.

    ``ids`` are the job's parameters: ids and plain values only (they are stored as JSON)."""
    spec = _kind(kind)
    if tenant_id != current_tenant_id():
        raise RuntimeError("enqueue a job inside its tenant's context")
    run = JobRun(
        kind=kind,
        requested_by=requested_by,
        params={k: str(v) if isinstance(v, uuid.UUID) else v for k, v in ids.items()},
        locale=locale,
        max_attempts=1 + spec.retries,
    )
    db.session.add(run)
    db.session.flush()
    db.session().info.setdefault(_TO_DISPATCH, []).append((run.id, tenant_id, spec.retries))
    return run


def start_job(kind: str, *, actor: Actor, locale: str = "id", **ids) -> JobRun:
    """Start a job in the current tenant for ``actor``, if their role allows that kind."""
    spec = _kind(kind)
    actor.require_tenant_role(*spec.roles)
    return enqueue(kind, current_tenant_id(), actor.user_id, locale=locale, **ids)


def start_offered_job(kind: str, *, actor: Actor, locale: str = "id") -> JobRun:
    """Start one of the kinds offered as-is on the jobs page (no ids to give)."""
    spec = get_kind(kind)
    if spec is None or not spec.startable:
        raise ValidationFailed.field("kind", _l("not a job that can be started here"))
    return start_job(kind, actor=actor, locale=locale)


def run_again(job_run_id: uuid.UUID, *, actor: Actor, locale: str = "id") -> JobRun:
    """Start a new run like a finished one (the old run and its error stay as they were)."""
    run = get_job(job_run_id, actor=actor)
    if not run.is_finished:
        raise ValidationFailed.field("status", _l("this job has not finished yet"))
    return start_job(run.kind, actor=actor, locale=locale, **run.params)


def _kind(name: str) -> JobKind:
    spec = get_kind(name)
    if spec is None:
        raise ValidationFailed.field("kind", _l("unknown job kind"))
    return spec


# --- reading ----------------------------------------------------------------------------------------


def _may_see(run: JobRun, actor: Actor) -> bool:
    return actor.tenant_role is not None and (
        actor.has_tenant_role(TENANT_ADMIN)
        or (actor.user_id is not None and run.requested_by == actor.user_id)
    )


def may_see_job(job_run_id: uuid.UUID, actor: Actor) -> bool:
    run = db.session.scalar(select(JobRun).where(JobRun.id == job_run_id))
    return run is not None and _may_see(run, actor)


def get_job(job_run_id: uuid.UUID, *, actor: Actor) -> JobRun:
    run = db.session.scalar(select(JobRun).where(JobRun.id == job_run_id))
    if run is None or not _may_see(run, actor):
        raise NotFound()
    return run


def jobs_query(*, actor: Actor) -> Select:
    """The caller's job runs (a tenant admin: everyone's), newest first."""
    actor.require_member()
    stmt = select(JobRun).order_by(JobRun.id.desc())
    if not actor.has_tenant_role(TENANT_ADMIN):
        stmt = stmt.where(JobRun.requested_by == actor.user_id)
    return stmt


def with_live_progress(runs: list[JobRun]) -> list[JobRun]:
    """Overlay the progress running jobs reported since their row was last written (no SQL)."""
    running = [r for r in runs if not r.is_finished]
    live = progress_store().get_many([r.id for r in running])
    for run in running:
        if run.id in live:
            db.session.expunge(run)  # shown with live values, never written back
            percent, message = live[run.id]
            run.progress, run.message = max(run.progress, percent), message or run.message
    return runs


def result_file(job_run_id: uuid.UUID, *, actor: Actor):
    run = get_job(job_run_id, actor=actor)
    if run.result_file_id is None:
        raise NotFound(_l("this job has no result file"))
    return files.get_file(run.result_file_id, actor=actor)


# --- handing runs over once they are committed ----------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _dispatch_committed(session: Session) -> None:
    ran_here = False
    for run_id, tenant_id, retries in session.info.pop(_TO_DISPATCH, []):
        try:
            ran_here |= _dispatch(run_id, tenant_id, retries)
        except Exception as error:  # noqa: BLE001 - the run must not stay "queued" for ever
            log.exception("job run %s could not be queued", run_id)
            _mark_undeliverable(run_id, tenant_id, error)
    if ran_here:
        session.expire_all()  # the job changed rows this session may hold: read them afresh


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_TO_DISPATCH, None)


def _dispatch(run_id: uuid.UUID, tenant_id: uuid.UUID, retries: int) -> bool:
    """Hand the run over; True when it already ran here (inline, outside a request)."""
    redis = redis_connection()
    if redis is not None:
        _enqueue_rq(redis, run_id, tenant_id, retries)
        return False
    from app.jobs.runner import run_inline

    app = current_app._get_current_object()
    if not has_request_context():
        run_inline(app, run_id, tenant_id)
        return True

    # In a request, the job runs once the response is sent, so the page can follow its progress. A
    # client that resets the connection makes Werkzeug's server skip the close, so a timer starts the
    # job anyway after a grace period; whichever comes first runs it.
    run_once = _Once(lambda: run_inline(app, run_id, tenant_id))

    @after_this_request
    def _after_response(response):
        response.call_on_close(run_once)
        return response

    timer = threading.Timer(INLINE_START_GRACE_SECONDS, run_once)
    timer.daemon = True
    timer.start()
    return False


INLINE_START_GRACE_SECONDS = 3.0


class _Once:
    """Calls ``action`` the first time it is called; later calls (from another thread too) do nothing."""

    def __init__(self, action):
        self._action, self._lock = action, threading.Lock()

    def __call__(self) -> None:
        if self._lock.acquire(blocking=False):
            self._action()


def _enqueue_rq(redis, run_id: uuid.UUID, tenant_id: uuid.UUID, retries: int) -> None:
    from rq import Callback, Queue, Retry

    from app.jobs import worker

    Queue(current_app.config["JOBS_QUEUE"], connection=redis).enqueue(
        worker.perform,
        str(run_id),
        str(tenant_id),
        job_id=str(run_id),
        job_timeout=current_app.config["JOBS_TIMEOUT_SECONDS"],
        retry=Retry(max=retries) if retries else None,
        on_failure=Callback(worker.on_failure),
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )


def _mark_undeliverable(run_id: uuid.UUID, tenant_id: uuid.UUID, error: Exception) -> None:
    # Called after a commit, when the session cannot be used: a short transaction of its own.
    table = JobRun.__table__
    with tenant_context(tenant_id), db.engine.begin() as conn:
        this_run = (table.c.tenant_id == tenant_id, table.c.id == run_id)
        locale = conn.scalar(select(table.c.locale).where(*this_run)) or "id"
        with force_locale(locale):  # the requester reads it on the job page
            message = _("The job queue could not be reached (%(error)s).", error=type(error).__name__)
        conn.execute(
            update(table)
            .where(*this_run)
            .values(status=FAILED, error=message, finished_at=utcnow(), updated_at=utcnow())
        )

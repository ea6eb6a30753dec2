"""Starting jobs and reading their state.

``enqueue`` records a tenant's job run (``enqueue_platform`` a platform's); once the transaction that
recorded it commits, the run is handed to an rq worker (REDIS_URL set) or runs inline in this process.
A tenant's runs are read by the member who asked for them and by the tenant admin (who also sees the
system's runs in the tenant); platform runs by the platform admin; anyone else gets 404.
"""

import logging
import threading
import uuid

from flask import after_this_request, current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from redis.exceptions import RedisError
from sqlalchemy import Select, event, select, update
from sqlalchemy.orm import Session

from app.core.auth import Actor
from app.core.db import utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.job_progress import progress_store, redis_connection
from app.core.jobs import JobKind, get_kind, startable_kinds
from app.core.reach import found, one_or_404
from app.core.tenancy import current_tenant_id, tenant_context
from app.extensions import db
from app.files import services as files
from app.jobs import policy
from app.jobs.models import FAILED, JobRun, JobWatch, PlatformJobChild, PlatformJobRun

log = logging.getLogger("kotacerdas.jobs")
_TO_DISPATCH = "jobs_to_dispatch"


def enqueue(
    kind: str,
    tenant_id: uuid.UUID,
    requested_by: uuid.UUID | None,
    *,
    locale: str = "id",
    parent_id: uuid.UUID | None = None,
    **ids,
) -> JobRun:
    """Record a run of ``kind`` for the tenant, asked by ``requested_by`` (None: the system, e.g. as the
    child of platform run ``parent_id``); it starts once the caller's transaction commits.

    ``ids`` are the job's parameters: ids and plain values only (they are stored as JSON)."""
    spec = _kind(kind)
    if spec.platform or tenant_id is None or tenant_id != current_tenant_id():
        raise RuntimeError("enqueue a tenant's job inside its tenant's context")
    run = JobRun(
        kind=kind,
        requested_by=requested_by,
        parent_id=parent_id,
        params=_plain(ids),
        locale=locale,
        max_attempts=1 + spec.retries,
    )
    db.session.add(run)
    db.session.flush()
    db.session().info.setdefault(_TO_DISPATCH, []).append((run.id, tenant_id, spec.retries))
    return run


def enqueue_platform(kind: str, *, locale: str | None = None, **ids) -> PlatformJobRun:
    """Record a run of platform job ``kind``, run by the system outside any tenant (a scheduled job); it
    starts once the caller's transaction commits. Nobody asked for it: its messages (and its children's)
    are written in the platform's default language unless ``locale`` says otherwise."""
    spec = _kind(kind)
    if not spec.platform or current_tenant_id() is not None:
        raise RuntimeError("enqueue a platform job outside any tenant")
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    run = PlatformJobRun(kind=kind, params=_plain(ids), locale=locale, max_attempts=1 + spec.retries)
    db.session.add(run)
    db.session.flush()
    db.session().info.setdefault(_TO_DISPATCH, []).append((run.id, None, spec.retries))
    return run


def _plain(ids: dict) -> dict:
    return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in ids.items()}


def start_job(kind: str, *, actor: Actor, locale: str = "id", **ids) -> JobRun:
    """Start a job in the current tenant for ``actor``, if their role allows that kind."""
    spec = _kind(kind)
    # People start tenant jobs of their roles' kinds; the system starts its own with enqueue.
    policy.require(actor, "job.start", spec)
    return enqueue(kind, current_tenant_id(), actor.user_id, locale=locale, **ids)


def start_offered_job(kind: str, *, actor: Actor, locale: str = "id") -> JobRun:
    """Start one of the kinds offered as-is on the jobs page (no ids to give)."""
    spec = get_kind(kind)
    if spec is None or not spec.startable:
        raise ValidationFailed.field("kind", _l("not a job that can be started here"))
    return start_job(kind, actor=actor, locale=locale)


def run_again(job_run_id: uuid.UUID, *, actor: Actor, locale: str = "id") -> JobRun:
    """Start a new run like a finished or a stuck one (the old run and its error stay; a stuck one is
    ended failed first, saying a new run replaced it)."""
    run = get_job(job_run_id, actor=actor)
    if not run.is_finished:
        if not is_stuck(run, actor=actor):
            raise ValidationFailed.field("status", _l("this job has not finished yet"))
        _give_up(run)
    return start_job(run.kind, actor=actor, locale=locale, **run.params)


def is_stuck(run: JobRun, *, actor: Actor) -> bool:
    """Whether nothing will move this unfinished run any more (``app/jobs/watch.py``); False when the
    queue does not answer, which is no proof."""
    from app.jobs import watch

    policy.require(actor, "job.read", run)
    if run.is_finished:
        return False
    entry = db.session.get(JobWatch, run.id)
    try:
        return entry is not None and watch.is_stuck(entry)
    except RedisError:
        return False


def _give_up(run: JobRun) -> None:
    from app.jobs import platform, watch

    watch.forget_in_queue(run.id)
    with force_locale(run.locale):
        run.error = _("This run was stuck and was ended when a new run replaced it.")
    run.status, run.finished_at = FAILED, utcnow()
    run.message = run.error[:300]
    platform.report_child(run)


def _kind(name: str) -> JobKind:
    spec = get_kind(name)
    if spec is None:
        raise ValidationFailed.field("kind", _l("unknown job kind"))
    return spec


# --- reading ----------------------------------------------------------------------------------------


def offered_kinds(*, actor: Actor) -> list[JobKind]:
    """The kinds the jobs page offers ``actor`` to start as they are (no ids to give)."""
    return [kind for kind in startable_kinds() if policy.can(actor, "job.start", kind)]


def may_run_again(run: JobRun, *, actor: Actor) -> bool:
    """Whether ``actor`` may start a run like ``run`` (a kind the system alone starts: nobody)."""
    return policy.can(actor, "job.start", get_kind(run.kind))


def may_see_job(job_run_id: uuid.UUID, *, actor: Actor) -> bool:
    run = db.session.scalar(select(JobRun).where(JobRun.id == job_run_id))
    return run is not None and policy.can(actor, "job.read", run)


def get_job(job_run_id: uuid.UUID, *, actor: Actor) -> JobRun:
    run = one_or_404(select(JobRun).where(JobRun.id == job_run_id))
    policy.require(actor, "job.read", run)
    return run


def jobs_query(*, actor: Actor) -> Select:
    """The caller's job runs (a tenant admin: everyone's), newest first."""
    policy.require(actor, "job.list")
    stmt = select(JobRun).order_by(JobRun.id.desc())
    if not policy.can(actor, "job.list_all"):
        stmt = stmt.where(JobRun.requested_by == actor.user_id)
    return stmt


def with_live_progress(runs: list[JobRun], *, actor: Actor) -> list[JobRun]:
    """Runs read with ``get_job`` or ``jobs_query``, with the progress running jobs reported since their
    row was last written (no SQL)."""
    policy.require(actor, "job.list")
    return _with_live_progress(runs)


def _with_live_progress(runs: list) -> list:
    running = [r for r in runs if not r.is_finished]
    try:
        live = progress_store().get_many([r.id for r in running])
    except RedisError:
        # Redis is down or hung: the runs are shown as last saved, and the page says so.
        log.warning("live job progress unavailable: Redis does not answer")
        for run in running:
            run.live_progress_unavailable = True
        return runs
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


# --- platform runs (the platform admin's) ---------------------------------------------------------------


def platform_runs_query(*, actor: Actor) -> Select:
    """The platform's job runs (scheduled jobs and their fan-outs), newest first."""
    policy.require(actor, "platform_run.list")
    return select(PlatformJobRun).order_by(PlatformJobRun.id.desc())


def get_platform_run(run_id: uuid.UUID, *, actor: Actor) -> PlatformJobRun:
    policy.require(actor, "platform_run.read")  # before the read: nobody else learns which ids exist
    run = found(db.session.get(PlatformJobRun, run_id))
    policy.require(actor, "platform_run.read", run)
    return run


def platform_run_with_children(run_id: uuid.UUID, *, actor: Actor) -> tuple[PlatformJobRun, list]:
    """A platform run with its children (and their tenants), its progress summed from theirs."""
    from app.jobs import platform

    run = get_platform_run(run_id, actor=actor)
    children = platform.children_of(run.id)
    if not children:
        return _with_live_progress([run])[0], children
    return platform.with_summed_progress(run, children), children


def platform_runs_progress(runs: list[PlatformJobRun], *, actor: Actor) -> list[PlatformJobRun]:
    """Live progress for a list of platform runs: a fanned-out parent's is its children's sum."""
    from app.jobs import platform

    policy.require(actor, "platform_run.list")
    parents = set(
        db.session.scalars(
            select(PlatformJobChild.parent_id)
            .where(PlatformJobChild.parent_id.in_([r.id for r in runs if not r.is_finished]))
            .distinct()
        )
    )
    _with_live_progress([r for r in runs if r.id not in parents])
    for run in runs:
        if run.id in parents:
            platform.with_summed_progress(run, platform.children_of(run.id))
    return runs


# --- handing runs over once they are committed ----------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _dispatch_committed(session: Session) -> None:
    dispatched = session.info.pop(_TO_DISPATCH, [])
    ran_here = False
    for run_id, tenant_id, retries in dispatched:
        try:
            ran_here |= _dispatch(run_id, tenant_id, retries)
        except Exception as error:  # noqa: BLE001 - the run waits on the watch list; the sweeper retries
            log.exception("job run %s could not be queued", run_id)
            _mark_waiting_for_queue(run_id, tenant_id, error)
    if ran_here:
        session.expire_all()  # the job changed rows this session may hold: read them afresh
    elif dispatched:
        # Whoever answers with the run reads its state as it is now, not as it was committed.
        ids = {run_id for run_id, _tenant, _retries in dispatched}
        for obj in list(session.identity_map.values()):
            if isinstance(obj, JobRun | PlatformJobRun) and obj.id in ids:
                session.expire(obj)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_TO_DISPATCH, None)


def _dispatch(run_id: uuid.UUID, tenant_id: uuid.UUID | None, retries: int) -> bool:
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


def _enqueue_rq(redis, run_id: uuid.UUID, tenant_id: uuid.UUID | None, retries: int) -> None:
    from rq import Callback, Queue, Retry

    from app.jobs import worker

    Queue(current_app.config["JOBS_QUEUE"], connection=redis).enqueue(
        worker.perform,
        str(run_id),
        str(tenant_id or ""),  # "": a platform run
        job_id=str(run_id),
        job_timeout=current_app.config["JOBS_TIMEOUT_SECONDS"],
        retry=Retry(max=retries) if retries else None,
        on_failure=Callback(worker.on_failure),
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )


def _mark_waiting_for_queue(run_id: uuid.UUID, tenant_id: uuid.UUID | None, error: Exception) -> None:
    """Say on the run why it waits: it stays queued (on the watch list), and the sweeper hands it over
    once the queue answers again. Called after a commit: a short transaction of its own."""
    table = JobRun.__table__ if tenant_id is not None else PlatformJobRun.__table__
    with tenant_context(tenant_id), db.engine.begin() as conn:
        this_run = (table.c.id == run_id,) + ((table.c.tenant_id == tenant_id,) if tenant_id else ())
        row = conn.execute(select(table.c.locale).where(*this_run)).first()
        with force_locale(row.locale if row else "id"):  # the requester reads it on the job page
            message = _(
                "The job queue cannot be reached (%(error)s); the job starts once it is back.",
                error=type(error).__name__,
            )
        conn.execute(update(table).where(*this_run).values(message=message, updated_at=utcnow()))

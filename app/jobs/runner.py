"""Running a job run inside its tenant, or for the platform: the same code inline and in an rq worker.

A run is marked running in a short transaction of its own; then the handler's work and the outcome
(status, result file) are committed together in one transaction at the end. A run that fails, or whose
process dies, leaves none of its work behind: the database never holds half a result.

Before the handler runs, and again right before that commit, a tenant's run checks that its tenant is
still active and, when a person asked for it, that they are still an active member with a role the kind
requires (a system run has no requester to check). A run that fails the check ends failed at once (no
retry: the same check would refuse again), keeps nothing of the handler's work and leaves an audit event
saying why. A platform run (``tenant_id`` None) runs as the system; one that fanned out stays running
until its children have ended (``app/jobs/platform.py``).
"""

import logging
import uuid
from datetime import UTC

from flask import Flask, g
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.core.audit import acting_as, record_event
from app.core.auth import Actor
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.job_progress import progress_store, running_as
from app.core.jobs import JobFailed, JobResult, get_kind
from app.core.reach import found
from app.core.tenancy import tenant_context
from app.extensions import db
from app.jobs import platform
from app.jobs.models import FAILED, QUEUED, RUNNING, SUCCEEDED, JobRun, PlatformJobRun
from app.tenants import services as tenants
from app.tenants.models import ACTIVE, Membership, Tenant

log = logging.getLogger("kotacerdas.jobs")


def run_inline(app: Flask, run_id: uuid.UUID, tenant_id: uuid.UUID | None) -> None:
    """Run now, in this process, retrying as a worker would for kinds that may retry."""
    while True:
        try:
            execute(app, run_id, tenant_id)
            return
        except Exception as error:  # noqa: BLE001 - any failure is the job's outcome, shown to its requester
            log.exception("job run %s failed", run_id)
            if not record_failure(app, run_id, tenant_id, describe(error)):
                return


class RequesterRefused(Exception):
    """The run may not go on: its tenant or its requester no longer allows it (``reason`` says which,
    ``before`` when: "run" or "write")."""

    def __init__(self, reason: str, before: str):
        super().__init__(reason)
        self.reason, self.before = reason, before


def execute(app: Flask, run_id: uuid.UUID, tenant_id: uuid.UUID | None) -> None:
    """Do one attempt of the run (``tenant_id`` None: a platform run); raises what the handler raised,
    after rolling its work back. Heartbeats say the attempt is alive while it lasts."""
    from app.jobs.watch import heartbeats

    with heartbeats(app, run_id):
        refusal = _attempt(app, run_id, tenant_id)
    if refusal is not None:
        # Recorded in a session of its own: the handler's session, with any events it recorded, is gone.
        _record_refusal(app, run_id, tenant_id, refusal)


def _attempt(app: Flask, run_id: uuid.UUID, tenant_id: uuid.UUID | None) -> "RequesterRefused | None":
    with app.app_context(), tenant_context(tenant_id):
        run = _begin(run_id, tenant_id)
        if run is None:
            return None
        try:
            _perform(run, tenant_id)
            return None
        except RequesterRefused as refused:
            db.session.rollback()
            return refused
        except AttemptSuperseded:
            db.session.rollback()  # the attempt given up for lost keeps nothing; the new one goes on
            log.warning("job run %s: an attempt given up for lost ended; its work is dropped", run_id)
            return None
        except BaseException:
            db.session.rollback()
            raise


def _load(run_id: uuid.UUID, tenant_id: uuid.UUID | None) -> JobRun | PlatformJobRun | None:
    model = JobRun if tenant_id is not None else PlatformJobRun
    return db.session.scalar(select(model).where(model.id == run_id))


def _requester(run: JobRun | PlatformJobRun) -> uuid.UUID | None:
    return getattr(run, "requested_by", None)  # a platform run is the system's


def _begin(run_id: uuid.UUID, tenant_id: uuid.UUID | None) -> JobRun | PlatformJobRun | None:
    run = _load(run_id, tenant_id)
    if run is None or run.is_finished:
        return None  # already done (a duplicate delivery) or gone
    run.status = RUNNING
    run.attempts += 1
    run.started_at = run.started_at or utcnow()
    platform.report_child(run)
    db.session.commit()
    return run


def _actor(run: JobRun | PlatformJobRun, tenant_id: uuid.UUID | None) -> Actor:
    requester = _requester(run)
    if requester is None:
        return Actor.system(tenant_id)
    return tenants.actor_for(found(accounts.find_user(requester)))


def _perform(run: JobRun | PlatformJobRun, tenant_id: uuid.UUID | None) -> None:
    spec = get_kind(run.kind)
    if spec is None:
        raise JobFailed(_l("unknown job kind %(kind)s", kind=run.kind))
    # Someone suspended or removed since asking gets nothing: checked before the work and before the commit.
    _check_standing(run, spec.roles, tenant_id, before="run")
    if tenant_id is not None:
        g.tenant = found(tenants.find_tenant(tenant_id))  # dates and numbers in the tenant's time zone
    actor = _actor(run, tenant_id)
    requester = _requester(run)
    with running_as(run.id, actor), acting_as(requester, "job", str(run.id)), force_locale(run.locale):
        result = spec.handler(actor=actor, **run.params) or JobResult()
        _record_outcome(run, result)
        # Flushed first: on SQLite the write lock is then ours until the commit, so nothing changes
        # between the check and the commit (PostgreSQL: the check locks the rows it reads).
        db.session.flush()
        _check_standing(run, spec.roles, tenant_id, before="write")
        _check_still_current(run)
        _finish(run)


class AttemptSuperseded(Exception):
    """The sweeper gave this attempt up for lost (no heartbeat) and another attempt has begun."""


def _check_still_current(run: JobRun | PlatformJobRun) -> None:
    """Refuse to commit an attempt that another one has replaced: a job's work lands once. Our flush
    holds the run's row, so a newer attempt's start has either committed before it (seen here) or waits
    until this commit and then finds the run finished."""
    model = type(run)
    attempts = db.session.scalar(select(model.attempts).where(model.id == run.id))
    if attempts != run.attempts:
        raise AttemptSuperseded()


REFUSALS = {
    "tenant_suspended": _l("The tenant is suspended"),
    "account_switched_off": _l("Your account is switched off"),
    "not_a_member": _l("You are no longer a member of this tenant"),
    "role_not_allowed": _l("Your role in this tenant no longer allows this job"),
}


def _check_standing(
    run: JobRun | PlatformJobRun, roles: tuple[str, ...], tenant_id: uuid.UUID | None, *, before: str
) -> None:
    """Refuse the run unless its tenant is active and its requester (if a person asked) an active member
    with one of ``roles``. Read afresh from the database (not the session's copies); before the write the
    rows are locked (FOR SHARE) until the commit, so a suspension or removal waits for the run's commit.
    A platform run has neither tenant nor requester to check."""
    if tenant_id is None:
        return
    locked = before == "write"

    def fresh(stmt):
        return db.session.execute(stmt.with_for_update(read=True) if locked else stmt).first()

    reason = None
    tenant = fresh(select(Tenant.status).where(Tenant.id == tenant_id))
    if tenant is None or tenant.status != ACTIVE:
        reason = "tenant_suspended"
    elif run.requested_by is not None:  # a system run has no requester: the tenant alone decides
        reason = _requester_refusal(fresh, run.requested_by, roles)
    if reason is not None:
        log.warning("job run %s refused before it %ss: %s", run.id, before, reason)
        raise RequesterRefused(reason, before)


def _requester_refusal(fresh, user_id: uuid.UUID, roles: tuple[str, ...]) -> str | None:
    user = fresh(select(User.is_active).where(User.id == user_id))
    member = fresh(select(Membership.role).where(Membership.user_id == user_id))
    if user is None or not user.is_active:
        return "account_switched_off"
    if member is None:
        return "not_a_member"
    if member.role not in roles:
        return "role_not_allowed"
    return None


def _record_refusal(app: Flask, run_id: uuid.UUID, tenant_id: uuid.UUID, refusal: RequesterRefused) -> None:
    """End the run failed, with the reason in the requester's language, and audit the refusal."""
    with app.app_context(), tenant_context(tenant_id):
        run = db.session.scalar(select(JobRun).where(JobRun.id == run_id))
        with acting_as(run.requested_by, "job", str(run.id)), force_locale(run.locale):
            run.status = FAILED
            run.error = run.message = str(REFUSALS[refusal.reason])
            run.result_file_id, run.result_url = None, None
            run.finished_at = utcnow()
            platform.report_child(run)
            record_event(
                "job.refused",
                object_type="JobRun",
                object_id=str(run.id),
                details={
                    "kind": run.kind,
                    "reason": refusal.reason,
                    "before": refusal.before,
                    "attempt": run.attempts,
                },
            )
            db.session.commit()
        progress_store().forget(run.id)
        _notify(run)
        platform.settle(run.parent_id)


def _record_outcome(run: JobRun | PlatformJobRun, result: JobResult) -> None:
    children = platform.children_started(run)
    if children:
        # A platform run that fanned out ends when its children have (platform.settle).
        started = ngettext("Started in %(num)d tenant.", "Started in %(num)d tenants.", children)
        run.message = (result.message or started)[:300]
        run.result_url = result.url
        return
    run.status = FAILED if result.refused else SUCCEEDED
    run.progress = 100
    run.message = (result.message or _("Done."))[:300]
    if result.refused:
        run.error = run.message
    if isinstance(run, JobRun):
        run.result_file_id = result.file.id if result.file is not None else None
    run.result_url = result.url
    run.finished_at = utcnow()
    platform.report_child(run)


def _finish(run: JobRun | PlatformJobRun) -> None:
    db.session.commit()
    if run.is_finished:
        progress_store().forget(run.id)
        _notify(run)
    platform.settle(getattr(run, "parent_id", None))


def record_failure(
    app: Flask, run_id: uuid.UUID, tenant_id: uuid.UUID | None, error, *, will_retry: bool | None = None
) -> bool:
    """Show the error on the run; queue it again or end it as failed. Returns whether it will retry.

    ``error`` may be a lazy message: it is written in the requester's language. ``will_retry`` comes
    from rq when a worker ran it; inline, attempts left decide."""
    with app.app_context(), tenant_context(tenant_id):
        run = _load(run_id, tenant_id)
        if run is None or run.is_finished:
            return False
        retry = will_retry if will_retry is not None else run.attempts < run.max_attempts
        with force_locale(run.locale):
            run.error = str(error)[:2000]
            # The message says what happens next: another attempt, or nothing more (never "trying again").
            if retry:
                run.message = _("Attempt %(n)s failed; trying again.", n=run.attempts)
            else:
                run.message = ngettext(
                    "Failed after %(num)d attempt.", "Failed after %(num)d attempts.", max(run.attempts, 1)
                )
        if retry:
            run.status = QUEUED
        else:
            run.status = FAILED
            run.finished_at = utcnow()
            platform.report_child(run)
        db.session.commit()
        if not retry:
            progress_store().forget(run.id)
            _notify(run)
            platform.settle(getattr(run, "parent_id", None))
        return retry


def describe(error: BaseException):
    """The error as the requester reads it on the job page (a lazy message for a domain error: the
    attempt's language has ended by now, ``record_failure`` writes it in the requester's)."""
    if isinstance(error, DomainError):
        return error.message or error.code
    return f"{type(error).__name__}: {error}"[:2000]


def _notify(run: JobRun | PlatformJobRun) -> None:
    """Mail the requester when a run ends long after they asked: they have likely left the page. A run
    of the system has nobody to mail."""
    from flask import current_app

    from app.jobs.notices import send_job_finished

    if _requester(run) is None:
        return
    waited = (_aware(run.finished_at) - _aware(run.created_at)).total_seconds()
    if waited < current_app.config["JOBS_MAIL_AFTER_SECONDS"]:
        return
    try:
        send_job_finished(run)
    except Exception:  # noqa: BLE001 - a mail that cannot be sent must not change the job's outcome
        log.exception("could not mail the requester of job run %s", run.id)


def _aware(value):
    # SQLite hands back naive datetimes; they were stored as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)

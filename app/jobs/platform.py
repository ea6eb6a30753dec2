"""Platform jobs that fan out: one child run per active tenant, the parent summing them up.

A platform job's handler calls ``fan_out(kind, **ids)``: in the handler's transaction one run of tenant
kind ``kind`` is recorded in every active tenant (as the system, with the parent's id), with a row on
the platform's side for each (``PlatformJobChild``). The children start once that transaction commits.
Each child writes its status on that row in the same transaction as its own outcome; the parent reads
only those rows, never a tenant's data. The parent's progress is the sum of its children's (each counts
for an equal share); it ends when the last child has ended: succeeded when every child succeeded, failed
naming the tenants whose child failed otherwise.
"""

import uuid

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from app.core.db import utcnow
from app.core.job_progress import progress_store, running_job
from app.core.jobs import get_kind
from app.core.tenancy import current_tenant_id, tenant_context
from app.extensions import db
from app.jobs.models import (
    FAILED,
    FANNED_OUT,
    FINISHED,
    SUCCEEDED,
    JobRun,
    JobWatch,
    PlatformJobChild,
    PlatformJobRun,
)
from app.tenants import services as tenants
from app.tenants.models import Tenant

# Listed by name on the failed parent; beyond this many, "and N more".
NAMED_FAILURES = 20


def fan_out(kind: str, **ids) -> int:
    """Start tenant job ``kind`` in every active tenant as a child of the running platform job; returns
    how many were started. The parent stays running until they have all ended."""
    job = running_job()
    spec = get_kind(kind)
    if current_tenant_id() is not None or spec is None or spec.platform:
        raise RuntimeError("a platform job fans out into a tenant job kind")
    from app.jobs.services import enqueue

    parent = db.session.get(PlatformJobRun, job.run_id)
    active = tenants.active_tenants_query(actor=job.actor)
    tenant_ids = db.session.scalars(active.with_only_columns(Tenant.id)).all()
    for tenant_id in tenant_ids:
        with tenant_context(tenant_id):
            run = enqueue(kind, tenant_id, None, locale=parent.locale, parent_id=parent.id, **ids)
        db.session.add(PlatformJobChild(parent_id=parent.id, child_tenant_id=tenant_id, run_id=run.id))
    db.session.flush()
    if tenant_ids:
        # The parent now waits for its children, which are watched themselves: no heartbeat to expect.
        db.session.execute(
            update(JobWatch).where(JobWatch.run_id == parent.id).values(state=FANNED_OUT),
            execution_options={"synchronize_session": False},
        )
    return len(tenant_ids)


def children_started(run: JobRun | PlatformJobRun) -> int:
    """How many children the platform run ``run`` has started (0 for a tenant's run)."""
    if not isinstance(run, PlatformJobRun):
        return 0
    count = select(func.count()).select_from(PlatformJobChild).where(PlatformJobChild.parent_id == run.id)
    return db.session.scalar(count)


def report_child(run: JobRun | PlatformJobRun) -> None:
    """Write how child ``run`` stands on its parent's side, in the transaction of the child's change."""
    if not isinstance(run, JobRun) or run.parent_id is None:
        return
    db.session.execute(
        update(PlatformJobChild)
        .where(PlatformJobChild.parent_id == run.parent_id, PlatformJobChild.child_tenant_id == run.tenant_id)
        .values(
            status=run.status,
            error=(run.error or "")[:300] or None,
            finished_at=run.finished_at if run.is_finished else None,
        ),
        execution_options={"synchronize_session": False},
    )


def settle(parent_id: uuid.UUID | None) -> None:
    """End platform run ``parent_id`` if all its children have ended; nothing otherwise.

    Called after each child's outcome is committed, in a transaction of its own: whichever child ends
    last sees every other child's outcome, and the parent row is locked (PostgreSQL) or written under
    SQLite's single writer, so two children ending at once end the parent once."""
    if parent_id is None:
        return
    parents, children, tenant_rows = PlatformJobRun.__table__, PlatformJobChild.__table__, Tenant.__table__
    with db.engine.begin() as conn:
        parent = conn.execute(
            select(parents.c.status, parents.c.locale).where(parents.c.id == parent_id).with_for_update()
        ).first()
        if parent is None or parent.status in FINISHED:
            return
        rows = conn.execute(
            select(children.c.status, tenant_rows.c.name)
            .join(tenant_rows, tenant_rows.c.id == children.c.child_tenant_id)
            .where(children.c.parent_id == parent_id)
        ).all()
        if not rows or any(row.status not in FINISHED for row in rows):
            return
        failed = sorted(row.name for row in rows if row.status == FAILED)
        with force_locale(parent.locale):
            done = ngettext("Done in %(num)d tenant.", "Done in all %(num)d tenants.", len(rows))
            message = _failures(failed, len(rows)) if failed else done
        conn.execute(
            update(parents)
            .where(parents.c.id == parent_id, parents.c.status.notin_(FINISHED))
            .values(
                status=FAILED if failed else SUCCEEDED,
                progress=100,
                message=message[:300],
                error=message if failed else None,
                finished_at=utcnow(),
                updated_at=utcnow(),
            )
        )
        conn.execute(delete(JobWatch.__table__).where(JobWatch.__table__.c.run_id == parent_id))
    progress_store().forget(parent_id)


def _failures(names: list[str], total: int) -> str:
    shown = ", ".join(names[:NAMED_FAILURES])
    if len(names) > NAMED_FAILURES:
        shown = _("%(names)s and %(count)s more", names=shown, count=len(names) - NAMED_FAILURES)
    return ngettext(
        "Failed in %(failed)s of %(num)d tenant: %(names)s",
        "Failed in %(failed)s of %(num)d tenants: %(names)s",
        total,
        failed=len(names),
        names=shown,
    )


# --- reading --------------------------------------------------------------------------------------


def children_of(parent_id: uuid.UUID) -> list[tuple[PlatformJobChild, Tenant]]:
    """The parent's children with their tenants, by tenant name, with the live progress of running ones
    on ``child.progress`` (0-100)."""
    rows = db.session.execute(
        select(PlatformJobChild, Tenant)
        .join(Tenant, Tenant.id == PlatformJobChild.child_tenant_id)
        .where(PlatformJobChild.parent_id == parent_id)
        .order_by(Tenant.name)
    ).all()
    live = progress_store().get_many([child.run_id for child, _tenant in rows if not child.is_finished])
    for child, _tenant in rows:
        child.progress = 100 if child.is_finished else live.get(child.run_id, (0, ""))[0]
    return [(child, tenant) for child, tenant in rows]


def with_summed_progress(
    run: PlatformJobRun, children: list[tuple[PlatformJobChild, Tenant]]
) -> PlatformJobRun:
    """Show a running parent's progress as the sum of its children's (each an equal share), and how many
    have ended. Read-only: the row is not written."""
    if run.is_finished or not children:
        return run
    db.session.expunge(run)
    ended = sum(1 for child, _tenant in children if child.is_finished)
    run.progress = min(99, sum(child.progress for child, _tenant in children) // len(children))
    run.message = ngettext(
        "%(ended)s of %(num)d tenant done.", "%(ended)s of %(num)d tenants done.", len(children), ended=ended
    )
    return run

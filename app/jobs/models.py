"""Job runs and what scheduled jobs have done.

A run for one tenant is a ``JobRun`` (tenant-owned), requested by a member or by the system. A run for
the platform (a scheduled job, a platform job that fans out one child per tenant) is a
``PlatformJobRun``: platform data, with no tenant column, like the platform's audit log. Each
``PlatformJobChild`` row tells the parent how one tenant's child ended, so the operator's page follows
a fan-out without reading any tenant's data. Done keys record what an idempotent job did.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, Timestamps, new_id, tenant_fk, utcnow

QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED)
FINISHED = (SUCCEEDED, FAILED)
# On the watch list only: a platform run whose work is done, waiting for the children it started.
FANNED_OUT = "fanned_out"


class RunState:
    """What every run keeps: its kind and parameters, status, progress and outcome."""

    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(5), default="id")
    result_url: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    # Not stored: set when the live progress store (Redis) did not answer, so pages say what they show.
    live_progress_unavailable = False

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class JobRun(RunState, TenantOwned, Timestamps, Base):
    """A job of one ``kind`` for one tenant, requested by a member, or by the system (``requested_by``
    None: a child of a platform job, ``parent_id``).

    ``params`` holds ids and plain values only, never objects: the job loads what it needs when it runs,
    inside its tenant. The outcome is a result file, a link, or the error that stopped it."""

    __tablename__ = "job_runs"
    __table_args__ = (
        Index("ix_job_runs_tenant_requester", "tenant_id", "requested_by"),
        Index("ix_job_runs_tenant_parent", "tenant_id", "parent_id"),
        tenant_fk("result_file_id", "stored_files"),
    )
    # The request is audited; progress and status changes are this row's own history.
    __audit__ = frozenset({"create"})

    requested_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform_job_runs.id"))
    result_file_id: Mapped[uuid.UUID | None]

    @property
    def is_system(self) -> bool:
        return self.requested_by is None


class PlatformJobRun(RunState, Timestamps, Base):
    """A job for the platform, run by the system: a scheduled job, or a platform job that starts one
    child ``JobRun`` per active tenant and ends when they all have."""

    __tablename__ = "platform_job_runs"
    __table_args__ = (Index(None, "kind", "created_at"),)
    __audit__ = False  # the row is the run's own record; what the run changes is audited where it happens

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class PlatformJobChild(Base):
    """How the child a platform job started in one tenant stands, kept on the platform's side.

    The child's runner writes it with the child's own outcome, in the same transaction; the parent's
    progress and outcome are read from these rows only. ``child_tenant_id`` names the tenant the child
    ran for; the row holds none of that tenant's data, only the child's status and its error line."""

    __tablename__ = "platform_job_children"
    __audit__ = False  # the children's runs are audited in their tenants

    parent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform_job_runs.id"), primary_key=True)
    child_tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    # No foreign key: job_runs is distributed by tenant, this table is not (see docs/ARCHITECTURE.md).
    run_id: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    error: Mapped[str | None] = mapped_column(String(300))
    finished_at: Mapped[datetime | None]
    # Not stored: 0-100 as a page shows it, set from the live progress store (platform.children_of).
    progress = 0

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class JobDoneKey(TenantOwned, Base):
    """Work a job did in a tenant, under a key (``once``): a second run for the same key does nothing."""

    __tablename__ = "job_done_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    __audit__ = False

    key: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[uuid.UUID]
    done_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlatformJobDoneKey(Base):
    """Work a platform job did, under a key (``once``)."""

    __tablename__ = "platform_job_done_keys"
    __audit__ = False

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    run_id: Mapped[uuid.UUID]
    done_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobWatch(Base):
    """A run that has not ended yet, as the sweeper watches it: written in the same transaction as the
    run's own status (``app/jobs/watch.py``), so a committed run is always on this list until it ends.

    A platform table holding ids only (no tenant data, no row-level security), so one sweep sees every
    tenant's waiting and running jobs: a waiting one the queue does not hold is handed over again, a
    running one whose process stopped sending heartbeats is retried or ended failed."""

    __tablename__ = "job_watch"
    __audit__ = False  # bookkeeping of the runs, which keep their own history

    run_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # The tenant of the run (None: a platform run): which tenant to enter to handle it. Named so it is not
    # taken for a tenant-owned table: the row holds no tenant data. No foreign key: it is short-lived.
    run_tenant_id: Mapped[uuid.UUID | None]
    state: Mapped[str] = mapped_column(String(12))
    retries: Mapped[int] = mapped_column(default=0)
    since: Mapped[datetime] = mapped_column(default=utcnow)
    # "host:pid" of the process running it (inline runs are judged by whether that process lives).
    runner: Mapped[str | None] = mapped_column(String(120))

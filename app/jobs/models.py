"""Job runs: one row per piece of background work a member asked for, with its progress and outcome."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, Timestamps, tenant_fk

QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED)
FINISHED = (SUCCEEDED, FAILED)


class JobRun(TenantOwned, Timestamps, Base):
    """A job of one ``kind`` for one tenant, requested by a member.

    ``params`` holds ids and plain values only, never objects: the job loads what it needs when it runs,
    inside its tenant. The outcome is a result file, a link, or the error that stopped it."""

    __tablename__ = "job_runs"
    __table_args__ = (
        Index("ix_job_runs_tenant_requester", "tenant_id", "requested_by"),
        tenant_fk("result_file_id", "stored_files"),
    )
    # The request is audited; progress and status changes are this row's own history.
    __audit__ = frozenset({"create"})

    kind: Mapped[str] = mapped_column(String(60))
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(5), default="id")
    result_file_id: Mapped[uuid.UUID | None]
    result_url: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

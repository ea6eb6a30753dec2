"""Work done once: a job records what it did under a key, so a second run for the same key does nothing.

Scheduled jobs run twice for one tick when two schedulers run, when the same tick is fired again, or
when a run is started again by hand. ``once(key)`` claims the key for the running job; the claim is
written in the job's own transaction, so it is kept exactly when the job's work is: a run that fails
claims nothing, and the next run does the work. Keys of a tenant's job are the tenant's (tenant-owned,
under row-level security); keys of a platform job are the platform's.
"""

from sqlalchemy.dialects import postgresql, sqlite

from app.core.db import new_id, utcnow
from app.core.job_progress import running_job
from app.core.tenancy import current_tenant_id
from app.extensions import db
from app.jobs.models import JobDoneKey, PlatformJobDoneKey

KEY_LENGTH = 200


def once(key: str) -> bool:
    """Claim ``key`` for the running job: True the first time (do the work now), False when a run already
    did it. When another run holds the same key in a transaction not yet committed, this waits for it
    (PostgreSQL; SQLite has one writer at a time) and answers False if that run's work was kept."""
    if not key or len(key) > KEY_LENGTH:
        raise ValueError(f"a done key has 1 to {KEY_LENGTH} characters")
    run_id, tenant_id = running_job().run_id, current_tenant_id()
    if tenant_id is None:
        table = PlatformJobDoneKey.__table__
        values, unique = {"key": key, "run_id": run_id, "done_at": utcnow()}, ["key"]
    else:
        table = JobDoneKey.__table__
        values = {"tenant_id": tenant_id, "id": new_id(), "key": key, "run_id": run_id, "done_at": utcnow()}
        unique = ["tenant_id", "key"]
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    claim = dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=unique)
    return db.session.execute(claim.returning(table.c.run_id)).first() is not None

"""Helpers for job tests: waiting for a condition, reading a job run as the database holds it now."""

import time

import pytest

from app.core.tenancy import tenant_context
from app.extensions import db


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {what}")


def job_status(tenant_id, run_id) -> tuple[str, int, str | None]:
    """The run as the database holds it now (a fresh read, not the session's copy)."""
    from app.jobs.models import JobRun

    with tenant_context(tenant_id):
        db.session.expire_all()
        run = db.session.get(JobRun, (tenant_id, run_id))
        return run.status, run.attempts, run.error

"""Job kinds for tests: a job that works in visible steps, writes as it goes and can be told to fail; a
job that waits for a signal before it writes.

Registered wherever this module is imported: by the tests, and by the rq worker the tests start
(``tests/support/rq_worker.py``).
"""

import os
import time
from io import BytesIO

from app.core.auth import SYSTEM, TENANT_ADMIN
from app.core.job_progress import report_progress
from app.core.jobs import JobResult, job_kind, scheduled
from app.files.services import store_job_result
from app.tenants import services as tenants


def _steps(*, actor, steps: int = 5, delay: float = 0.2, fail_at: int | None = None) -> JobResult:
    """Adds one OPD per step (flushed, not committed), then a CSV listing them as the result."""
    codes = []
    for step in range(steps):
        code = f"STEP{step + 1}"
        tenants.create_opd({"code": code, "name": f"Langkah {step + 1}"}, actor=actor)
        codes.append(code)
        report_progress(100 * step // steps, f"step {step + 1} of {steps} (pid {os.getpid()})")
        if fail_at == step + 1:
            raise RuntimeError(f"step {step + 1} broke")
        time.sleep(delay)
    stored = store_job_result(BytesIO(("code\n" + "\n".join(codes) + "\n").encode()), "steps.csv")
    return JobResult(file=stored, message=f"{steps} steps done")


job_kind("test_steps", label="Test steps", roles=(TENANT_ADMIN,))(_steps)
job_kind("test_steps_retry", label="Test steps (retried)", roles=(TENANT_ADMIN,), retries=1)(_steps)


WAITING = "waiting for the signal"


def _wait_then_write(*, actor, signal: str, timeout: float = 60) -> JobResult:
    """Reports that it waits, waits until the file ``signal`` exists, then adds OPD WAITED and a result
    file: the test changes the world while the job is running, before it writes."""
    report_progress(10, f"{WAITING} (pid {os.getpid()})")
    deadline = time.monotonic() + timeout
    while not os.path.exists(signal):
        if time.monotonic() > deadline:
            raise RuntimeError("no signal came")
        time.sleep(0.05)
    tenants.create_opd({"code": "WAITED", "name": "Ditulis setelah sinyal"}, actor=actor)
    stored = store_job_result(BytesIO(b"code\nWAITED\n"), "waited.csv")
    return JobResult(file=stored, message="written after the signal")


# It may retry, as the real kinds do: a refusal must still not be retried.
job_kind("test_wait_then_write", label="Test wait", roles=(TENANT_ADMIN,), retries=1)(_wait_then_write)


def pace_members_export(seconds: float) -> None:
    """Slow the real members export down after each progress report, so a browser can watch it move."""
    import app.tenants.jobs as members_jobs

    report = members_jobs.report_progress

    def paced(percent: int, message: str | None = None) -> None:
        report(percent, message)
        time.sleep(seconds)

    members_jobs.report_progress = paced


# --- platform jobs: a fan-out whose children wait for a signal and can be told to fail; a schedule -------

FANNED_OUT = "a child waiting for the signal"


def _fan_out(*, actor, signal: str | None = None, fail_in: str | None = None) -> None:
    from app.jobs.platform import fan_out

    fan_out("test_child", signal=signal, fail_in=fail_in)


def _child(*, actor, signal: str | None = None, fail_in: str | None = None) -> JobResult:
    """Reports 50 %, waits for the file ``signal`` (if any), then adds OPD FANNED in its tenant, or fails
    in the tenant whose slug is ``fail_in``."""
    from app.core.tenancy import current_tenant_id

    tenant = tenants.get_tenant(current_tenant_id(), actor=SYSTEM)
    report_progress(50, f"{FANNED_OUT} in {tenant.slug}")
    deadline = time.monotonic() + 60
    while signal and not os.path.exists(signal):
        if time.monotonic() > deadline:
            raise RuntimeError("no signal came")
        time.sleep(0.05)
    if tenant.slug == fail_in:
        raise RuntimeError(f"the child broke in {tenant.slug}")
    tenants.create_opd({"code": "FANNED", "name": "Ditulis oleh anak pekerjaan"}, actor=actor)
    return JobResult(message=f"done in {tenant.slug}")


job_kind("test_fan_out", label="Test fan-out", platform=True)(_fan_out)
job_kind("test_child", label="Test child", roles=(TENANT_ADMIN,))(_child)


def _tick(*, actor, tick: str) -> JobResult:
    from app.jobs.idempotency import once

    return JobResult(message=f"ticked {tick}" if once(f"test_tick@{tick}") else f"already ticked {tick}")


# Hourly: rq's cron scheduler fires an interval schedule as soon as it starts, then every hour.
scheduled("test_tick", every=3600)(job_kind("test_tick", label="Test tick", platform=True)(_tick))


CLAIMED = "claimed the key"


def _claim_then_wait(*, actor, tick: str, signal: str) -> JobResult:
    """Claims ``once(tick)``, says so, and keeps its transaction open until the file ``signal`` exists:
    a second run of the same tick meanwhile waits on the claim."""
    from app.jobs.idempotency import once

    if not once(f"test_claim@{tick}"):
        return JobResult(message="already done")
    report_progress(10, f"{CLAIMED} (pid {os.getpid()})")
    deadline = time.monotonic() + 60
    while not os.path.exists(signal):
        if time.monotonic() > deadline:
            raise RuntimeError("no signal came")
        time.sleep(0.05)
    return JobResult(message="did the work")


job_kind("test_claim", label="Test claim", platform=True)(_claim_then_wait)

"""Job kinds for tests: a job that works in visible steps, writes as it goes and can be told to fail; a
job that waits for a signal before it writes.

Registered wherever this module is imported: by the tests, and by the rq worker the tests start
(``tests/support/rq_worker.py``).
"""

import os
import time
from io import BytesIO

from app.core.auth import TENANT_ADMIN
from app.jobs.progress import report_progress
from app.jobs.registry import job_kind
from app.jobs.results import JobResult, store_result
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
    stored = store_result(BytesIO(("code\n" + "\n".join(codes) + "\n").encode()), "steps.csv")
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
    stored = store_result(BytesIO(b"code\nWAITED\n"), "waited.csv")
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

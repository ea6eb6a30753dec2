"""Job kinds for tests: a job that works in visible steps, writes as it goes and can be told to fail.

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

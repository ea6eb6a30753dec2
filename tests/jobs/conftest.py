"""Fixtures for job tests: the demo tenants, and real rq workers on a real Redis running the real app."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import tests.support.jobkinds  # noqa: F401 - the test job kinds, known here as in the workers
from app.accounts import services as accounts
from app.core.auth import TENANT_ADMIN, Actor
from app.demo import seed_demo
from app.tenants import services as tenants

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def palopo(app_ctx):
    """The demo, seeded; Kota Palopo's tenant and its admin as an actor."""
    seed_demo()
    tenant = tenants.find_tenant_by_slug("kota-palopo")
    admin = accounts.find_user_by_email("admin@kota-palopo.demo")
    return {"tenant": tenant, "admin": admin, "actor": Actor(user_id=admin.id, tenant_role=TENANT_ADMIN)}


@pytest.fixture
def queue_app(app, redis_server, monkeypatch):
    """The test app, enqueueing to its own queue on the real Redis instead of running jobs inline."""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_server.url)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"test-{uuid.uuid4().hex[:8]}")
    app.extensions.pop("kc_redis", None)
    yield app
    app.extensions.pop("kc_redis", None)


class Workers:
    """Starts ``rq worker`` processes: rq's own command with the Procfile's worker class, running the
    real app from the environment (as in production), on the queue the test app enqueues to."""

    def __init__(self, database, instance_dir, redis_url):
        self.redis_url, self.processes = redis_url, []
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database["app"],
            "KC_INSTANCE_DIR": instance_dir,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "test-secret",
            "JOBS_MAIL_AFTER_SECONDS": "3600",
        }

    def start(self, queue: str, *, burst: bool = False) -> subprocess.Popen:
        command = [sys.executable, "-m", "tests.support.rq_worker", "worker", "--url", self.redis_url]
        command += ["--worker-class", "app.jobs.worker.Worker", "--logging_level", "WARNING"]
        command += ["--burst"] if burst else []
        process = subprocess.Popen([*command, queue], env={**self.env, "JOBS_QUEUE": queue}, cwd=ROOT)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture(scope="module")
def workers(database, instance_dir, redis_server):
    pool = Workers(database, instance_dir, redis_server.url)
    yield pool
    pool.stop()


@pytest.fixture(scope="module")
def shared_queue(workers):
    """A queue with one long-lived worker for the module's tests (a worker takes seconds to start)."""
    queue = f"test-shared-{uuid.uuid4().hex[:8]}"
    workers.start(queue)
    return queue


@pytest.fixture
def on_worker(queue_app, shared_queue, monkeypatch):
    """The test app enqueueing to the shared worker's queue."""
    monkeypatch.setitem(queue_app.config, "JOBS_QUEUE", shared_queue)
    return queue_app

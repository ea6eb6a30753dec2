"""Fixtures for job tests: the demo tenants, and real rq workers on a real Redis running the real app."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import tests.support.jobkinds  # noqa: F401 - the test job kinds, known here as in the workers
from tests.support.demo import palopo  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]


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

    def start(self, queue: str, *, burst: bool = False, **env) -> subprocess.Popen:
        command = [sys.executable, "-m", "tests.support.rq_worker", "worker", "--url", self.redis_url]
        command += ["--worker-class", "app.jobs.worker.Worker", "--logging_level", "WARNING"]
        command += ["--burst"] if burst else []
        process = subprocess.Popen([*command, queue], env={**self.env, "JOBS_QUEUE": queue, **env}, cwd=ROOT)
        self.processes.append(process)
        return process

    def start_cron(self, queue: str) -> subprocess.Popen:
        """rq's own ``rq cron`` with the Procfile's configuration module, enqueueing to ``queue``."""
        command = [sys.executable, "-m", "tests.support.rq_worker", "cron", "--url", self.redis_url]
        command += ["--logging-level", "WARNING", "app.jobs.cron"]
        process = subprocess.Popen(command, env={**self.env, "JOBS_QUEUE": queue}, cwd=ROOT)
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


@pytest.fixture(autouse=True)
def _english_pages(app, monkeypatch):
    """These tests read the job pages' English wording; the language switch is tested in tests/core."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")

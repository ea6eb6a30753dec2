"""Fault injection with the real components: a Redis of the test's own that is stopped, hung (SIGSTOP) and
brought back on the same port; the suite's PostgreSQL stopped and restarted; rq workers killed with
SIGKILL (the workers of tests/jobs/conftest.py)."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

import pytest

import tests.support.jobkinds  # noqa: F401 - the test job kinds, known here as in the workers
from tests.jobs.conftest import Workers, on_worker, queue_app, shared_queue, workers  # noqa: F401 - fixtures
from tests.support.demo import palopo  # noqa: F401 - fixture
from tests.support.services import _pg_bin, free_port


class OwnRedis:
    """A Redis server this test may stop, hang and bring back (the session's Redis is shared)."""

    def __init__(self):
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="kc-redis-fault-", dir="/tmp")
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", self.folder]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            ping = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True)
            if ping.stdout.strip() == b"PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("Redis did not start")

    def stop(self) -> None:
        """Stopped as by a crash: everything it held is lost."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def hang(self) -> None:
        """Still accepting connections, answering nothing."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def own_redis():
    server = OwnRedis()
    yield server
    server.close()


@pytest.fixture
def on_own_redis(app, own_redis, monkeypatch):
    """The test app queueing its jobs on the test's own Redis (no worker yet)."""
    monkeypatch.setitem(app.config, "REDIS_URL", own_redis.url)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"fault-{uuid.uuid4().hex[:8]}")
    app.extensions.pop("kc_redis", None)
    yield app
    app.extensions.pop("kc_redis", None)


@pytest.fixture
def fault_workers(database, instance_dir, own_redis):
    """rq workers (rq's own command, the Procfile's worker class) on the test's own Redis."""
    pool = Workers(database, instance_dir, own_redis.url)
    yield pool
    pool.stop()


class Database:
    """The suite's PostgreSQL, stopped and started as an operator (or a crash) would."""

    def __init__(self, server):
        self.server = server

    def _ctl(self, *args: str) -> None:
        self.server._run(os.path.join(_pg_bin(), "pg_ctl"), "-D", self.server.data_dir, "-w", *args)

    # "fast": every connection is cut, as in a crash, but the WAL the suite's synchronous_commit=off
    # still holds is written first (an immediate stop would lose the test's last commits).
    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def start(self) -> None:
        # "restart" of a stopped server starts it with the options it last ran with (postmaster.opts).
        self._ctl("-l", os.path.join(os.path.dirname(self.server.data_dir), "log"), "restart")

    def restart(self) -> None:
        self._ctl("-m", "fast", "restart")


@pytest.fixture
def database_server(pg, owner_engine):
    """The suite's PostgreSQL for this test to restart; running again, with fresh connections, afterwards."""
    server = Database(pg)
    yield server
    if subprocess.run(
        [os.path.join(_pg_bin(), "pg_isready"), "-h", "127.0.0.1", "-p", str(pg.port)], capture_output=True
    ).returncode:
        server.start()
    owner_engine.dispose()


@pytest.fixture(autouse=True)
def _english_pages(app, monkeypatch):
    """These tests read the pages' English wording; the language switch is tested in tests/core."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")

"""/metrics under the Procfile's own web command: gunicorn with two workers and PROMETHEUS_MULTIPROC_DIR.
A scrape, answered by either worker, sums the requests both workers served."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.services import free_port

pytestmark = pytest.mark.processes
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-secret-for-gunicorn"


def _web_command() -> str:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    return line.removeprefix("web:").strip()


def _get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture
def gunicorn(app):
    folder = Path(tempfile.mkdtemp(prefix="kc-prom-", dir="/tmp"))
    (folder / "counter_1.db").write_bytes(b"left by an earlier start")  # the web command empties it
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "METRICS_TOKEN": TOKEN,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "a-long-random-secret-for-this-test",
        "KC_INSTANCE_DIR": app.config["INSTANCE_DIR"],
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(["sh", "-c", _web_command()], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if _get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("gunicorn did not start")
    yield base, folder
    process.terminate()
    process.wait(timeout=30)


def _healthz_served(base: str) -> float:
    status, body = _get(f"{base}/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "kotacerdas_http_requests_total" and sample.labels.get("route") == "/healthz"
    )


def _one_request_on_each_worker(base: str) -> None:
    """A sync worker serves one connection at a time: while one waits for the rest of a request, the
    other worker has to take the next one."""
    port = int(base.rsplit(":", 1)[1])
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    with (
        socket.create_connection(("127.0.0.1", port)) as slow,
        socket.create_connection(("127.0.0.1", port)) as fast,
    ):
        slow.sendall(head)  # not finished: the worker that took it waits
        time.sleep(0.5)
        fast.sendall(head + b"Connection: close\r\n\r\n")
        assert fast.recv(100).startswith(b"HTTP/1.1 200")
        slow.sendall(b"Connection: close\r\n\r\n")
        assert slow.recv(100).startswith(b"HTTP/1.1 200")


def test_a_scrape_sums_the_requests_of_every_gunicorn_worker(gunicorn):
    base, folder = gunicorn
    before = _healthz_served(base)
    _one_request_on_each_worker(base)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: _get(f"{base}/healthz")[0], range(78)))
    assert statuses == [200] * 78
    # Whichever worker answers the scrape, it counts what both served.
    assert [_healthz_served(base) - before for _ in range(4)] == [80.0] * 4
    workers = {path.stem.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}
    assert len(workers) == 2 and "1" not in workers  # both workers counted; the earlier file is gone

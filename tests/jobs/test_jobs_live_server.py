"""Inline jobs started over real HTTP: the job runs even when the client drops the connection as soon as
it has asked (a reset makes Werkzeug's server skip closing the response, which normally starts it)."""

import json
import socket
import struct
from urllib.parse import urlparse

from sqlalchemy import select

from app.extensions import db
from app.jobs.models import JobRun
from tests.support.waiting import wait_for


def _ask_and_reset(base: str, path: str, headers: dict, body: dict) -> None:
    address = urlparse(base)
    payload = json.dumps(body).encode()
    head = [f"POST {path} HTTP/1.1", f"Host: {address.netloc}", "Content-Type: application/json"]
    head += [f"{k}: {v}" for k, v in headers.items()] + [f"Content-Length: {len(payload)}", "", ""]
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall("\r\n".join(head).encode() + payload)
        sock.recv(1)  # the answer has begun: the run is committed
        sock.sendall(b"more")  # unread bytes the server will try to drain ...
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # ... then a reset


def _runs(palopo) -> list[tuple[str, int]]:
    with palopo.inside():
        return [
            (r.status, r.attempts)
            for r in db.session.scalars(select(JobRun).where(JobRun.kind == "members_export"))
        ]


def test_a_job_asked_for_by_a_client_that_resets_the_connection_still_runs(palopo, live_server):
    before = len(_runs(palopo))
    for _ in range(3):
        _ask_and_reset(live_server, "/api/v1/t/kota-palopo/jobs", palopo.token(), {"kind": "members_export"})
    wait_for(
        lambda: (
            (runs := _runs(palopo)[before:]) and len(runs) == 3 and all(r == ("succeeded", 1) for r in runs)
        ),
        timeout=30,
        what="the three exports to succeed",
    )

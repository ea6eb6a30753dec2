"""A web process killed in the middle of an upload (its file placed on disk, its row not committed)
leaves a file no row records: it is never served, and the nightly clean-up removes it."""

import os
import signal
import subprocess
import sys
import threading
import uuid
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import requests

from app.core.db import utcnow
from app.core.tenancy import tenant_context
from app.extensions import db
from app.files import services as files
from app.jobs import housekeeping
from tests.support.services import free_port
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _web_process(database, instance_dir, port, marker) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database["app"],
        "KC_INSTANCE_DIR": instance_dir,
        "SECRET_KEY": "test-secret",
    }
    command = [sys.executable, "-m", "tests.reliability.serve_until_placed", str(port), str(marker)]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/healthz"

    def up():
        try:
            return requests.get(url, timeout=1).ok
        except requests.ConnectionError:
            return False

    wait_for(up, timeout=60, what="the web process")
    return process


def test_a_file_left_by_an_upload_killed_mid_way_is_never_served_and_is_removed(
    app, palopo, database, instance_dir, tmp_path, client
):
    headers = palopo.token()
    port, marker = free_port(), tmp_path / "placed"
    web = _web_process(database, instance_dir, port, marker)
    upload = threading.Thread(
        target=lambda: _post_ignoring_the_cut(f"http://127.0.0.1:{port}/api/v1/t/kota-palopo/files", headers),
        daemon=True,
    )
    upload.start()
    key = wait_for(lambda: marker.exists() and marker.read_text(), what="the upload's file on disk")
    os.kill(web.pid, signal.SIGKILL)
    web.wait(timeout=10)
    upload.join(timeout=10)

    with app.app_context():
        left = files.storage().path(key)
    assert left.is_file()  # on disk, with no row: what D7 found
    file_id = uuid.UUID(left.name)
    assert client.get(f"/api/v1/t/kota-palopo/files/{file_id}/content", headers=headers).status_code == 404

    with palopo.inside():
        # An upload under way is left alone: the file is younger than the grace.
        assert files.remove_orphans(housekeeping.ORPHAN_FILES_GRACE, actor=palopo.actor) == []
        later = utcnow() + timedelta(hours=2)
        assert files.remove_orphans(housekeeping.ORPHAN_FILES_GRACE, actor=palopo.actor, now=later) == [key]
        db.session.commit()
    assert not left.exists()
    # The demo's own files, which have rows, are untouched.
    with palopo.inside():
        kept = [files.content_path(f) for f in db.session.scalars(files.files_query(actor=palopo.actor))]
    assert kept and all(path.is_file() for path in kept)


def _post_ignoring_the_cut(url, headers) -> None:
    with suppress(requests.RequestException):  # the process answering it is killed
        requests.post(
            url, headers=headers, data={"purpose": "evidence"}, files={"file": ("b.pdf", PDF)}, timeout=30
        )


def test_the_nightly_clean_up_runs_in_every_tenant(app, palopo, monkeypatch):
    """The scheduled job fans out one part per tenant, each removing its own leftovers only."""
    from app.jobs.schedules import fire

    with palopo.inside():
        folder = files.storage().root / str(palopo.tenant_id) / "2020-01"
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / str(uuid.uuid4())
    orphan.write_bytes(PDF)
    os.utime(orphan, (0, 0))  # long ago
    fire("files_sweep", app=app)
    assert not orphan.exists()
    with app.app_context(), tenant_context(palopo.tenant_id):
        from sqlalchemy import select

        from app.audit.models import AuditEntry

        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "files.orphans_removed" in actions

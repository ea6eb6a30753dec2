"""The restore drill of docs/OPERATIONS.md on the real PostgreSQL: dump the deployment, restore it into a
new database, and the app on the restored database serves the same data, tenants still isolated by
row-level security."""

import os
import subprocess

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from tests.support.services import _pg_bin

pytestmark = pytest.mark.postgres


def _pg(tool: str, *args: str) -> None:
    subprocess.run([os.path.join(_pg_bin(), tool), *args], check=True, capture_output=True, text=True)


def _restored_app(app, url: str):
    restored = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url, "DATABASE_OWNER_URL": url})
    restored.test_client_class = app.test_client_class
    return restored


def test_a_dump_restored_into_a_new_database_serves_the_same_data(app, pg, palopo, tmp_path):
    headers = palopo.token()
    reads = ["/api/v1/t/kota-palopo/opds", "/api/v1/t/kota-palopo/members", "/api/v1/t/kota-palopo/jobs"]
    before = {path: app.test_client().get(path, headers=headers) for path in reads}
    assert all(r.status_code == 200 for r in before.values())

    dump, server = tmp_path / "kotacerdas.dump", ["-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres"]
    # Row-level security is forced on the owner too: the dump is taken by a role that bypasses it.
    _pg("pg_dump", *server, "--format=custom", "--no-owner", f"--file={dump}", "kotacerdas")
    _pg("createdb", *server, "--owner=kc_owner", "kotacerdas_restored")
    try:
        _pg("pg_restore", *server, "--no-owner", "--role=kc_owner", "--dbname=kotacerdas_restored", str(dump))
        url = pg.app_url.rsplit("/", 1)[0] + "/kotacerdas_restored"
        restored = _restored_app(app, url)
        client = restored.test_client()
        after = {path: client.get(path, headers=headers) for path in reads}
        for path in reads:
            assert after[path].status_code == 200, path
            assert after[path].json == before[path].json, path
        assert len(after["/api/v1/t/kota-palopo/opds"].json) > 0

        # The app's role still sees no tenant's rows without its tenant: the policies came along.
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM opds")).scalar() == 0
        engine.dispose()
        with restored.app_context():
            from app.extensions import db

            db.engine.dispose()
    finally:
        _pg("dropdb", *server, "--force", "kotacerdas_restored")

"""A city's data leaves with it: `flask tenants export` writes one ZIP of everything a tenant holds, and
`flask tenants import` restores it into another deployment (the same manifest when exported again), or
replaces that tenant here and no other. Damaged, foreign and oversized archives are refused with the
reason and change nothing. The operator and a tenant administrator export from the pages, as a job."""

import hashlib
import json
import re
import shutil
import tempfile
import uuid
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app import create_app
from app.accounts import services as accounts
from app.audit.models import AuditEntry, PlatformAuditEntry
from app.core.auth import SYSTEM
from app.extensions import db
from app.portability.archive import tenant_tables
from app.tenants import services as tenants
from tests.conftest import BACKEND, form_post, login
from tests.support.demo import demo_tenant

SLUGS = ("kota-palopo", "kota-balikpapan", "kab-penajam-paser-utara")


def _cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["tenants", *args])


def _export(app, slug: str, target: Path) -> dict:
    result = _cli(app, "export", slug, str(target))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        return json.loads(archive.read("manifest.json"))


def _tables(manifest: dict) -> dict:
    return {entry["table"]: (entry["rows"], entry["sha256"]) for entry in manifest["tables"]}


def _rewritten(source: Path, target: Path, change) -> Path:
    """A copy of the archive with ``change(name, data)`` applied to each entry's bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info.filename)))
    return target


def _resealed(source: Path, target: Path, change) -> Path:
    """A copy with ``change`` applied to every table and list, and the manifest's checksums made to match:
    an archive that is whole, only saying something else."""
    with zipfile.ZipFile(source) as old:
        entries = {info.filename: old.read(info.filename) for info in old.infolist()}
    manifest = json.loads(entries["manifest.json"])
    for entry in manifest["tables"] + manifest["platform"]:
        entries[entry["file"]] = change(entries[entry["file"]])
        entry["sha256"] = hashlib.sha256(entries[entry["file"]]).hexdigest()
    entries["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in entries.items():
            new.writestr(name, data)
    return target


@pytest.fixture
def second(app, database):
    """An empty second deployment: its own database, migrated, with the carried reference data, and a
    files folder of its own."""
    from flask_migrate import upgrade

    from app.reference import services as reference

    folder = Path(tempfile.mkdtemp(prefix="kc-second-"))
    if BACKEND == "postgres":
        superuser = create_engine(database["superuser"], isolation_level="AUTOCOMMIT")
        with superuser.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS kotacerdas_second WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE kotacerdas_second OWNER kc_owner"))
        urls = {key: database[key].rsplit("/", 1)[0] + "/kotacerdas_second" for key in ("app", "owner")}
    else:
        urls = {"app": f"sqlite:///{folder}/second.db", "owner": f"sqlite:///{folder}/second.db"}
    config = {
        **app.config,
        "SQLALCHEMY_DATABASE_URI": urls["app"],
        "DATABASE_OWNER_URL": urls["owner"],
        "INSTANCE_DIR": str(folder),
        "STORAGE_DIR": str(folder / "files"),
    }
    other = create_app(config)
    with other.app_context():
        upgrade()
        reference.load_carried_data(actor=SYSTEM)
        db.session.commit()
    yield other, urls
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    if BACKEND == "postgres":
        with superuser.connect() as conn:
            conn.execute(text("DROP DATABASE kotacerdas_second WITH (FORCE)"))
        superuser.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def test_a_tenant_exported_imported_elsewhere_and_exported_again_gives_the_same_manifest(
    app, palopo, second, tmp_path
):
    other, urls = second
    first = _export(app, "kota-palopo", tmp_path / "palopo.zip")

    # Every tenant table is in it, the audit log and the files included; people without password hashes.
    with app.app_context():
        assert [t["table"] for t in first["tables"]] == [t.name for t in tenant_tables()]
    counts = {name: rows for name, (rows, _sha) in _tables(first).items()}
    for table in ("opds", "memberships", "audit_entries", "stored_files", "masterplans", "progress_reports"):
        assert counts[table] > 0, table
    assert first["files"]["count"] > 0 and first["files"]["missing"] == []
    assert first["tenant"]["slug"] == "kota-palopo" and first["format_version"] == 1
    with zipfile.ZipFile(tmp_path / "palopo.zip") as archive:
        people = [json.loads(line) for line in archive.read("platform/users.jsonl").splitlines()]
        assert {"email": "admin@kota-palopo.demo", "name": "Admin Kota Palopo"} in people
        assert all(set(person) == {"email", "name"} for person in people)
        assert b"argon2" not in archive.read("tables/memberships.jsonl")
        assert any(name.startswith("platform/frameworks") for name in archive.namelist())

    result = _cli(other, "import", str(tmp_path / "palopo.zip"))
    assert result.exit_code == 0, result.output
    again = _export(other, "kota-palopo", tmp_path / "again.zip")

    assert _tables(again) == _tables(first)
    assert again["tenant"] == first["tenant"]
    assert again["files"] == first["files"]
    with other.app_context():
        admin = accounts.find_user_by_email("admin@kota-palopo.demo")
        assert admin is not None and admin.password_hash is None  # signs in by SSO or a reset
        stored = Path(other.config["STORAGE_DIR"]) / str(first["tenant"]["id"])
        assert sum(1 for p in stored.rglob("*") if p.is_file()) == first["files"]["count"]

    if BACKEND == "postgres":
        # Row-level security holds for the imported rows: the app's role with another tenant set sees none.
        engine = create_engine(urls["app"])
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(uuid.uuid4())})
            assert conn.execute(text("SELECT count(*) FROM opds")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM audit_entries")).scalar() == 0
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": first["tenant"]["id"]})
            assert conn.execute(text("SELECT count(*) FROM opds")).scalar() == counts["opds"]
        engine.dispose()


def _add_opd(app, slug: str, code: str) -> None:
    tenant = demo_tenant(app, slug)
    with tenant.inside():
        tenants.create_opd({"code": code, "name": f"Dinas {code}", "acronym": code}, actor=tenant.actor)
        db.session.commit()


def test_replacing_one_tenant_leaves_the_other_two_as_they_were(app, palopo, tmp_path):
    before = {slug: _export(app, slug, tmp_path / f"{slug}.zip") for slug in SLUGS}
    _add_opd(app, "kota-palopo", "DISHUB")  # a change the replacement takes back

    result = _cli(app, "import", "--replace", str(tmp_path / "kota-palopo.zip"))
    assert result.exit_code == 0, result.output

    after = {slug: _export(app, slug, tmp_path / f"after-{slug}.zip") for slug in SLUGS}
    for slug in SLUGS:
        assert _tables(after[slug]) == _tables(before[slug]), slug
        assert after[slug]["files"] == before[slug]["files"], slug
    with app.app_context():
        imported = db.session.scalars(
            select(PlatformAuditEntry).where(PlatformAuditEntry.action == "tenant.imported")
        ).all()
        assert [entry.details["replace"] for entry in imported] == [True]


def test_replacing_is_refused_when_another_tenant_holds_the_address(app, palopo, tmp_path):
    first = _export(app, "kota-palopo", tmp_path / "palopo.zip")
    renamed = _rewritten(
        tmp_path / "palopo.zip",
        tmp_path / "renamed.zip",
        lambda name, data: data.replace(b'"slug": "kota-palopo"', b'"slug": "kota-balikpapan"'),
    )
    result = _cli(app, "import", "--replace", str(renamed))
    assert result.exit_code != 0
    assert "The tenant kota-balikpapan here is another tenant than the one in the archive" in result.output
    assert _tables(_export(app, "kota-palopo", tmp_path / "after.zip")) == _tables(first)


def test_an_existing_tenant_is_refused_with_a_clear_message(app, palopo, tmp_path):
    first = _export(app, "kota-palopo", tmp_path / "palopo.zip")
    result = _cli(app, "import", str(tmp_path / "palopo.zip"))
    assert result.exit_code != 0
    assert "already exists here" in result.output and "--replace" in result.output
    assert _tables(_export(app, "kota-palopo", tmp_path / "after.zip")) == _tables(first)


@pytest.mark.parametrize(
    "change, reason",
    [
        (
            lambda name, data: data.replace(b"Dinas", b"Badan", 1) if name == "tables/opds.jsonl" else data,
            "Its table opds does not match the checksum of the manifest",
        ),
        (
            lambda name, data: data.replace(b'"format_version": 1', b'"format_version": 99'),
            "format version 99; this release reads version 1",
        ),
    ],
    ids=["wrong checksum", "unknown format version"],
)
def test_a_damaged_or_foreign_archive_is_refused_and_nothing_is_written(
    app, palopo, tmp_path, change, reason
):
    first = _export(app, "kota-palopo", tmp_path / "palopo.zip")
    _add_opd(app, "kota-palopo", "DISHUB")
    changed = _export(app, "kota-palopo", tmp_path / "changed.zip")
    bad = _rewritten(tmp_path / "palopo.zip", tmp_path / "bad.zip", change)

    result = _cli(app, "import", "--replace", str(bad))
    assert result.exit_code != 0
    assert reason in result.output
    # The tenant is as it was before the attempt (DISHUB kept), not as the archive would have it.
    assert _tables(_export(app, "kota-palopo", tmp_path / "after.zip")) == _tables(changed) != _tables(first)


def test_reference_data_missing_here_is_named_and_nothing_is_written(app, palopo, tmp_path):
    first = _export(app, "kota-palopo", tmp_path / "palopo.zip")
    _add_opd(app, "kota-palopo", "DISHUB")
    changed = _export(app, "kota-palopo", tmp_path / "changed.zip")
    # The same tenant, on a version of its framework this deployment never had.
    later = _resealed(
        tmp_path / "palopo.zip",
        tmp_path / "later.zip",
        lambda data: data.replace(
            b'"code":"KOMINFO-SC-2021","version":1', b'"code":"KOMINFO-SC-2021","version":7'
        ),
    )
    result = _cli(app, "import", "--replace", str(later))
    assert result.exit_code != 0
    assert (
        "lacks reference data the tenant uses: frameworks code KOMINFO-SC-2021, version 7." in result.output
    )
    assert _tables(_export(app, "kota-palopo", tmp_path / "after.zip")) == _tables(changed) != _tables(first)


def test_a_stored_file_aimed_at_another_tenants_folder_is_refused(app, palopo, tmp_path):
    first = _export(app, "kota-palopo", tmp_path / "palopo.zip")
    other = demo_tenant(app, "kota-balikpapan").tenant_id
    own = f'"storage_key":"{palopo.tenant_id}/'.encode()
    aimed = _resealed(
        tmp_path / "palopo.zip",
        tmp_path / "aimed.zip",
        lambda data: data.replace(own, own + f"../{other}/".encode()),
    )
    result = _cli(app, "import", "--replace", str(aimed))
    assert result.exit_code != 0
    assert "A stored file of the archive lies outside its tenant's folder." in result.output
    assert _tables(_export(app, "kota-palopo", tmp_path / "after.zip")) == _tables(first)


def test_an_archive_past_the_zip_limits_is_refused(app, palopo, tmp_path):
    _export(app, "kota-palopo", tmp_path / "palopo.zip")
    bomb = _rewritten(
        tmp_path / "palopo.zip",
        tmp_path / "bomb.zip",
        lambda name, data: data + b" " * 5_000_000 if name == "tables/opds.jsonl" else data,
    )
    result = _cli(app, "import", "--replace", str(bomb))
    assert result.exit_code != 0
    assert "unpacks to" in result.output and "times its packed size" in result.output


DOWNLOAD = re.compile(r'href="(/admin/tenants/[0-9a-f-]+/export/[0-9a-f-]+/download)"')


def test_the_operator_exports_a_tenant_from_its_admin_page_and_downloads_the_zip(app, palopo, client):
    login(client, "admin@kotacerdas.local")
    tenant_page = client.get(f"/admin/tenants/{palopo.tenant_id}").get_data(as_text=True)
    url = f"/admin/tenants/{palopo.tenant_id}/export"
    assert f'href="{url}"' in tenant_page
    assert "No export of this tenant yet." in client.get(url).get_data(as_text=True)

    response = form_post(client, url)
    assert response.status_code == 303
    response.close()  # the job runs once the response is out
    page = client.get(url).get_data(as_text=True)
    assert 'aria-valuenow="100"' in page
    link = DOWNLOAD.search(page).group(1)
    download = client.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment; filename=kota-palopo-")
    with zipfile.ZipFile(BytesIO(download.data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["tenant"]["slug"] == "kota-palopo"
    # The demo's members export is in it; the export's own run, still running as it wrote, is not.
    assert _tables(manifest)["job_runs"][0] == 1

    with palopo.inside():
        actions = {e.action: e for e in db.session.scalars(select(AuditEntry))}
        assert actions["tenant.export_started"].user_id is not None  # the operator, in the tenant's log
        assert actions["tenant.exported"].details["slug"] == "kota-palopo"
    # The tenant's own administrator has no operator page (nor its downloads).
    login(client, "admin@kota-palopo.demo")
    assert client.get(url).status_code == 404
    assert client.get(link).status_code == 404


def test_a_tenant_administrator_exports_their_own_tenant_as_a_job(app, palopo, client):
    login(client, "admin@kota-palopo.demo")
    page = client.get("/t/kota-palopo/export").get_data(as_text=True)
    assert "What the ZIP holds" in page
    response = form_post(client, "/t/kota-palopo/export")
    assert response.status_code == 303 and "/t/kota-palopo/jobs/" in response.headers["Location"]
    response.close()
    job = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "rows of" in job and "tables and" in job
    link = re.search(r'href="(/t/kota-palopo/files/[0-9a-f-]+)"', job).group(1)
    with zipfile.ZipFile(BytesIO(client.get(link).data)) as archive:
        assert json.loads(archive.read("manifest.json"))["tenant"]["slug"] == "kota-palopo"

    login(client, "opd@kota-palopo.demo")
    assert client.get("/t/kota-palopo/export").status_code == 403


def test_in_a_browser_the_operator_watches_the_export_end_and_downloads_it(
    app, palopo, live_server, page, monkeypatch
):
    import time

    import app.portability.jobs as export_jobs
    from app.demo import DEMO_PASSWORD

    report = export_jobs.report_progress

    def paced(percent, message=None):
        report(percent, message)
        time.sleep(0.1)  # about five seconds in all, so the page is seen following the run

    monkeypatch.setattr(export_jobs, "report_progress", paced)

    page.goto(f"{live_server}/login")
    page.fill("#email", "admin@kotacerdas.local")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_load_state()
    page.goto(f"{live_server}/admin/tenants/{palopo.tenant_id}")
    page.click("#tenant-export")
    page.click("#start-export")
    page.evaluate("window.kcSamePage = true")
    assert page.locator("#export-runs .badge").first.inner_text() in ("Waiting", "Running")
    # The list updates by itself (htmx) until the ZIP is ready: the page is never reloaded.
    link = page.locator("#export-runs a.btn-success")
    link.wait_for(timeout=30_000)
    assert page.evaluate("window.kcSamePage") is True
    with page.expect_download() as waiting:
        link.click()
    with zipfile.ZipFile(waiting.value.path()) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["tenant"]["slug"] == "kota-palopo"
    assert page.locator("#export-runs .progress-bar").first.get_attribute("class").count("bg-success") == 1

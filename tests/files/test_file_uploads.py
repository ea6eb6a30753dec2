"""Uploads: checked by content, limited in size, stored per tenant with their SHA-256, read only by those
who may see the owning object."""

import hashlib
import uuid
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.accounts import services as accounts
from app.core.auth import SYSTEM
from app.core.files import sniff, storage
from app.extensions import db
from app.files import services as files
from app.files.models import StoredFile
from app.tenants import services as tenants
from tests.conftest import login

BASE = "/api/v1/t/kota-palopo/files"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _xlsx() -> bytes:
    buffer = BytesIO()
    workbook = Workbook()
    workbook.active.append(["kode", "nama"])
    workbook.save(buffer)
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _upload(client, headers, content: bytes, name: str, purpose: str = "evidence", **extra):
    data = {"purpose": purpose, "file": (BytesIO(content), name), **extra}
    return client.post(BASE, data=data, headers=headers, content_type="multipart/form-data")


def _stored_uploads(palopo) -> set[uuid.UUID]:
    """The tenant's uploaded files (not job results), to compare before and after a refused upload."""
    with palopo.inside():
        return set(db.session.scalars(select(StoredFile.id).where(StoredFile.purpose != "result")))


@pytest.fixture
def member(palopo):
    """A second OPD operator of Kota Palopo, who did not upload anything."""
    with palopo.inside():
        user = accounts.create_user("opd2@kota-palopo.demo", "Operator Dua", "a-long-password")
        opd = tenants.list_opds(actor=SYSTEM)[0]
        tenants.add_member(user.id, "opd_operator", [opd.id], actor=palopo.actor)
        db.session.commit()
        return user.id


def test_an_upload_is_kept_under_its_tenant_with_its_sha256(palopo, client):
    response = _upload(client, palopo.token(), PDF, "Bukti Rakor 2024.pdf")
    assert response.status_code == 201
    stored = response.get_json()
    assert stored["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (stored["kind"], stored["content_type"], stored["size"]) == ("pdf", "application/pdf", len(PDF))
    assert stored["filename"] == "Bukti Rakor 2024.pdf"
    with palopo.inside():
        row = db.session.scalar(select(StoredFile).where(StoredFile.id == uuid.UUID(stored["id"])))
        path = files.content_path(row)
        root = storage().root
    assert path.relative_to(root).parts[0] == str(palopo.tenant_id)
    assert path.read_bytes() == PDF

    download = client.get(f"{BASE}/{stored['id']}/content", headers=palopo.token())
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"MZ\x90\x00\x03 this is a program", "bukti.pdf", "not one of the accepted kinds"),
        (_xlsx(), "bukti.pdf", "name says otherwise"),
        (b"", "kosong.pdf", "empty"),
        (b"kode,nama\nDLH,Dinas\n", "data.csv", "not one of the accepted kinds"),  # not evidence
    ],
)
def test_the_content_decides_not_the_name(palopo, client, content, name, message):
    before = _stored_uploads(palopo)
    response = _upload(client, palopo.token(), content, name)
    assert response.status_code == 422
    assert message in response.get_json()["errors"]["file"][0]
    assert _stored_uploads(palopo) == before  # nothing kept (the demo's own files aside)
    with palopo.inside():
        assert not any(p.name.endswith(".part") for p in storage().root.rglob("*"))


def test_imports_take_spreadsheets_and_utf8_csv_only(palopo, client):
    auth = palopo.token()
    assert _upload(client, auth, _xlsx(), "rencana aksi.xlsx", "import").status_code == 201
    assert _upload(client, auth, b"kode,nama\nDLH,Lingkungan Hidup\n", "opd.csv", "import").status_code == 201
    assert _upload(client, auth, b"kode\x00nama\n", "opd.csv", "import").status_code == 422
    assert _upload(client, auth, "kode;nama\n".encode("utf-16"), "opd.csv", "import").status_code == 422
    assert _upload(client, auth, _docx(), "laporan.docx", "import").status_code == 422
    assert _upload(client, auth, _docx(), "laporan.docx", "evidence").status_code == 201


def test_too_large_answers_413(palopo, client, app, monkeypatch):
    auth = palopo.token()
    before = _stored_uploads(palopo)
    too_big = b"kode,nama\n" + b"x" * (10 * 1024 * 1024)  # past the import limit (10 MB)
    response = _upload(client, auth, too_big, "besar.csv", "import")
    assert response.status_code == 413 and response.get_json()["code"] == "payload_too_large"
    # Past the request limit the request is refused before it is read.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = _upload(client, auth, PDF + b"0" * 2000, "bukti.pdf")
    assert response.status_code == 413 and response.get_json()["code"] == "payload_too_large"
    assert _stored_uploads(palopo) == before


def test_bad_requests_name_the_field(palopo, client):
    auth = palopo.token()
    cases = [
        ({"purpose": "selfie", "file": (BytesIO(PDF), "a.pdf")}, "purpose"),
        ({"purpose": "evidence"}, "file"),
        (
            {"purpose": "evidence", "file": (BytesIO(PDF), "a.pdf"), "tenant_id": str(palopo.tenant_id)},
            "tenant_id",
        ),
    ]
    for data, field in cases:
        response = client.post(BASE, data=data, headers=auth, content_type="multipart/form-data")
        assert response.status_code == 422 and field in response.get_json()["errors"], field


def test_files_are_read_only_by_the_uploader_the_tenant_admin_and_the_owners_readers(palopo, member, client):
    operator = palopo.token(palopo.operator_id)
    other = palopo.token(member)
    admin = palopo.token()
    stored = _upload(client, operator, PDF, "bukti.pdf").get_json()
    item = f"{BASE}/{stored['id']}"
    assert client.get(item, headers=operator).status_code == 200
    assert client.get(item, headers=admin).status_code == 200
    assert client.get(f"{item}/content", headers=other).status_code == 404
    assert client.get(item, headers=other).status_code == 404
    assert [f["id"] for f in client.get(BASE, headers=other).get_json()] == []
    assert stored["id"] in [f["id"] for f in client.get(BASE, headers=admin).get_json()]
    # A job's result follows the job: the operator did not ask for the demo's export.
    results = [f for f in client.get(BASE, headers=admin).get_json() if f["owner_type"] == "job_run"]
    assert client.get(f"{BASE}/{results[0]['id']}/content", headers=operator).status_code == 404
    assert client.get(f"{BASE}/{results[0]['id']}/content", headers=admin).status_code == 200
    # A viewer may read what they are shown but not upload.
    with palopo.inside():
        tenants.update_member(tenants.membership_of(member).id, role="viewer", actor=palopo.actor)
        db.session.commit()
    assert _upload(client, other, PDF, "x.pdf").status_code == 403


def test_the_page_download_checks_access_like_the_api(palopo, member, client, app):
    stored = _upload(client, palopo.token(palopo.operator_id), PDF, "bukti.pdf").get_json()
    login(client, "opd@kota-palopo.demo")
    assert client.get(f"/t/kota-palopo/files/{stored['id']}").data == PDF
    someone = app.test_client()
    login(someone, "opd2@kota-palopo.demo", "a-long-password")
    assert someone.get(f"/t/kota-palopo/files/{stored['id']}").status_code == 404


def test_removing_an_upload_needs_its_etag_and_frees_the_disk(palopo, client):
    auth = palopo.token()
    stored = _upload(client, auth, PDF, "bukti.pdf").get_json()
    item = f"{BASE}/{stored['id']}"
    with palopo.inside():
        path = files.content_path(db.session.get(StoredFile, (palopo.tenant_id, uuid.UUID(stored["id"]))))
    assert client.delete(item, headers={**auth, "If-Match": '"stale"'}).status_code == 412
    etag = client.get(item, headers=auth).headers["ETag"]
    assert client.delete(item, headers={**auth, "If-Match": etag}).status_code == 204
    assert client.get(item, headers=auth).status_code == 404
    assert not path.exists()

    result = next(f for f in client.get(BASE, headers=auth).get_json() if f["owner_type"] == "job_run")
    etag = client.get(f"{BASE}/{result['id']}", headers=auth).headers["ETag"]
    assert client.delete(f"{BASE}/{result['id']}", headers={**auth, "If-Match": etag}).status_code == 409


def test_a_rolled_back_upload_leaves_no_file_on_disk(palopo):
    with palopo.inside():
        stored = files.store_upload(BytesIO(PDF), "bukti.pdf", purpose="evidence", actor=palopo.actor)
        path = files.content_path(stored)
        assert path.exists()
        db.session.rollback()
    assert not path.exists()


def test_the_storage_folder_is_configurable(palopo, client, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "berkas"))
    stored = _upload(client, palopo.token(), PDF, "bukti.pdf").get_json()
    kept = list((tmp_path / "berkas" / str(palopo.tenant_id)).rglob(stored["id"]))
    assert len(kept) == 1 and kept[0].read_bytes() == PDF


@pytest.mark.parametrize(
    "content, name, kind",
    [
        (PDF, "a.pdf", "pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "foto.png", "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "foto.jpg", "jpeg"),
        (_xlsx(), "a.xlsx", "xlsx"),
        (_docx(), "a.docx", "docx"),
        (b"kode,nama\nDLH,Dinas Lingkungan Hidup\n", "a.csv", "csv"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", None),
        (b"kode,nama\n", "a.txt", None),
    ],
)
def test_sniffing_reads_the_first_bytes(tmp_path, content, name, kind):
    path = Path(tmp_path) / "f"
    path.write_bytes(content)
    found = sniff(path, name)
    assert (found.name if found else None) == kind


def test_the_file_list_sends_the_same_queries_for_few_or_many_files(palopo, client):
    from tests.support.queries import count_queries

    auth = palopo.token()

    def measure():
        with count_queries(palopo.app) as statements:
            assert client.get(BASE, headers=auth).status_code == 200
        return len(statements)

    client.get(BASE, headers=auth)  # the token's first use is written once; the counts compare reads
    few = measure()
    for number in range(30):
        assert _upload(client, auth, PDF, f"bukti-{number}.pdf").status_code == 201
    assert measure() == few

"""Office files are ZIP archives that a small upload can make unpack into gigabytes. Before anything opens
one, its table of contents is checked: 413 when it unpacks to more than allowed, 422 for too many parts,
a part packed suspiciously tightly, or no valid archive. Nothing refused is stored, and the import job
checks a stored file again before it reads it."""

import re
import struct
import uuid
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.core.errors import ValidationFailed
from app.core.files import ArchiveLimits, check_archive, storage
from app.extensions import db
from app.files.models import StoredFile
from app.masterplan.models import Masterplan
from tests.conftest import csrf_token, login
from tests.factories import person

BASE = "/api/v1/t/kota-palopo/files"
MB = 1024 * 1024
SHARED_STRINGS = "xl/sharedStrings.xml"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _workbook() -> bytes:
    buffer = BytesIO()
    workbook = Workbook()
    workbook.active.append(["Kode", "Nama"])
    workbook.save(buffer)
    return buffer.getvalue()


def _with_shared_strings(xlsx: bytes, size: int, string: bytes = b"A" * 1000) -> bytes:
    """``xlsx`` whose sharedStrings part holds ``size`` bytes of ``string`` repeated (a real bomb: the
    workbook stays valid, and the part packs to about a thousandth of its size)."""
    header = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
    header += b'spreadsheetml/2006/main"><si><t>Kode</t></si><si><t>Nama</t></si>'
    item = b"<si><t>" + string + b"</t></si>"
    source, out = zipfile.ZipFile(BytesIO(xlsx)), BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "[Content_Types].xml" and SST_TYPE.encode() not in data:
                override = f'<Override PartName="/{SHARED_STRINGS}" ContentType="{SST_TYPE}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            if entry.filename == "xl/_rels/workbook.xml.rels" and SST_REL.encode() not in data:
                relation = f'<Relationship Id="rIdBomb" Type="{SST_REL}" Target="sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", relation.encode() + b"</Relationships>")
            if entry.filename != SHARED_STRINGS:
                target.writestr(entry.filename, data)
        with target.open(SHARED_STRINGS, "w") as part:
            part.write(header)
            block = item * (MB // len(item))
            for _ in range(size // len(block)):
                part.write(block)
            part.write(b"</sst>")
    return out.getvalue()


def _archive(entries: int) -> bytes:
    """A DOCX of ``entries`` small parts."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for number in range(entries - 2):
            archive.writestr(f"word/media/image{number}.xml", f"<part n='{number}'/>")
    return buffer.getvalue()


def _upload(client, headers, content: bytes, name: str, purpose: str = "import"):
    data = {"purpose": purpose, "file": (BytesIO(content), name)}
    return client.post(BASE, data=data, headers=headers, content_type="multipart/form-data")


def _files_on_disk(app) -> int:
    with app.app_context():
        root = storage().root
    return sum(1 for path in root.rglob("*") if path.is_file()) if root.exists() else 0


def _stored_uploads(palopo) -> int:
    with palopo.inside():
        return db.session.scalar(
            select(func.count()).select_from(StoredFile).where(StoredFile.purpose != "result")
        )


@pytest.fixture(scope="module")
def bomb_300mb() -> bytes:
    """The workbook the review found: a 300 MB sharedStrings part, which drove a worker to 605 MB."""
    return _with_shared_strings(_workbook(), 300 * MB)


def test_the_300_mb_shared_strings_bomb_is_refused_with_413_and_not_stored(palopo, client, app, bomb_300mb):
    assert len(bomb_300mb) < MB  # well within the import's 10 MB upload limit
    before, uploads = _files_on_disk(app), _stored_uploads(palopo)
    response = _upload(client, palopo.token(), bomb_300mb, "rencana.xlsx")
    assert response.status_code == 413
    answer = response.get_json()
    assert answer["code"] == "payload_too_large"
    assert answer["errors"]["file"] == [
        "This file is not opened: it unpacks to 300.0 MB, more than the 32.0 MB allowed."
    ]
    assert _stored_uploads(palopo) == uploads
    assert _files_on_disk(app) == before


def test_a_part_packed_suspiciously_tightly_is_refused_with_422(palopo, client, app):
    before, uploads = _files_on_disk(app), _stored_uploads(palopo)
    response = _upload(client, palopo.token(), _with_shared_strings(_workbook(), 4 * MB), "rencana.xlsx")
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["file"]
    assert re.fullmatch(
        r"This file is not opened: its part xl/sharedStrings\.xml unpacks to [\d,]+ times its packed size, "
        r"more than the 100 times allowed\.",
        message,
    ), message
    assert _stored_uploads(palopo) == uploads
    assert _files_on_disk(app) == before


def test_the_unpacked_size_limit_is_configurable(palopo, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_COMPRESSION_RATIO", 10_000)
    auth = palopo.token()
    monkeypatch.setitem(app.config, "UPLOAD_MAX_UNPACKED_BYTES", 3 * MB)
    response = _upload(client, auth, _with_shared_strings(_workbook(), 4 * MB), "rencana.xlsx")
    assert response.status_code == 413
    assert "it unpacks to 4.0 MB, more than the 3.0 MB allowed" in response.get_json()["errors"]["file"][0]
    monkeypatch.setitem(app.config, "UPLOAD_MAX_UNPACKED_BYTES", 5 * MB)
    assert _upload(client, auth, _with_shared_strings(_workbook(), 4 * MB), "rencana.xlsx").status_code == 201


def test_too_many_parts_are_refused_with_422_even_when_the_end_record_says_otherwise(
    palopo, client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_ARCHIVE_ENTRIES", 50)
    auth = palopo.token()
    uploads = _stored_uploads(palopo)
    assert _upload(client, auth, _archive(50), "laporan.docx", "evidence").status_code == 201

    many = _archive(51)
    response = _upload(client, auth, many, "laporan.docx", "evidence")
    assert response.status_code == 422
    assert response.get_json()["errors"]["file"] == ["This file is not opened: it holds more than 50 parts."]
    # The end record's counts say 2: the entries themselves are counted.
    end = many.rindex(b"PK\x05\x06")
    lying = many[: end + 8] + struct.pack("<2H", 2, 2) + many[end + 12 :]
    assert len(zipfile.ZipFile(BytesIO(lying)).infolist()) == 51  # zipfile itself reads them all
    assert _upload(client, auth, lying, "laporan.docx", "evidence").status_code == 422
    assert _stored_uploads(palopo) == uploads + 1  # the 50 parts, only


def test_an_archive_in_zip64_form_is_counted_from_its_own_end_record(tmp_path):
    """Past 65,535 entries an archive needs ZIP64's end record; its entries are counted all the same."""
    path = tmp_path / "besar.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(70_000):
            archive.writestr(f"p/{number}", b"")
    assert path.read_bytes().rfind(b"PK\x06\x06") > 0  # written in ZIP64 form
    with pytest.raises(ValidationFailed) as refused:
        check_archive(path, limits=ArchiveLimits(MB, 69_999, 100))
    assert "it holds more than" in str(refused.value.errors["file"][0])
    check_archive(path, limits=ArchiveLimits(MB, 70_000, 100))  # exactly at the limit: accepted


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"PK\x03\x04" + b"\x00" * 200, id="no end record"),
        pytest.param(_workbook()[:-10], id="cut short"),
    ],
)
def test_a_broken_archive_is_refused_with_422(palopo, client, content):
    uploads = _stored_uploads(palopo)
    response = _upload(client, palopo.token(), content, "rencana.xlsx")
    assert response.status_code == 422
    assert response.get_json()["errors"]["file"] == [
        "This file is not opened: it is not a valid ZIP archive, as every Office file is."
    ]
    assert _stored_uploads(palopo) == uploads


def test_an_ordinary_large_workbook_is_accepted(palopo, client):
    workbook = Workbook()
    for number in range(40_000):
        workbook.active.append([f"P-{number:05}", f"Program {number}", number * 1_250_000, 2025 + number % 5])
    buffer = BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(BytesIO(buffer.getvalue())) as archive:
        assert max(e.file_size for e in archive.infolist()) > MB  # judged by its ratio, and well within it
    assert _upload(client, palopo.token(), buffer.getvalue(), "program.xlsx").status_code == 201


# --- the masterplan import: the page, and the job reading a file stored earlier ----------------------


def _draft(palopo) -> uuid.UUID:
    with palopo.inside():
        return db.session.scalar(select(Masterplan.id).where(Masterplan.status == "draft"))


def test_the_import_page_refuses_a_bomb_and_names_the_file_field(
    palopo, client, app, monkeypatch, bomb_300mb
):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")  # the page read in English
    login(client, "admin@kota-palopo.demo")
    page = f"/t/kota-palopo/masterplans/{_draft(palopo)}/excel-pdf"
    before, uploads = _files_on_disk(app), _stored_uploads(palopo)
    for content, status, message in (
        (bomb_300mb, 413, "This file is not opened: it unpacks to 300.0 MB, more than the 32.0 MB allowed."),
        (_with_shared_strings(_workbook(), 4 * MB), 422, "times its packed size, more than the 100 times"),
    ):
        response = client.post(
            page + "/import",
            data={"file": (BytesIO(content), "masterplan.xlsx"), "csrf_token": csrf_token(client, page)},
            content_type="multipart/form-data",
        )
        assert response.status_code == status
        text = response.get_data(as_text=True)
        assert 'class="form-control is-invalid" type="file" id="f-file"' in text  # the field is marked
        assert message in text
    assert _stored_uploads(palopo) == uploads
    assert _files_on_disk(app) == before


def test_the_import_job_checks_a_file_stored_before_the_limits(palopo, client, app, monkeypatch):
    draft, auth = _draft(palopo), palopo.token()
    with palopo.inside():
        accounts.set_locale(
            "en", actor=person(palopo.admin_id)
        )  # the job writes its error in its requester's language
        db.session.commit()
    template = client.get(f"/api/v1/t/kota-palopo/masterplans/{draft}/workbook-template", headers=auth).data
    bomb = _with_shared_strings(template, 4 * MB)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_COMPRESSION_RATIO", 10_000)  # as before the limits
    stored = _upload(client, auth, bomb, "masterplan.xlsx")
    assert stored.status_code == 201
    monkeypatch.setitem(app.config, "UPLOAD_MAX_COMPRESSION_RATIO", 100)

    answer = client.post(
        f"/api/v1/t/kota-palopo/masterplans/{draft}/imports",
        json={"file_id": stored.get_json()["id"]},
        headers=auth,
    )
    assert answer.status_code == 202
    answer.close()  # inline, the job runs once the answer is sent
    run = client.get(f"/api/v1/t/kota-palopo/jobs/{answer.get_json()['id']}", headers=auth).get_json()
    assert run["status"] == "failed"
    assert re.fullmatch(
        r"This file is not opened: its part xl/sharedStrings\.xml unpacks to [\d,]+ times its packed size, "
        r"more than the 100 times allowed\.",
        run["error"],
    ), run["error"]

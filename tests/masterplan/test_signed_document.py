"""The signed regulation behind a version's legal basis: uploaded as a PDF through the API or the settings
page, replaced, removed, read by every member, and gone with a deleted draft."""

from io import BytesIO

from sqlalchemy import func, select

from app.accounts import services as accounts
from app.core.auth import VIEWER
from app.core.files import storage
from app.core.tenancy import tenant_context
from app.extensions import db
from app.files.models import StoredFile
from app.tenants import services as tenants
from tests.factories import admin_actor
from tests.masterplan.conftest import make_masterplan, page_get, page_login, page_post

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LEGAL = {"legal_type": "PERWALI", "legal_number": "23 Tahun 2025", "legal_date": "2025-06-30"}


def _put(api, masterplan_id, content: bytes, name: str, etag: str | None = "current"):
    path = f"/masterplans/{masterplan_id}/signed-document"
    headers = api.setup.headers()
    if etag == "current":
        etag = api.get(f"/masterplans/{masterplan_id}").headers["ETag"]
    if etag:
        headers["If-Match"] = etag
    return api.client.put(
        api.url(path),
        data={"file": (BytesIO(content), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def _enact(api, masterplan_id):
    for status in ("in_review", "endorsed"):
        api.post(f"/masterplans/{masterplan_id}/transitions", {"status": status})
    response = api.post(f"/masterplans/{masterplan_id}/transitions", {"status": "enacted", **LEGAL})
    assert response.status_code == 200, response.get_json()


def _download(api, masterplan_id):
    document_id = api.get(f"/masterplans/{masterplan_id}").get_json()["signed_document_id"]
    return api.get(f"/files/{document_id}/content")


def _stored_files(city) -> list[StoredFile]:
    with tenant_context(city.tenant_id):
        return list(db.session.scalars(select(StoredFile)))


def test_the_signed_regulation_is_uploaded_replaced_downloaded_and_removed(api, city):
    masterplan = make_masterplan(city)
    _enact(api, masterplan.id)  # the scan usually arrives after enactment

    assert _put(api, masterplan.id, PDF, "Perwali 23 2025.pdf", etag=None).status_code == 428
    first = _put(api, masterplan.id, PDF, "Perwali 23 2025.pdf")
    assert first.status_code == 200, first.get_json()
    first_id = first.get_json()["signed_document_id"]
    download = _download(api, masterplan.id)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "Perwali 23 2025.pdf" in download.headers["Content-Disposition"]

    signed = PDF + b"% signed by the mayor\n"
    second = _put(api, masterplan.id, signed, "Perwali 23 2025 (ttd).pdf")
    assert second.status_code == 200
    assert second.get_json()["signed_document_id"] != first_id
    assert _download(api, masterplan.id).data == signed
    kept = _stored_files(city)
    assert [f.filename for f in kept] == ["Perwali 23 2025 (ttd).pdf"]  # the replaced scan is gone
    path = storage().path(kept[0].storage_key)

    etag = api.get(f"/masterplans/{masterplan.id}").headers["ETag"]
    removed = api.client.delete(
        api.url(f"/masterplans/{masterplan.id}/signed-document"),
        headers={**city.headers(), "If-Match": etag},
    )
    assert removed.status_code == 200 and removed.get_json()["signed_document_id"] is None
    assert api.get(f"/files/{kept[0].id}/content").status_code == 404
    assert _stored_files(city) == [] and not path.exists()


def test_only_a_pdf_within_the_limit_is_taken_and_a_refusal_keeps_the_document(api, city):
    masterplan = make_masterplan(city)
    assert _put(api, masterplan.id, PDF, "sk.pdf").status_code == 200

    for content, name in [(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "sk.png"), (b"just text", "sk.pdf")]:
        refused = _put(api, masterplan.id, content, name)
        assert refused.status_code == 422
        assert "file" in refused.get_json()["errors"]
    too_large = _put(api, masterplan.id, PDF + b"0" * (20 * 1024 * 1024), "sk.pdf")
    assert too_large.status_code == 413

    assert _download(api, masterplan.id).data == PDF
    assert len(_stored_files(city)) == 1


def test_a_superseded_version_keeps_its_document(api, city):
    first = make_masterplan(city)
    _enact(api, first.id)
    _put(api, first.id, PDF, "perwali-lama.pdf")
    second = make_masterplan(city, version_label="2.0")
    _enact(api, second.id)

    refused = _put(api, first.id, PDF, "perwali-baru.pdf")
    assert refused.status_code == 409
    assert _download(api, first.id).status_code == 200


def test_deleting_a_draft_deletes_its_document(api, city):
    masterplan = make_masterplan(city)
    _put(api, masterplan.id, PDF, "draf.pdf")
    path = storage().path(_stored_files(city)[0].storage_key)
    etag = api.get(f"/masterplans/{masterplan.id}").headers["ETag"]
    response = api.client.delete(
        api.url(f"/masterplans/{masterplan.id}"), headers={**city.headers(), "If-Match": etag}
    )
    assert response.status_code == 204
    assert _stored_files(city) == [] and not path.exists()


def test_the_settings_page_uploads_the_document_and_a_viewer_downloads_it(client, city):
    masterplan = make_masterplan(city)
    page_login(client, city.admin_email)
    url = f"/t/{city.slug}/masterplans/{masterplan.id}"

    missing = page_post(client, f"{url}/signed-document", {})
    assert missing.status_code == 422 and "Choose the signed PDF." in missing.get_data(as_text=True)
    wrong = page_post(
        client,
        f"{url}/signed-document",
        {"file": (BytesIO(b"hello"), "sk.pdf")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and "accepted kinds: .pdf" in wrong.get_data(as_text=True)
    saved = page_post(
        client,
        f"{url}/signed-document",
        {"file": (BytesIO(PDF), "Perwali 23.pdf")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    settings = page_get(client, f"{url}/settings").get_data(as_text=True)
    assert "Perwali 23.pdf" in settings and "The signed document is saved." in settings
    overview = page_get(client, url).get_data(as_text=True)
    link = f"/t/{city.slug}/files/{_stored_files(city)[0].id}"
    assert link in overview

    viewer = accounts.create_user("viewer@palopo.test", "Viewer", "correct-horse-battery")
    with tenant_context(city.tenant_id):
        tenants.add_member(viewer.id, VIEWER, actor=admin_actor(city))
    db.session.commit()
    page_post(client, "/logout")
    page_login(client, "viewer@palopo.test", "correct-horse-battery")
    assert page_get(client, link).data == PDF
    assert 'id="f-signed-document"' not in page_get(client, f"{url}/settings").get_data(as_text=True)
    assert page_post(client, f"{url}/signed-document/remove").status_code == 403
    with tenant_context(city.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1


def test_another_city_cannot_download_the_document(client, api, city, other_city):
    masterplan = make_masterplan(city)
    _put(api, masterplan.id, PDF, "sk.pdf")
    document_id = _stored_files(city)[0].id
    for slug in (city.slug, other_city.slug):
        outsider = client.get(f"/api/v1/t/{slug}/files/{document_id}/content", headers=other_city.headers())
        assert outsider.status_code == 404
    page_login(client, other_city.admin_email)
    assert page_get(client, f"/t/{city.slug}/files/{document_id}").status_code == 404
    assert page_get(client, f"/t/{other_city.slug}/files/{document_id}").status_code == 404

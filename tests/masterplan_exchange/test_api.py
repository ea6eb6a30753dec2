"""The API: template, exports and imports of a masterplan, as jobs a client follows at /jobs/{id}."""

from io import BytesIO

from openpyxl import load_workbook

from tests.masterplan_exchange.conftest import sheet_values
from tests.masterplan_exchange.test_workbook import without_ids


def _finished(client, city, response, headers) -> dict:
    assert response.status_code == 202, response.get_json()
    run_id = response.get_json()["id"]
    response.close()  # inline, the job runs once the answer is sent
    run = client.get(f"/api/v1/t/{city.slug}/jobs/{run_id}", headers=headers).get_json()
    assert run["status"] == "succeeded", run
    return run


def test_a_client_exports_a_version_and_imports_it_into_another(client, city):
    headers = city.token()
    template = client.get(city.api(tail="/workbook-template"), headers=headers)
    assert template.status_code == 200
    assert "Program" in load_workbook(BytesIO(template.data)).sheetnames

    run = _finished(
        client,
        city,
        client.post(city.api(tail="/exports"), json={"format": "xlsx"}, headers=headers),
        headers,
    )
    exported = client.get(f"/api/v1/t/{city.slug}/jobs/{run['id']}/result", headers=headers).data

    draft = city.new_draft("7.0")
    upload = client.post(
        f"/api/v1/t/{city.slug}/files",
        data={"purpose": "import", "file": (BytesIO(exported), "masterplan.xlsx")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201
    answer = client.post(
        city.api(draft, "/imports"), json={"file_id": upload.get_json()["id"]}, headers=headers
    )
    run = _finished(client, city, answer, headers)
    assert run["kind"] == "masterplan_import" and run["status"] == "succeeded"
    assert run["result_url"] == f"/t/{city.slug}/masterplans/{draft}"
    assert city.counts(draft) == city.counts(city.masterplan_id)

    run = _finished(
        client,
        city,
        client.post(city.api(draft, "/exports"), json={"format": "xlsx"}, headers=headers),
        headers,
    )
    again = client.get(f"/api/v1/t/{city.slug}/jobs/{run['id']}/result", headers=headers).data
    assert without_ids(sheet_values(again)) == without_ids(sheet_values(exported))


def test_the_api_names_the_field_it_refuses(client, city):
    headers = city.token()
    wrong = client.post(city.api(tail="/exports"), json={"format": "docx"}, headers=headers)
    assert wrong.status_code == 422 and "format" in wrong.get_json()["errors"]
    unknown = client.post(city.api(tail="/exports"), json={"format": "pdf", "paper": "A3"}, headers=headers)
    assert unknown.status_code == 422 and "paper" in unknown.get_json()["errors"]
    missing = client.post(city.api(tail="/imports"), json={}, headers=headers)
    assert missing.status_code == 422 and "file_id" in missing.get_json()["errors"]
    stranger = client.post(
        city.api(tail="/imports"), json={"file_id": "01a20968-0000-7000-8000-000000000000"}, headers=headers
    )
    assert stranger.status_code == 422 and "file_id" in stranger.get_json()["errors"]


def test_the_pdf_export_through_the_api(client, city):
    headers = city.token()
    run = _finished(
        client, city, client.post(city.api(tail="/exports"), json={"format": "pdf"}, headers=headers), headers
    )
    result = client.get(f"/api/v1/t/{city.slug}/jobs/{run['id']}/result", headers=headers)
    assert result.data.startswith(b"%PDF-")

"""Publishing: the tenant administrator releases a period as an immutable snapshot (roll-up, programs,
budget by funding source, masterplan version); a correction is the next version and supersedes it; the
snapshot is read through the API by every member."""

from tests.conftest import form_post, login


def _verified(client, reporting, code, pct):
    base, admin = reporting.base, reporting.headers()
    rid = client.post(
        f"{base}/reports",
        json={"period_id": str(reporting.period_id), "program_id": str(reporting.programs[code])},
        headers=admin,
    ).get_json()["id"]
    etag = client.get(f"{base}/reports/{rid}", headers=admin).headers["ETag"]
    client.patch(
        f"{base}/reports/{rid}",
        json={
            "progress_status": "on_track",
            "physical_pct": pct,
            "budget_realisations": [{"funding_source": "APBD", "realised": 150_000_000}],
        },
        headers={**admin, "If-Match": etag},
    )
    client.post(f"{base}/reports/{rid}/transitions", json={"action": "submit"}, headers=admin)
    assert (
        client.post(f"{base}/reports/{rid}/transitions", json={"action": "verify"}, headers=admin).status_code
        == 200
    )


def test_a_period_is_published_and_a_correction_supersedes_it(client, reporting):
    _verified(client, reporting, "PLP-S-02", 60)
    url = f"{reporting.base}/periods/{reporting.period_id}/publication"
    assert client.post(url, headers=reporting.headers("operator")).status_code == 403
    first = client.post(url, headers=reporting.headers())
    assert first.status_code == 201
    snapshot = first.get_json()
    assert snapshot["version"] == 1 and snapshot["superseded"] is False
    document = snapshot["document"]
    assert document["masterplan"]["title"] and document["rule"]["rollup"] == "budget_weighted"
    programs = {p["code"]: p for p in document["programs"]}
    assert programs["PLP-S-02"]["physical_pct"] == 60 and programs["PLP-S-02"]["verified"] is True
    assert programs["PLP-S-01"]["verified"] is False
    assert document["budget_by_source"] == [
        {"funding_source": "APBD", "planned": 300_000_000, "realised": 150_000_000}
    ]
    assert snapshot["budget_absorption_pct"] == 50.0
    assert document["rollup"]["children"]

    _verified(client, reporting, "PLP-S-01", 100)
    second = client.post(url, headers=reporting.headers()).get_json()
    assert second["version"] == 2
    listed = client.get(
        f"{reporting.base}/snapshots?period_id={reporting.period_id}", headers=reporting.headers("viewer")
    )
    assert [(s["version"], s["superseded"]) for s in listed.get_json()] == [(2, False), (1, True)]
    # The first one never changed.
    again = client.get(
        f"{reporting.base}/snapshots/{snapshot['id']}", headers=reporting.headers("viewer")
    ).get_json()
    assert again["document"] == document and again["superseded"] is True


def test_the_period_page_publishes_and_lists_the_versions(client, reporting):
    login(client, "admin@kota-palopo.demo")
    page = f"/t/kota-palopo/reporting/periods/{reporting.period_id}"
    assert form_post(client, page + "/publish").status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert 'id="published"' in shown and "badge text-bg-success" in shown

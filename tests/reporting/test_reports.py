"""A program's progress report through the API: started with the year's targets and plan, filled in,
submitted, returned with a comment, fixed, verified and locked; bad input refused naming the field and
losing nothing; another OPD's program out of an operator's reach."""

import io

from app.extensions import db
from app.reporting.models import ProgressReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _start(client, reporting, code, who="operator"):
    return client.post(
        f"{reporting.base}/reports",
        json={"period_id": str(reporting.period_id), "program_id": str(reporting.programs[code])},
        headers=reporting.headers(who),
    )


def _patch(client, reporting, report_id, data, who="operator"):
    url = f"{reporting.base}/reports/{report_id}"
    headers = reporting.headers(who)
    etag = client.get(url, headers=headers).headers["ETag"]
    return client.patch(url, json=data, headers={**headers, "If-Match": etag})


def _step(client, reporting, report_id, action, who, **extra):
    return client.post(
        f"{reporting.base}/reports/{report_id}/transitions",
        json={"action": action, **extra},
        headers=reporting.headers(who),
    )


def test_a_report_starts_with_the_years_targets_and_planned_budget(client, reporting):
    response = _start(client, reporting, "PLP-S-02")
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["status"] == "draft" and report["program_code"] == "PLP-S-02"
    # The masterplan's budget for 2024 per funding source, and its indicators with their 2024 targets.
    assert report["budget_realisations"] == [
        {"funding_source": "APBD", "planned": 300_000_000, "realised": None}
    ]
    targets = {row["indicator_name"]: row["target"] for row in report["indicator_actuals"]}
    assert targets["Tindak kriminal tertangani per tahun"] == 190
    assert {row["actual"] for row in report["indicator_actuals"]} == {None}
    # Started again: the same report.
    assert _start(client, reporting, "PLP-S-02").get_json()["id"] == report["id"]


def test_the_whole_workflow_submit_return_fix_verify_then_locked(client, reporting):
    report = _start(client, reporting, "PLP-S-02").get_json()
    rid = report["id"]
    incomplete = _step(client, reporting, rid, "submit", "operator")
    assert incomplete.status_code == 422
    assert set(incomplete.get_json()["errors"]) == {"progress_status", "physical_pct"}

    source = report["budget_realisations"][0]["funding_source"]
    indicator = report["indicator_actuals"][0]["indicator_id"]
    filled = _patch(
        client,
        reporting,
        rid,
        {
            "progress_status": "at_risk",
            "physical_pct": 42.5,
            "narrative": "Pelatihan guru tahap pertama selesai.",
            "obstacles": "Jaringan di sekolah pinggiran belum stabil.",
            "follow_up": "Koordinasi dengan Diskominfo.",
            "indicator_actuals": [{"indicator_id": indicator, "actual": 12.5}],
            "budget_realisations": [{"funding_source": source, "realised": 150_000_000}],
        },
    )
    assert filled.status_code == 200, filled.get_json()
    body = filled.get_json()
    assert body["physical_pct"] == 42.5 and body["progress_status"] == "at_risk"
    assert body["budget_realisations"][0]["realised"] == 150_000_000
    assert body["indicator_actuals"][0]["actual"] == 12.5

    assert _step(client, reporting, rid, "submit", "operator").get_json()["status"] == "submitted"
    # With the secretariat: the OPD cannot change it; an operator cannot verify.
    assert _patch(client, reporting, rid, {"physical_pct": 50}).status_code == 409
    assert _step(client, reporting, rid, "verify", "operator").status_code == 403
    no_comment = _step(client, reporting, rid, "return", "planner")
    assert no_comment.status_code == 422 and "comment" in no_comment.get_json()["errors"]
    returned = _step(client, reporting, rid, "return", "planner", comment="Lampirkan foto pelatihan.")
    assert returned.get_json()["status"] == "returned"

    seen = client.get(f"{reporting.base}/reports/{rid}", headers=reporting.headers("operator")).get_json()
    assert seen["return_comment"] == "Lampirkan foto pelatihan."
    assert _patch(client, reporting, rid, {"physical_pct": 45}).status_code == 200
    assert _step(client, reporting, rid, "submit", "operator").status_code == 200
    verified = _step(client, reporting, rid, "verify", "admin")
    assert verified.get_json()["status"] == "verified" and verified.get_json()["verified_at"]
    # Verified: locked, for everyone.
    assert _patch(client, reporting, rid, {"physical_pct": 99}).status_code == 409
    assert _patch(client, reporting, rid, {"physical_pct": 99}, who="admin").status_code == 409
    assert (
        client.get(f"{reporting.base}/reports/{rid}", headers=reporting.headers()).get_json()["physical_pct"]
        == 45
    )


def test_bad_figures_answer_422_naming_the_field_and_change_nothing(client, reporting):
    report = _start(client, reporting, "PLP-S-02").get_json()
    rid = report["id"]
    source = report["budget_realisations"][0]["funding_source"]
    too_much = _patch(client, reporting, rid, {"physical_pct": 100.5, "narrative": "tidak tersimpan"})
    assert too_much.status_code == 422 and "physical_pct" in too_much.get_json()["errors"]
    negative = _patch(
        client, reporting, rid, {"budget_realisations": [{"funding_source": source, "realised": -5}]}
    )
    assert negative.status_code == 422
    assert "budget_realisations" in str(negative.get_json()["errors"])
    unknown = _patch(
        client, reporting, rid, {"budget_realisations": [{"funding_source": "CSR-X", "realised": 5}]}
    )
    assert unknown.status_code == 422
    after = client.get(f"{reporting.base}/reports/{rid}", headers=reporting.headers()).get_json()
    assert after["narrative"] is None and after["physical_pct"] is None
    assert {row["realised"] for row in after["budget_realisations"]} == {None}


def test_a_report_on_a_closed_period_answers_409(client, reporting):
    rid = _start(client, reporting, "PLP-S-02").get_json()["id"]
    url = f"{reporting.base}/periods/{reporting.period_id}/transitions"
    assert client.post(url, json={"action": "close"}, headers=reporting.headers()).status_code == 200
    assert _patch(client, reporting, rid, {"physical_pct": 10}).status_code == 409
    assert _step(client, reporting, rid, "submit", "operator").status_code == 409
    assert _start(client, reporting, "PLP-S-02", who="admin").status_code == 201  # reading the existing one
    assert _start(client, reporting, "PLP-G-01", who="admin").status_code == 409  # no new report


def test_an_operator_touching_another_opds_program_gets_404(client, reporting):
    # PLP-S-01 is led by DISKOMINFO: the DISDIK operator neither starts, reads nor changes its report.
    assert _start(client, reporting, "PLP-S-01").status_code == 404
    theirs = _start(client, reporting, "PLP-S-01", who="kominfo")
    assert theirs.status_code == 201
    rid = theirs.get_json()["id"]
    url = f"{reporting.base}/reports/{rid}"
    assert client.get(url, headers=reporting.headers("operator")).status_code == 404
    stale = {**reporting.headers("operator"), "If-Match": '"any"'}
    assert client.patch(url, json={"physical_pct": 1}, headers=stale).status_code == 404
    assert _step(client, reporting, rid, "submit", "operator").status_code == 404
    listed = client.get(
        f"{reporting.base}/reports?period_id={reporting.period_id}", headers=reporting.headers("operator")
    )
    assert rid not in listed.get_data(as_text=True)
    # A viewer reads it but writes nothing.
    assert client.get(url, headers=reporting.headers("viewer")).status_code == 200
    assert _step(client, reporting, rid, "submit", "viewer").status_code == 403


def test_evidence_files_and_links_are_attached_read_and_removed(client, reporting):
    rid = _start(client, reporting, "PLP-S-02").get_json()["id"]
    headers = reporting.headers("operator")
    uploaded = client.post(
        f"{reporting.base}/reports/{rid}/evidence",
        data={"file": (io.BytesIO(PDF), "berita-acara.pdf"), "title": "Berita acara serah terima"},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    file_id = uploaded.get_json()["stored_file_id"]
    link = client.post(
        f"{reporting.base}/reports/{rid}/links",
        json={"url": "https://palopokota.go.id/berita/pelatihan-guru", "title": "Berita"},
        headers=headers,
    )
    assert link.status_code == 201
    bad_link = client.post(
        f"{reporting.base}/reports/{rid}/links", json={"url": "javascript:alert(1)"}, headers=headers
    )
    assert bad_link.status_code == 422 and "url" in bad_link.get_json()["errors"]
    listed = client.get(f"{reporting.base}/reports/{rid}/evidence", headers=headers).get_json()
    assert [e["title"] for e in listed] == ["Berita acara serah terima", "Berita"]
    # The planner reads the file through the report; the other OPD's operator does not.
    content = f"/api/v1/t/kota-palopo/files/{file_id}/content"
    assert client.get(content, headers=reporting.headers("planner")).data == PDF
    assert client.get(content, headers=reporting.headers("kominfo")).status_code == 404
    removed = client.delete(f"{reporting.base}/reports/{rid}/evidence/{listed[0]['id']}", headers=headers)
    assert removed.status_code == 204
    assert client.get(content, headers=reporting.headers("planner")).status_code == 404


def test_an_oversized_evidence_file_answers_413_and_adds_nothing(client, reporting, app):
    rid = _start(client, reporting, "PLP-S-02").get_json()["id"]
    big = PDF + b"0" * (21 * 1024 * 1024)
    response = client.post(
        f"{reporting.base}/reports/{rid}/evidence",
        data={"file": (io.BytesIO(big), "besar.pdf")},
        headers=reporting.headers("operator"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    with reporting.demo.inside():
        assert (
            db.session.get(ProgressReport, (reporting.demo.tenant_id, __import__("uuid").UUID(rid)))
            is not None
        )
    assert (
        client.get(f"{reporting.base}/reports/{rid}/evidence", headers=reporting.headers()).get_json() == []
    )


def test_several_reports_are_decided_in_one_call_all_or_none(client, reporting):
    ids = []
    for code in ("PLP-S-01", "PLP-S-03"):
        rid = _start(client, reporting, code, who="admin").get_json()["id"]
        _patch(client, reporting, rid, {"progress_status": "on_track", "physical_pct": 10}, who="admin")
        ids.append(rid)
    _step(client, reporting, ids[0], "submit", "admin")  # the second stays a draft
    url = f"{reporting.base}/reports/decisions"
    refused = client.post(
        url, json={"report_ids": ids, "action": "verify"}, headers=reporting.headers("planner")
    )
    assert refused.status_code == 409
    assert (
        client.get(f"{reporting.base}/reports/{ids[0]}", headers=reporting.headers()).get_json()["status"]
        == "submitted"
    )
    _step(client, reporting, ids[1], "submit", "admin")
    by_operator = client.post(
        url, json={"report_ids": ids, "action": "verify"}, headers=reporting.headers("operator")
    )
    assert by_operator.status_code in (403, 404)
    done = client.post(
        url, json={"report_ids": ids, "action": "verify"}, headers=reporting.headers("planner")
    )
    assert done.status_code == 200
    assert {r["status"] for r in done.get_json()} == {"verified"}

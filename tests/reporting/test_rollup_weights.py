"""The tenant's own roll-up weights: set on the reporting settings page and through the API (non-negative
numbers of the framework's codes, an ETag on the write, every change audited), and the roll-up page that
follows them, with the strategy level, in a fixed number of statements."""

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import periods, reports
from tests.conftest import form_post, login
from tests.support.queries import count_queries


def _codes(reporting) -> tuple[list[str], list[str]]:
    with reporting.demo.inside():
        current = masterplans.current_masterplan(actor=reporting.demo.actor)
        dims = [d.code for d in current.dimensions]
        elements = [s.code for d in current.dimensions for s in d.sub_dimensions]
    return dims, elements


def _put(client, reporting, body, etag=None):
    url = f"{reporting.base}/settings/rollup-weights"
    if etag is None:
        etag = client.get(url, headers=reporting.headers()).headers["ETag"]
    return client.put(url, json=body, headers={**reporting.headers(), "If-Match": etag})


def test_the_api_keeps_non_negative_weights_of_known_codes_under_an_etag_and_audits_them(client, reporting):
    dims, elements = _codes(reporting)
    url = f"{reporting.base}/settings/rollup-weights"
    first = client.get(url, headers=reporting.headers())
    assert first.status_code == 200 and first.get_json() == {"dimensions": {}, "elements": {}}
    negative = _put(client, reporting, {"dimensions": {dims[0]: -1}})
    # The API names the place inside a mapping in front of the message, as it does for lists.
    assert negative.status_code == 422
    assert negative.get_json()["errors"]["dimensions"][0].startswith(f"{dims[0]}.value:")
    text = _put(client, reporting, {"elements": {elements[0]: "banyak"}})
    assert text.status_code == 422
    assert text.get_json()["errors"]["elements"][0].startswith(f"{elements[0]}.value:")
    unknown = _put(client, reporting, {"elements": {"NOPE.9": 1}})
    assert unknown.status_code == 422 and "elements.NOPE.9" in unknown.get_json()["errors"]
    # Nothing was written by the refusals.
    assert client.get(url, headers=reporting.headers()).get_json() == {"dimensions": {}, "elements": {}}
    saved = _put(client, reporting, {"dimensions": {dims[0]: 3, dims[1]: 1.5}, "elements": {elements[0]: 2}})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json() == {"dimensions": {dims[0]: 3, dims[1]: 1.5}, "elements": {elements[0]: 2}}
    # A write with the ETag read before the change: 412, nothing changed.
    stale = _put(client, reporting, {"dimensions": {dims[0]: 9}}, etag=first.headers["ETag"])
    assert stale.status_code == 412
    assert client.get(url, headers=reporting.headers()).get_json()["dimensions"][dims[0]] == 3
    # Only the tenant administrator sets them.
    as_operator = reporting.headers("operator")
    etag = client.get(url, headers=as_operator).headers["ETag"]
    operator = client.put(url, json={"dimensions": {dims[0]: 1}}, headers={**as_operator, "If-Match": etag})
    assert operator.status_code == 403
    with reporting.demo.inside():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "RollupWeight")).all()
    assert len(entries) == 3 and {e.user_id for e in entries} == {reporting.demo.admin_id}
    assert any(dims[0] in str(e.after) for e in entries)


def _verify(reporting, pct_by_code):
    demo = reporting.demo
    with demo.inside():
        for code, pct in pct_by_code.items():
            report = reports.start_report(reporting.period_id, reporting.programs[code], actor=demo.actor)
            reports.update_report(
                report.id, {"progress_status": "on_track", "physical_pct": pct}, actor=demo.actor
            )
            reports.submit_report(report.id, actor=demo.actor)
            reports.verify_report(report.id, actor=demo.actor)
        db.session.commit()


def test_the_settings_page_saves_weights_and_the_roll_up_page_follows_them(client, reporting):
    dims, elements = _codes(reporting)
    login(client, "admin@kota-palopo.demo")
    settings_page = "/t/kota-palopo/reporting/periods"
    page = client.get(settings_page + "?lang=en").get_data(as_text=True)
    assert 'id="weights"' in page and f'name="dimensions.{dims[0]}"' in page
    refused = form_post(client, "/t/kota-palopo/reporting/settings/weights", {f"dimensions.{dims[0]}": "-2"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "is-invalid" in body and f'id="f-dimensions.{dims[0]}-error"' in body
    saved = form_post(
        client,
        "/t/kota-palopo/reporting/settings/weights",
        {f"dimensions.{dims[0]}": "3", f"dimensions.{dims[1]}": "1,5", f"elements.{elements[0]}": ""},
    )
    assert saved.status_code == 302
    with reporting.demo.inside():
        kept = periods.get_rollup_weights(actor=reporting.demo.actor)
    assert kept.dimensions == {dims[0]: 3, dims[1]: 1.5} and kept.elements == {}
    form_post(client, "/t/kota-palopo/reporting/settings", {"rollup_rule": "own_weights"})
    _verify(reporting, {"PLP-S-02": "40"})
    rollup = f"/t/kota-palopo/reporting/periods/{reporting.period_id}/rollup?lang=en"
    page = client.get(rollup).get_data(as_text=True)
    assert "The tenant&#39;s own weights" in page or "The tenant's own weights" in page
    assert "Σ(progress × weight) ÷ Σ weight" in page
    # No element has a weight: each dimension falls back to equal weights and says so.
    assert "no weight set at this level" in page
    # The strategy level: each strategy a program serves is a row, and the programs serving none too.
    with reporting.demo.inside():
        current = masterplans.current_masterplan(actor=reporting.demo.actor)
        links = masterplans.program_strategy_links(current.id, actor=reporting.demo.actor)
    assert links, "the demo links programs to strategies"
    for link in links:
        assert f'Strategy <span class="kc-code">{link.code}</span>' in page
    assert "Without a strategy" in page
    assert "Share" in page and "Contribution" in page


def test_the_roll_up_page_with_weights_reads_a_fixed_number_of_statements(client, reporting):
    dims, elements = _codes(reporting)
    demo = reporting.demo
    _put(client, reporting, {"dimensions": {dims[0]: 2}})
    with demo.inside():
        periods.update_settings({"rollup_rule": "own_weights"}, actor=demo.actor)
        db.session.commit()
    login(client, "admin@kota-palopo.demo")
    rollup = f"/t/kota-palopo/reporting/periods/{reporting.period_id}/rollup"
    client.get(rollup)
    with count_queries(demo.app) as few:
        assert client.get(rollup).status_code == 200
    # Every dimension and element weighed, and every program verified.
    _put(client, reporting, {"dimensions": dict.fromkeys(dims, 1), "elements": dict.fromkeys(elements, 2)})
    _verify(reporting, dict.fromkeys(reporting.programs, "55"))
    with count_queries(demo.app) as many:
        page = client.get(rollup)
    assert page.status_code == 200 and "55" in page.get_data(as_text=True)
    assert len(many) == len(few)


def test_the_snapshot_and_the_workbook_carry_the_strategy_level_and_the_own_weights(client, reporting):
    from io import BytesIO

    from openpyxl import load_workbook

    dims, _elements = _codes(reporting)
    demo = reporting.demo
    _put(client, reporting, {"dimensions": {dims[0]: 2}})
    with demo.inside():
        periods.update_settings({"rollup_rule": "own_weights"}, actor=demo.actor)
        db.session.commit()
        current = masterplans.current_masterplan(actor=demo.actor)
        link = masterplans.program_strategy_links(current.id, actor=demo.actor)[0]
    _verify(reporting, {"PLP-S-02": "40"})
    published = client.post(
        f"{reporting.base}/periods/{reporting.period_id}/publication", headers=reporting.headers()
    )
    assert published.status_code == 201
    document = published.get_json()["document"]
    assert document["rule"]["rollup"] == "own_weights"
    assert document["rule"]["weights"] == {"dimensions": {dims[0]: 2.0}, "elements": {}}
    strategies = [
        s["key"]
        for d in document["rollup"]["children"]
        for e in d["children"]
        for s in e.get("strategies", [])
    ]
    assert link.code in strategies and "" in strategies
    response = client.get(
        f"{reporting.base}/periods/{reporting.period_id}/rollup/workbook?lang=en", headers=reporting.headers()
    )
    ws = load_workbook(BytesIO(response.data))["Roll-up"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0]]
    header = rows[0]
    lines = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    assert any(line["Level"] == "Strategy" and line["Code"] == link.code for line in lines)
    assert any(line["Level"] == "Strategy" and line["Name"] == "Without a strategy" for line in lines)
    assert ("Rule", "Σ(progress × tenant's weight) ÷ Σ weight") in [(r[0], r[1]) for r in rows]
    weighed = next(line for line in lines if line["Level"] == "Dimension" and line["Code"] == dims[0])
    assert weighed["Weight"] == 2 and weighed["Rule"]

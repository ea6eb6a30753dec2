"""The verification queue and the reports list cost the same number of SQL statements with 1 report as
with 5 (the issue's rule: constant whatever the size)."""

from app.extensions import db
from app.reporting import reports
from tests.support.queries import count_queries

CODES = ("PLP-S-01", "PLP-S-03", "PLP-G-01", "PLP-B-01", "PLP-L-01")


def _submit(reporting, codes):
    demo = reporting.demo
    with demo.inside():
        for code in codes:
            report = reports.start_report(reporting.period_id, reporting.programs[code], actor=demo.actor)
            reports.update_report(
                report.id, {"progress_status": "on_track", "physical_pct": "10"}, actor=demo.actor
            )
            reports.submit_report(report.id, actor=demo.actor)
        db.session.commit()


def _statements(client, reporting, url) -> int:
    headers = reporting.headers()
    client.get(url, headers=headers)  # the token's first use is written once: measure the reads after it
    with count_queries(reporting.demo.app) as statements:
        assert client.get(url, headers=headers).status_code == 200
    return len(statements)


def test_the_queue_and_the_list_read_a_fixed_number_of_statements(client, reporting):
    from tests.conftest import login

    _submit(reporting, CODES[:1])
    api = f"{reporting.base}/reports?period_id={reporting.period_id}"
    few_api = _statements(client, reporting, api)
    login(client, "admin@kota-palopo.demo")
    page = f"/t/kota-palopo/reporting/periods/{reporting.period_id}/queue"
    client.get(page)
    with count_queries(reporting.demo.app) as few_page:
        assert client.get(page).status_code == 200
    _submit(reporting, CODES[1:])
    assert _statements(client, reporting, api) == few_api
    with count_queries(reporting.demo.app) as many_page:
        page_text = client.get(page).get_data(as_text=True)
    assert all(code in page_text for code in CODES)
    assert len(many_page) == len(few_page)

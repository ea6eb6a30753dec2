"""An import on a real rq worker (rq's own command, the Procfile's worker class) with a real Redis."""

from io import BytesIO

from openpyxl import load_workbook

from tests.masterplan_exchange.conftest import job_id, logged_in, upload, wait_for, workbook_bytes


def test_an_import_runs_on_a_worker_with_its_progress_on_the_job_page(client, city, rq_worker):
    logged_in(client, city)
    draft = city.new_draft("8.0")
    workbook = load_workbook(BytesIO(client.get(city.url(draft, "/template.xlsx")).data))
    for row, values in enumerate(
        (["P-1", "Command center 112", None, "SOC"], ["P-2", "Bank sampah digital", None, "ENV"]), start=3
    ):
        for column, value in enumerate(values, start=1):
            workbook["Program"].cell(row, column, value)
    for column, value in enumerate(["P-1", 2026, "APBD", 1_250_000_000], start=1):
        workbook["Anggaran Program"].cell(3, column, value)

    run_id = job_id(upload(client, city, workbook_bytes(workbook), draft))
    run = wait_for(
        lambda: (r := city.job(run_id)[0]).status in ("succeeded", "failed") and r,
        timeout=90,
        what="the worker to finish the import",
    )
    assert run.status == "succeeded", run.error
    assert run.message.startswith("Imported: 3 rows added")
    counts = city.counts(draft)
    assert (counts["programs"], counts["budget_lines"]) == (2, 1)
    page = client.get(f"/t/{city.slug}/jobs/{run_id}").get_data(as_text=True)
    assert 'aria-valuenow="100"' in page and "Imported" in page

"""Reporting periods: a year planned at the tenant's frequency with dates in its zone, opened, closed and
reopened (with a reason) by the tenant administrator only, every change in the audit log."""

from datetime import date

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import form_post, login


def test_a_year_is_planned_as_four_quarters_due_ten_days_after_each_ends(client, reporting):
    response = client.post(f"{reporting.base}/periods", json={"year": 2028}, headers=reporting.headers())
    assert response.status_code == 201
    quarters = response.get_json()
    # Labels are in the caller's language: Indonesian unless they chose another.
    assert [q["label"] for q in quarters] == [
        "Triwulan I 2028",
        "Triwulan II 2028",
        "Triwulan III 2028",
        "Triwulan IV 2028",
    ]
    second = quarters[1]
    assert (second["starts_on"], second["ends_on"]) == ("2028-04-01", "2028-06-30")
    assert (second["opens_on"], second["due_on"]) == ("2028-06-16", "2028-07-10")
    assert {q["status"] for q in quarters} == {"planned"}
    # Planned twice: refused, nothing added.
    again = client.post(f"{reporting.base}/periods", json={"year": 2028}, headers=reporting.headers())
    assert again.status_code == 409
    listed = client.get(f"{reporting.base}/periods?year=2028", headers=reporting.headers()).get_json()
    assert len(listed) == 4


def test_a_tenant_reporting_per_semester_plans_two_periods(client, reporting):
    response = client.patch(
        f"{reporting.base}/settings",
        json={"frequency": "semester", "reminder_days": 5},
        headers={
            **reporting.headers(),
            "If-Match": client.get(f"{reporting.base}/settings", headers=reporting.headers()).headers["ETag"],
        },
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reminder_days"] == 5
    planned = client.post(f"{reporting.base}/periods", json={"year": 2029}, headers=reporting.headers())
    assert [p["label"] for p in planned.get_json()] == ["Semester I 2029", "Semester II 2029"]
    assert planned.get_json()[1]["ends_on"] == "2029-12-31"


def test_closing_locks_and_a_reopen_needs_a_reason_which_the_audit_log_keeps(client, reporting):
    url = f"{reporting.base}/periods/{reporting.period_id}/transitions"
    closed = client.post(url, json={"action": "close"}, headers=reporting.headers())
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert client.post(url, json={"action": "close"}, headers=reporting.headers()).status_code == 409
    no_reason = client.post(url, json={"action": "reopen"}, headers=reporting.headers())
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    reopened = client.post(
        url,
        json={"action": "reopen", "reason": "Dinas Pendidikan terlambat karena banjir"},
        headers=reporting.headers(),
    )
    assert reopened.status_code == 200
    assert reopened.get_json()["status"] == "open"
    assert reopened.get_json()["reopen_reason"] == "Dinas Pendidikan terlambat karena banjir"
    with reporting.demo.inside():
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == "ReportingPeriod",
                AuditEntry.object_id.contains(str(reporting.period_id)),
            )
        ).all()
        changes = [(e.action, e.user_id, e.after) for e in entries]
    assert any("Dinas Pendidikan terlambat karena banjir" in str(c) for c in changes)
    assert any("closed" in str(c) for c in changes)
    # who did it: the administrator whose token it was
    assert reporting.demo.admin_id in {user_id for _action, user_id, _after in changes}


def test_only_the_tenant_administrator_manages_periods(client, reporting):
    url = f"{reporting.base}/periods/{reporting.period_id}/transitions"
    for who in ("operator", "planner", "viewer"):
        response = client.post(url, json={"action": "close"}, headers=reporting.headers(who))
        assert response.status_code == 403, who
        assert client.get(f"{reporting.base}/periods", headers=reporting.headers(who)).status_code == 200


def test_dates_are_moved_on_the_page_and_a_due_date_before_the_opening_is_refused(client, reporting):
    login(client, "admin@kota-palopo.demo")
    page = f"/t/kota-palopo/reporting/periods/{reporting.period_id}"
    refused = form_post(client, page, {"opens_on": "2024-03-20", "due_on": "2024-03-01"})
    assert refused.status_code == 422
    refused_page = refused.get_data(as_text=True)
    # the field is marked and keeps what was typed
    assert 'is-invalid" type="date" id="f-due_on" name="due_on" value="2024-03-01"' in refused_page
    saved = form_post(client, page, {"opens_on": "2024-03-20", "due_on": "2024-04-15"})
    assert saved.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "15 Apr 2024" in shown and "WITA" in shown
    listed = client.get("/t/kota-palopo/reporting/periods").get_data(as_text=True)
    assert "I 2024" in listed


def test_the_periods_page_plans_opens_and_closes(client, reporting):
    login(client, "admin@kota-palopo.demo")
    assert form_post(client, "/t/kota-palopo/reporting/periods", {"year": "2030"}).status_code == 302
    listed = client.get("/t/kota-palopo/reporting/periods").get_data(as_text=True)
    assert "IV 2030" in listed
    with reporting.demo.inside():
        from app.reporting.models import ReportingPeriod

        period = db.session.scalar(
            select(ReportingPeriod).where(ReportingPeriod.year == 2030, ReportingPeriod.number == 1)
        )
        assert period.due_on == date(2030, 4, 10)
        period_id = period.id
    url = f"/t/kota-palopo/reporting/periods/{period_id}/transition"
    assert form_post(client, url, {"action": "open"}).status_code == 302
    assert form_post(client, url, {"action": "reopen", "reason": ""}).status_code == 302
    with reporting.demo.inside():
        assert db.session.get(ReportingPeriod, (reporting.demo.tenant_id, period_id)).status == "open"

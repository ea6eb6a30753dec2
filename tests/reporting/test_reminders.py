"""The daily reminder job mails each OPD operator whose programs still lack a report with the secretariat:
once in the days before the period's due date (as many as the tenant administrator chose), once more when
it is overdue, never twice for the same period and kind, however often the job runs."""

from datetime import UTC, datetime, time, timedelta

from app.extensions import db
from app.jobs.schedules import fire
from app.reporting import periods
from app.reporting.models import ReportingPeriod
from tests.mail.test_mail_delivery import smtp  # noqa: F401 - fixture

OPERATOR, KOMINFO = "opd@kota-palopo.demo", "operator.kominfo@palopo.test"


def _due_on(reporting):
    with reporting.demo.inside():
        return db.session.get(ReportingPeriod, (reporting.demo.tenant_id, reporting.period_id)).due_on


def _fire_on(app, day):
    """The scheduler's run for ``day`` (01:00 UTC, the morning in Palopo)."""
    fire("reminders", datetime.combine(day, time(1, 0), UTC), app)


def _post(client, reporting, path, who, **body):
    return client.post(f"{reporting.base}{path}", json=body, headers=reporting.headers(who))


def test_operators_are_reminded_before_the_due_date_and_once_overdue(app, reporting, smtp):  # noqa: F811
    due = _due_on(reporting)
    _fire_on(app, due - timedelta(days=8))  # the default lead time is 7 days: too early
    assert smtp.messages == []

    _fire_on(app, due - timedelta(days=3))
    reminded = {m["To"]: m for m in smtp.messages}
    assert sorted(reminded) == [OPERATOR, KOMINFO]
    mail = reminded[OPERATOR]
    assert "Triwulan I 2024" in mail["Subject"]
    assert "PLP-S-02" in mail.get_content()  # the program DISDIK leads
    assert "PLP-S-01" not in mail.get_content()  # DISKOMINFO's, in the other operator's mail
    assert "PLP-S-01" in reminded[KOMINFO].get_content()
    assert f"/t/kota-palopo/reporting/periods/{reporting.period_id}/grid" in mail.get_content()

    smtp.messages.clear()
    _fire_on(app, due - timedelta(days=3))  # the same tick again
    _fire_on(app, due - timedelta(days=2))  # the next morning
    assert smtp.messages == []

    _fire_on(app, due + timedelta(days=1))
    assert sorted(m["To"] for m in smtp.messages) == [OPERATOR, KOMINFO]
    assert all("lewat jatuh tempo" in m["Subject"] for m in smtp.messages)
    smtp.messages.clear()
    _fire_on(app, due + timedelta(days=2))
    assert smtp.messages == []


def test_an_operator_whose_reports_are_all_submitted_is_not_reminded(
    app,
    client,
    reporting,
    smtp,  # noqa: F811
):
    started = _post(
        client,
        reporting,
        "/reports",
        "operator",
        period_id=str(reporting.period_id),
        program_id=str(reporting.programs["PLP-S-02"]),
    ).get_json()
    url = f"{reporting.base}/reports/{started['id']}"
    etag = client.get(url, headers=reporting.headers("operator")).headers["ETag"]
    client.patch(
        url,
        json={"progress_status": "on_track", "physical_pct": 40, "narrative": "Berjalan sesuai rencana."},
        headers={**reporting.headers("operator"), "If-Match": etag},
    )
    submitted = _post(client, reporting, f"/reports/{started['id']}/transitions", "operator", action="submit")
    assert submitted.status_code == 200
    smtp.messages.clear()

    _fire_on(app, _due_on(reporting) - timedelta(days=1))
    assert [m["To"] for m in smtp.messages] == [KOMINFO]


def test_the_lead_time_is_the_administrators_choice(app, client, reporting, smtp):  # noqa: F811
    with reporting.demo.inside():
        periods.update_settings({"reminder_days": 14}, actor=reporting.demo.actor)
        db.session.commit()
    _fire_on(app, _due_on(reporting) - timedelta(days=12))
    assert sorted(m["To"] for m in smtp.messages) == [OPERATOR, KOMINFO]

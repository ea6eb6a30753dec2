"""Every workflow step mails the people concerned, through a real SMTP server, once the step commits: a
submitted report reaches the administrators and planners, a returned one its OPD's operators with the
comment and a link, a verified one the same; a refused step mails nobody."""

from tests.mail.test_mail_delivery import smtp  # noqa: F401 - fixture


def _post(client, reporting, path, who, **body):
    return client.post(f"{reporting.base}{path}", json=body, headers=reporting.headers(who))


def test_submit_return_and_verify_mail_the_people_concerned(client, reporting, smtp):  # noqa: F811
    started = _post(
        client,
        reporting,
        "/reports",
        "operator",
        period_id=str(reporting.period_id),
        program_id=str(reporting.programs["PLP-S-02"]),
    ).get_json()
    rid = started["id"]
    url = f"{reporting.base}/reports/{rid}"
    etag = client.get(url, headers=reporting.headers("operator")).headers["ETag"]
    client.patch(
        url,
        json={"progress_status": "on_track", "physical_pct": 30},
        headers={**reporting.headers("operator"), "If-Match": etag},
    )
    # Refused (the operator may not verify): nothing is sent.
    assert (
        _post(client, reporting, f"/reports/{rid}/transitions", "operator", action="verify").status_code
        == 403
    )
    assert smtp.messages == []

    assert (
        _post(client, reporting, f"/reports/{rid}/transitions", "operator", action="submit").status_code
        == 200
    )
    to = sorted(m["To"] for m in smtp.messages)
    assert to == ["admin@kota-palopo.demo", "kabid@bappeda-palopo.test"]
    assert "PLP-S-02" in smtp.messages[0]["Subject"]
    assert f"/t/kota-palopo/reporting/reports/{rid}" in smtp.messages[0].get_content()

    smtp.messages.clear()
    _post(
        client,
        reporting,
        f"/reports/{rid}/transitions",
        "planner",
        action="return",
        comment="Foto belum ada.",
    )
    (returned,) = smtp.messages
    assert returned["To"] == "opd@kota-palopo.demo"
    assert "dikembalikan" in returned["Subject"]
    assert "Foto belum ada." in returned.get_content()

    smtp.messages.clear()
    _post(client, reporting, f"/reports/{rid}/transitions", "operator", action="submit")
    smtp.messages.clear()
    _post(client, reporting, f"/reports/{rid}/transitions", "admin", action="verify")
    (verified,) = smtp.messages
    assert verified["To"] == "opd@kota-palopo.demo" and "diverifikasi" in verified["Subject"]


def test_seeding_the_demo_mails_nobody(app, smtp):  # noqa: F811
    from app.demo import seed_demo
    from app.extensions import db

    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    assert smtp.messages == []

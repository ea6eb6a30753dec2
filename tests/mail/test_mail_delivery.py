"""Mail goes through a real SMTP server (aiosmtpd on loopback) and is read back as a person would."""

import logging
import re
from email import message_from_bytes, policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.core.mail import render_mail, send_template
from tests.conftest import form_post, login
from tests.support.services import free_port


class Inbox:
    def __init__(self):
        self.messages: list[Message] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login.decode())
        return AuthResult(success=auth_data.password == b"rahasia-smtp")


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on loopback, with the app configured to send through it (with a login)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate, auth_require_tls=False
    )
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "kotacerdas")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "rahasia-smtp")
    yield inbox
    controller.stop()


def _body(message: Message) -> str:
    return message.get_content()


def test_an_invitation_from_the_members_page_arrives_in_indonesian_with_a_working_link(
    palopo, client, smtp, app
):
    login(client, "admin@kota-palopo.demo")
    response = form_post(
        client, "/t/kota-palopo/members/invite", {"email": "kabid@palopo.go.id", "role": "planner"}
    )
    assert response.status_code == 302
    (message,) = smtp.messages
    assert smtp.logins == ["kotacerdas"]
    assert message["To"] == "kabid@palopo.go.id"
    assert message["From"] == app.config["MAIL_SENDER"]
    assert message["Subject"] == "Undangan bergabung dengan Kota Palopo di Kota Cerdas"
    body = _body(message)
    assert "sebagai Perencana (Bappeda)" in body and "berlaku 14 hari" in body
    link = re.search(r"http://localhost(/t/kota-palopo/invitations/\S+)", body).group(1)
    invitee = app.test_client()
    page = invitee.get(link)
    assert page.status_code == 200 and "kabid@palopo.go.id" in page.get_data(as_text=True)


def test_the_requester_of_a_long_job_gets_a_mail_in_the_language_they_asked_in(
    palopo, client, smtp, app, monkeypatch
):
    monkeypatch.setitem(app.config, "JOBS_MAIL_AFTER_SECONDS", 0)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kotacerdas.example.id")
    login(client, "admin@kota-palopo.demo")
    form_post(client, "/locale", {"locale": "en", "next": "/"})
    with form_post(client, "/t/kota-palopo/jobs", {"kind": "members_export"}) as response:
        job_url = response.headers["Location"]
    (message,) = smtp.messages
    assert message["To"] == "admin@kota-palopo.demo"
    assert message["Subject"] == "Done: Members to Excel · Kota Palopo"
    body = _body(message)
    assert body.startswith("Dear Admin Kota Palopo,")
    assert "2 members exported." in body
    # The job ran after the response, outside any request: the link is built on PUBLIC_BASE_URL.
    assert f"https://kotacerdas.example.id{job_url}" in body


def test_a_failed_job_mail_carries_the_error_in_indonesian(palopo, smtp, app, monkeypatch):
    import tests.support.jobkinds  # noqa: F401 - the failing test job

    monkeypatch.setitem(app.config, "JOBS_MAIL_AFTER_SECONDS", 0)
    run_id = palopo.start("test_steps", steps=2, delay=0, fail_at=1)
    assert palopo.job(run_id)[0] == "failed"
    (message,) = smtp.messages
    assert message["Subject"] == "Gagal: Test steps · Kota Palopo"
    body = _body(message)
    assert "gagal dan tidak menyimpan hasil apa pun" in body
    assert "Kesalahan: RuntimeError: step 1 broke" in body


def test_without_a_mail_server_mail_goes_to_the_log(app_ctx, app, monkeypatch):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("kotacerdas.mail")
    # Alembic's logging set-up, run in this process by the app fixture, disables existing loggers.
    monkeypatch.setattr(logger, "disabled", False)
    logger.addHandler(handler)
    try:
        assert app.config["MAIL_SERVER"] is None
        send_template(
            "someone@example.id",
            "invitation",
            locale="en",
            tenant={"name": "Kota Balikpapan"},
            role="viewer",
            link="http://x/accept",
            days=14,
        )
    finally:
        logger.removeHandler(handler)
    (record,) = records
    text = record.getMessage()
    assert "Invitation to join Kota Balikpapan on Kota Cerdas" in text and "http://x/accept" in text


def test_a_template_missing_in_a_language_falls_back_to_indonesian(app_ctx):
    subject, body = render_mail(
        "invitation", "fr", tenant={"name": "Kota Palopo"}, role="viewer", link="L", days=14
    )
    assert subject.startswith("Undangan") and body.endswith("Kota Cerdas · Kota Palopo\n")

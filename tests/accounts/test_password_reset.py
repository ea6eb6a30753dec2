"""A forgotten password is reset through a link mailed to the account's address: the link works once,
expires, is stored only as a hash, and points at the site's own address whatever Host the request
named; the form answers the same for an address nobody uses."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import self_service
from app.accounts.models import AccountLink
from app.extensions import db
from tests.conftest import CSRF_RE, csrf_token, form_post, login
from tests.factories import PASSWORD, make_tenant
from tests.support.mail import link_in

BASE = "https://kotacerdas.example.id"
NEW = "sandi-baru-yang-panjang"


@pytest.fixture
def palopo(app_ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    return make_tenant("73.73", "kota-palopo")


def _ask(client, email: str, headers: dict | None = None):
    page = client.get("/password/forgot", headers=headers).get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    return client.post("/password/forgot", data={"email": email, "csrf_token": token}, headers=headers)


def _reset(client, path: str, password: str = NEW, again: str | None = None):
    return client.post(
        path,
        data={
            "new_password": password,
            "confirm_password": password if again is None else again,
            "csrf_token": csrf_token(client),
        },
    )


def test_a_reset_link_arrives_in_indonesian_and_sets_a_new_password_once(app, palopo, smtp):
    browser = app.test_client()
    logged_in = app.test_client()
    assert login(logged_in, palopo.admin_email, PASSWORD).status_code == 302

    asked = _ask(browser, palopo.admin_email, headers={"Host": "evil.example"})
    assert asked.status_code == 303 and asked.headers["Location"] == "/password/forgot/sent"
    sent = browser.get("/password/forgot/sent").get_data(as_text=True)
    assert "Check your inbox" in sent or "Periksa kotak masuk" in sent

    (mail,) = smtp.to(palopo.admin_email)
    assert mail["Subject"] == "Atur ulang kata sandi Kota Cerdas Anda"
    body = mail.get_content()
    assert "berlaku 1 jam, hanya sekali pakai" in body
    # The link is on the site's own address, not on the Host header the request sent.
    assert "evil.example" not in body
    path = link_in(body, BASE)

    page = browser.get(path)
    assert page.status_code == 200 and palopo.admin_email in page.get_data(as_text=True)
    differ = _reset(browser, path, again="something-else-entirely")
    assert differ.status_code == 422 and 'id="f-confirm_password-error"' in differ.get_data(as_text=True)
    short = _reset(browser, path, password="pendek")
    assert short.status_code == 422 and 'id="f-new_password-error"' in short.get_data(as_text=True)

    done = _reset(browser, path)
    assert done.status_code == 303 and done.headers["Location"] == "/login"
    # The link is used up; the old password no longer opens the account, the new one does.
    assert browser.get(path).status_code == 404
    assert _reset(app.test_client(), path).status_code == 404
    assert login(app.test_client(), palopo.admin_email, PASSWORD).status_code == 401
    assert login(app.test_client(), palopo.admin_email, NEW).status_code == 302
    # Whoever was logged in with the old password is signed out.
    assert logged_in.get("/t/kota-palopo/").status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, palopo, smtp):
    client = app.test_client()
    unknown = _ask(client, "nobody@palopo.go.id")
    known = _ask(app.test_client(), palopo.admin_email)
    assert unknown.status_code == known.status_code == 303
    assert unknown.headers["Location"] == known.headers["Location"]
    assert [m["To"] for m in smtp.messages] == [palopo.admin_email]
    bad = _ask(client, "not an address")
    assert bad.status_code == 422 and 'id="f-email-error"' in bad.get_data(as_text=True)


def test_only_the_hash_of_the_link_is_stored_and_a_newer_link_retires_the_older(
    app, palopo, smtp, monkeypatch
):
    monkeypatch.setattr(self_service, "RESET_RESEND_AFTER", timedelta(0))
    _ask(app.test_client(), palopo.admin_email)
    _ask(app.test_client(), palopo.admin_email)
    first, second = (link_in(m.get_content(), BASE) for m in smtp.to(palopo.admin_email))
    token = second.rsplit("/", 1)[1]
    stored = db.session.scalars(select(AccountLink.token_hash)).all()
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert all(token not in value for value in stored)
    client = app.test_client()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_asking_again_at_once_sends_no_second_mail(app, palopo, smtp):
    for _ in range(3):
        assert _ask(app.test_client(), palopo.admin_email).status_code == 303
    assert len(smtp.to(palopo.admin_email)) == 1


def test_an_expired_link_opens_nothing(app, palopo, smtp, monkeypatch):
    monkeypatch.setitem(self_service.LIFETIMES, self_service.PASSWORD_RESET, timedelta(seconds=-1))
    _ask(app.test_client(), palopo.admin_email)
    path = link_in(smtp.to(palopo.admin_email)[0].get_content(), BASE)
    client = app.test_client()
    assert client.get(path).status_code == 404
    assert _reset(client, path).status_code == 404
    assert login(app.test_client(), palopo.admin_email, PASSWORD).status_code == 302


def test_on_the_embedded_default_the_mail_is_written_to_the_log_and_works(app, palopo, mail_log):
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login_page
    assert _ask(client, palopo.admin_email).status_code == 303
    (text,) = mail_log.texts
    assert f"mail to {palopo.admin_email}: Atur ulang kata sandi Kota Cerdas Anda" in text
    assert _reset(client, link_in(text, BASE)).status_code == 303
    assert login(app.test_client(), palopo.admin_email, NEW).status_code == 302


def test_a_link_mailed_in_english_to_someone_who_chose_english(app, palopo, smtp):
    client = app.test_client()
    login(client, palopo.admin_email, PASSWORD)
    form_post(client, "/locale", {"locale": "en", "next": "/"})
    _ask(app.test_client(), palopo.admin_email)
    (mail,) = smtp.to(palopo.admin_email)
    assert mail["Subject"] == "Reset your Kota Cerdas password"
    assert "valid for 1 hour, usable once" in mail.get_content()

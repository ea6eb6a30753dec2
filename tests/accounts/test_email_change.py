"""A person changes their own email address: the current password confirms it is them, a link goes to
the new address, nothing changes until it is opened there, and the old address is told afterwards."""

import pytest

from app.accounts import services as accounts
from tests.conftest import csrf_token, form_post, login
from tests.factories import PASSWORD, make_tenant
from tests.support.mail import link_in

BASE = "https://kotacerdas.example.id"
NEW = "kominfo@palopo.go.id"


@pytest.fixture
def palopo(app_ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    return make_tenant("73.73", "kota-palopo")


def _browser(app, email):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code == 302
    return client


def _change(client, email, password=PASSWORD):
    return form_post(client, "/account/email", {"email": email, "current_password": password})


def test_the_new_address_is_used_once_confirmed_from_its_own_inbox(app, palopo, smtp):
    browser = _browser(app, palopo.admin_email)
    page = browser.get("/account/email").get_data(as_text=True)
    assert palopo.admin_email in page

    wrong = _change(browser, NEW, password="not-my-password")
    assert wrong.status_code == 422 and 'id="f-current_password-error"' in wrong.get_data(as_text=True)
    assert smtp.messages == []

    asked = _change(browser, NEW)
    assert asked.status_code == 303
    waiting = browser.get("/account/email").get_data(as_text=True)
    assert NEW in waiting and "alert-info" in waiting
    (mail,) = smtp.to(NEW)
    assert mail["Subject"] == "Konfirmasi alamat surel baru Anda di Kota Cerdas"
    path = link_in(mail.get_content(), BASE)
    # Nothing changed yet: the account still logs in with the old address.
    assert login(app.test_client(), palopo.admin_email, PASSWORD).status_code == 302

    # Opening the link (a mail scanner does too) changes nothing; the button does.
    opened = app.test_client().get(path)
    assert opened.status_code == 200 and NEW in opened.get_data(as_text=True)
    assert accounts.find_user_by_email(NEW) is None
    confirmer = app.test_client()
    confirmed = confirmer.post(path, data={"csrf_token": csrf_token(confirmer)})
    assert confirmed.status_code == 303

    assert login(app.test_client(), NEW, PASSWORD).status_code == 302
    assert login(app.test_client(), palopo.admin_email, PASSWORD).status_code == 401
    (notice,) = smtp.to(palopo.admin_email)
    assert NEW in notice.get_content() and "Diskominfo" in notice.get_content()
    # The link is used up.
    assert app.test_client().get(path).status_code == 404


def test_an_address_another_account_uses_is_refused(app, palopo, smtp):
    accounts.create_user("bappeda@palopo.go.id", "Bappeda", PASSWORD)
    from app.extensions import db

    db.session.commit()
    browser = _browser(app, palopo.admin_email)
    taken = _change(browser, "Bappeda@Palopo.go.id")
    assert taken.status_code == 422 and 'id="f-email-error"' in taken.get_data(as_text=True)
    same = _change(browser, palopo.admin_email)
    assert same.status_code == 422
    assert smtp.messages == []


def test_the_account_menu_links_to_the_email_page_and_it_needs_a_login(app, palopo):
    assert app.test_client().get("/account/email").status_code == 302
    browser = _browser(app, palopo.admin_email)
    assert 'href="/account/email"' in browser.get("/account/sessions").get_data(as_text=True)

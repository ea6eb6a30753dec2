"""Every refused login shows a clear page and creates no account and no session; each is audited, but
a callback for which no login was started (anyone can send one) is only counted in the log."""

import pytest

from app.core.auth import SYSTEM
from app.extensions import db
from app.tenants import services as tenants
from tests.factories import PASSWORD
from tests.sso.conftest import add_provider, counts, logged_in, set_provider
from tests.support.idp import Person, start_idp


def _assert_refused(
    response, reason: str, status: int, before: dict, person, audit, slug="kota-palopo", audited=True
):
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:500]
    assert f'data-refusal="{reason}"' in page
    assert "Back to the login page" in page or "Kembali ke halaman masuk" in page
    assert counts() == before
    assert not logged_in(person.client, slug)
    assert audit.refusals() == ([reason] if audited else [])


@pytest.mark.parametrize(
    ("client_id", "reason"),
    [
        ("kc-wrong-nonce", "nonce"),
        ("kc-wrong-issuer", "issuer"),
        ("kc-wrong-audience", "audience"),
        ("kc-expired", "expired"),
        ("kc-bad-signature", "signature"),
    ],
)
def test_a_spoiled_id_token_is_refused(palopo, person, audit, client_id, reason):
    set_provider(palopo, client_id=client_id)
    before = counts()
    response = person.sso_login(palopo.start_path, "palopo-disdik")
    _assert_refused(response, reason, 401, before, person, audit)


def test_a_tampered_state_is_refused(palopo, person, audit):
    before = counts()
    started = person.start(palopo.start_path)
    back = person.log_in_at_provider(started.headers["Location"], "palopo-disdik")
    state = back.split("state=", 1)[1].split("&", 1)[0]
    response = person.back_to_app(back.replace(f"state={state}", f"state={state[:-2]}xx"))
    # No login was started with that state: anyone could send it, so it is not in the audit log.
    _assert_refused(response, "no_login_started", 400, before, person, audit, audited=False)


def test_an_answer_replayed_in_another_browser_is_refused(palopo, person, client, app, audit):
    before = counts()
    started = person.start(palopo.start_path)
    back = person.log_in_at_provider(started.headers["Location"], "palopo-disdik")
    stranger = Person(app.test_client())  # holds no state for this login
    response = stranger.back_to_app(back)
    _assert_refused(response, "no_login_started", 400, before, stranger, audit, audited=False)


def test_an_answer_naming_another_issuer_is_refused(palopo, person, audit):
    before = counts()
    started = person.start(palopo.start_path)
    back = person.log_in_at_provider(started.headers["Location"], "palopo-disdik")
    response = person.back_to_app(back.replace("iss=http%3A%2F%2F127.0.0.1", "iss=http%3A%2F%2Fevil.example"))
    _assert_refused(response, "issuer", 401, before, person, audit)


def test_a_login_cancelled_at_the_provider_is_refused(palopo, person, audit):
    before = counts()
    started = person.start(palopo.start_path)
    response = person.back_to_app(person.cancel_at_provider(started.headers["Location"]))
    _assert_refused(response, "cancelled", 401, before, person, audit)
    assert "Login cancelled" in response.get_data(as_text=True) or "dibatalkan" in response.get_data(
        as_text=True
    )


def test_an_email_outside_the_allowed_domains_is_refused(palopo, person, audit):
    before = counts()
    response = person.sso_login(palopo.start_path, "outsider")
    _assert_refused(response, "email_domain", 403, before, person, audit)


def test_an_opd_claim_matching_no_opd_is_refused_when_the_mapping_requires_one(palopo, person, audit):
    before = counts()
    response = person.sso_login(palopo.start_path, "palopo-no-opd")
    _assert_refused(response, "opd_unknown", 403, before, person, audit)


def test_an_unmatched_opd_is_accepted_when_not_required(palopo, person):
    set_provider(palopo, opd_required=False)
    response = person.sso_login(palopo.start_path, "palopo-no-opd")
    assert response.status_code == 302
    assert logged_in(person.client, "kota-palopo")


def test_a_suspended_tenant_refuses_at_the_button_and_at_the_callback(palopo, person, audit):
    before = counts()
    started = person.start(palopo.start_path)
    back = person.log_in_at_provider(started.headers["Location"], "palopo-disdik")
    tenants.set_tenant_status(palopo.setup.tenant_id, "suspended", actor=SYSTEM)
    db.session.commit()
    response = person.back_to_app(back)
    _assert_refused(response, "suspended", 403, before, person, audit)
    response = person.start(palopo.start_path)
    assert 'data-refusal="suspended"' in response.get_data(as_text=True)
    assert counts() == before


def test_a_provider_that_is_down_gives_a_friendly_page_and_password_login_still_works(palopo, client, audit):
    down = start_idp()
    provider_id = add_provider(palopo.setup, down.issuer, label="Provider yang mati")
    down.stop()
    before = counts()
    person = Person(client)
    response = person.start(f"/t/kota-palopo/sso/{provider_id}/login")
    _assert_refused(response, "provider_down", 503, before, person, audit)
    assert "not available" in response.get_data(as_text=True) or "tidak tersedia" in response.get_data(
        as_text=True
    )
    login_page = client.get("/t/kota-palopo/login").get_data(as_text=True)
    token = login_page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/t/kota-palopo/login",
        data={"email": palopo.setup.admin_email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert logged_in(client, "kota-palopo")


def test_a_wrong_password_at_the_provider_never_reaches_the_app(palopo, person):
    started = person.start(palopo.start_path)
    form = person.login_form(started.headers["Location"])
    response = person.web.post(form.url + "/login", data={"login": "palopo-disdik", "password": "wrong"})
    assert response.status_code == 401
    assert not logged_in(person.client, "kota-palopo")

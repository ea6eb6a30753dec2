"""Local login: argon2 hashes, one generic refusal, a limit on failures, cookies and CSRF, logout."""

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.conftest import csrf_token, form_post, login
from tests.factories import PASSWORD, make_tenant


def test_passwords_are_stored_as_argon2_hashes(app_ctx):
    setup = make_tenant("73.73", "kota-palopo")
    user = db.session.scalar(select(User).where(User.email == setup.admin_email))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_lands_a_single_tenant_admin_on_their_dashboard(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    response = login(client, setup.admin_email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/t/kota-palopo/"
    page = client.get("/t/kota-palopo/").get_data(as_text=True)
    assert "Kota Palopo" in page and "Sulawesi Selatan" in page


def test_wrong_password_and_unknown_email_get_the_same_message(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    wrong = login(client, setup.admin_email, "not-the-password")
    unknown = login(client, "nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert _alert(wrong)
    assert _alert(wrong) == _alert(unknown)


def _alert(response) -> str:
    import re

    match = re.search(
        r'<div class="alert alert-danger" role="alert">([^<]+)</div>', response.get_data(as_text=True)
    )
    return match.group(1).strip() if match else ""


def test_failed_attempts_from_one_address_are_limited_even_for_the_right_password(app_ctx, client, app):
    """More in tests/accounts/test_throttling.py: the owner still signs in from another address."""
    setup = make_tenant("73.73", "kota-palopo")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, setup.admin_email, "wrong-password-x").status_code == 401
    blocked = login(client, setup.admin_email, PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert client.get("/t/kota-palopo/").status_code == 302  # still not logged in


def test_session_cookie_is_httponly_and_samesite(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    response = login(client, setup.admin_email, PASSWORD)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("kc_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_forms_without_a_csrf_token_are_refused(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    response = client.post("/login", data={"email": setup.admin_email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account/tokens").status_code == 302


def test_logout_ends_the_session(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    login(client, setup.admin_email, PASSWORD)
    assert client.get("/t/kota-palopo/").status_code == 200
    response = form_post(client, "/logout")
    assert response.status_code == 302
    assert client.get("/t/kota-palopo/").status_code == 302


def test_login_never_redirects_to_another_site(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={
            "email": setup.admin_email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["Location"] == "/t/kota-palopo/"


def test_tenant_login_page_names_the_tenant(app_ctx, client):
    make_tenant("73.73", "kota-palopo")
    page = client.get("/t/kota-palopo/login").get_data(as_text=True)
    assert "Kota Palopo" in page
    assert client.get("/t/no-such-city/login").status_code == 404


def test_stored_passwords_use_argon2id_at_production_cost():
    from argon2 import Type, extract_parameters

    from app.accounts import services

    # Made at import by the production hasher (tests swap in a lighter one afterwards).
    params = extract_parameters(services._DUMMY_HASH)
    assert params.type is Type.ID
    assert params.time_cost >= 2 and params.memory_cost >= 19 * 1024

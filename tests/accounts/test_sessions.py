"""Sessions live on the server: logging out, changing the password, suspending an account or a tenant
and removing a membership end them at once, so a copied cookie stops working; people see where they
are logged in and can sign out everywhere."""

import pytest

from app.accounts import services as accounts
from app.core.auth import VIEWER
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import csrf_token, form_post, login
from tests.factories import PASSWORD, admin_actor, make_tenant, person

COOKIE = "kc_session"
MEMBER = "staf@palopo.test"


@pytest.fixture
def palopo(app_ctx):
    setup = make_tenant("73.73", "kota-palopo")
    member = accounts.create_user(MEMBER, "Staf", PASSWORD)
    with tenant_context(setup.tenant_id):
        tenants.add_member(member.id, VIEWER, actor=admin_actor(setup))
    db.session.commit()
    return setup


def _browser(app, email=MEMBER):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code == 302
    return client


def _copy(app, client):
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def _opens_the_tenant(client) -> bool:
    return client.get("/t/kota-palopo/").status_code == 200


def test_a_copied_cookie_stops_working_at_logout(app, palopo):
    browser = _browser(app)
    thief = _copy(app, browser)
    assert _opens_the_tenant(thief)
    form_post(browser, "/logout")
    assert not _opens_the_tenant(thief)
    assert thief.get("/account/sessions").headers["Location"].startswith("/login")


def test_changing_the_password_signs_out_every_other_browser(app, palopo):
    browser, other = _browser(app), _browser(app)
    thief = _copy(app, other)
    wrong = form_post(
        browser,
        "/account/password",
        {
            "current_password": "not-it",
            "new_password": "a-new-password-1",
            "confirm_password": "a-new-password-1",
        },
    )
    assert wrong.status_code == 422 and 'id="f-current_password-error"' in wrong.get_data(as_text=True)
    assert _opens_the_tenant(other)

    changed = form_post(
        browser,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a-new-password-1",
            "confirm_password": "a-new-password-1",
        },
    )
    assert changed.status_code == 302
    assert _opens_the_tenant(browser)  # the browser that changed it stays
    assert not _opens_the_tenant(other)
    assert not _opens_the_tenant(thief)
    assert login(app.test_client(), MEMBER, "a-new-password-1").status_code == 302


def test_suspending_an_account_ends_its_sessions(app, palopo):
    browser = _browser(app)
    thief = _copy(app, browser)
    result = app.test_cli_runner().invoke(args=["accounts", "suspend", MEMBER])
    assert result.exit_code == 0, result.output
    assert not _opens_the_tenant(browser) and not _opens_the_tenant(thief)
    assert login(app.test_client(), MEMBER, PASSWORD).status_code == 401
    app.test_cli_runner().invoke(args=["accounts", "reactivate", MEMBER])
    assert _opens_the_tenant(_browser(app))
    assert not _opens_the_tenant(thief)  # a reactivation does not bring ended sessions back


def test_suspending_a_tenant_ends_its_members_sessions(app, palopo):
    browser = _browser(app)
    platform = app.test_client()
    accounts.create_user("ops@kotacerdas.test", "Ops", PASSWORD, platform_role="platform_admin")
    db.session.commit()
    login(platform, "ops@kotacerdas.test", PASSWORD)
    response = form_post(platform, f"/admin/tenants/{palopo.tenant_id}/status", {"status": "suspended"})
    assert response.status_code == 302
    assert browser.get("/account/sessions").headers["Location"].startswith("/login")
    assert platform.get("/admin/tenants").status_code == 200  # the operator's own session stays


def test_people_see_their_sessions_and_sign_out_one_or_everywhere(app, palopo):
    laptop = _browser(app)
    phone = app.test_client()
    token = csrf_token(phone)
    phone.post(
        "/login",
        data={"email": MEMBER, "password": PASSWORD, "csrf_token": token},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile"},
    )
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert page.count('/end"') == 2
    assert "Chrome di Android" in page or "Chrome on Android" in page
    phone_session = next(
        s for s in accounts.active_sessions(actor=person(_user_id())) if "Android" in (s.user_agent or "")
    )

    assert form_post(laptop, f"/account/sessions/{phone_session.id}/end").status_code == 302
    assert not _opens_the_tenant(phone)
    assert _opens_the_tenant(laptop)

    # Nobody ends another person's session: it is not found.
    admin = _browser(app, palopo.admin_email)
    mine = accounts.active_sessions(actor=person(_user_id()))[0]
    assert form_post(admin, f"/account/sessions/{mine.id}/end").status_code == 404
    assert _opens_the_tenant(laptop)

    tablet = _browser(app)
    assert form_post(laptop, "/account/sessions/end-all").headers["Location"].startswith("/login")
    assert not _opens_the_tenant(laptop) and not _opens_the_tenant(tablet)
    assert accounts.active_sessions(actor=person(_user_id())) == []


def _user_id():
    return accounts.find_user_by_email(MEMBER).id

"""Error pages in the product's layout: 404, 403, 422, 500 and the suspended tenant; JSON for the API."""

import uuid

import pytest
from flask import Blueprint, abort
from sqlalchemy import text

from app.accounts import services as accounts
from app.core.auth import SYSTEM
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import login
from tests.factories import person
from tests.support.pages import second_app


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_an_unknown_page_is_a_404_in_the_layout(client, demo):
    login(client, "admin@kota-palopo.demo")
    response = client.get("/t/kota-palopo/no-such-page?lang=en")
    page = _text(response)
    assert response.status_code == 404
    assert "<header" in page and "<footer" in page
    assert '<p class="kc-error-code mb-2" aria-hidden="true">404</p>' in page
    assert "Page not found" in page and "<title>Page not found ·" in page
    assert 'href="/">Go to the start page</a>' in page


def test_a_missing_object_in_a_tenant_leads_back_to_its_dashboard(client, demo):
    login(client, "admin@kota-palopo.demo")
    response = client.get(f"/t/kota-palopo/opds/{uuid.uuid4()}/edit?lang=en")
    assert response.status_code == 404
    assert 'href="/t/kota-palopo/">Back to the dashboard</a>' in _text(response)


def test_another_tenants_pages_are_a_404_that_names_nothing_of_it(client, demo):
    login(client, "admin@kota-palopo.demo")
    response = client.get("/t/kota-balikpapan/opds?lang=en")
    assert response.status_code == 404
    assert "Balikpapan" not in _text(response)
    assert 'href="/">Go to the start page</a>' in _text(response)


def test_a_forbidden_page_is_a_403_in_the_tenants_layout(client, demo):
    login(client, "opd@kota-palopo.demo")
    response = client.get("/t/kota-palopo/members?lang=en")
    page = _text(response)
    assert response.status_code == 403
    assert "You do not have access to this page" in page
    assert "Ask your tenant administrator" in page
    assert "Kota Palopo" in page.split("</header>")[0]


def test_an_anonymous_visitor_is_offered_to_log_in(client, demo):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert 'href="/login?next=/no-such-page?lang%3Den">Log in</a>' in _text(response)


def test_a_suspended_tenant_shows_its_notice_without_its_menu(app, client, demo):
    with app.app_context():
        tenant = tenants.find_tenant_by_slug("kab-penajam-paser-utara")
        tenants.set_tenant_status(tenant.id, "suspended", actor=SYSTEM)
        db.session.commit()
    login(client, "admin@kab-penajam-paser-utara.demo")
    response = client.get("/t/kab-penajam-paser-utara/opds?lang=en")
    page = _text(response)
    assert response.status_code == 403
    assert "Kabupaten Penajam Paser Utara is suspended" in page
    assert "nothing was deleted" in page
    assert 'class="kc-nav' not in page and "kc-menu" not in page


def test_htmx_gets_the_error_alone_to_swap_in(client, demo):
    login(client, "admin@kota-palopo.demo")
    response = client.get("/t/kota-palopo/opds?page=x&lang=en", headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "<header" not in _text(response) and "Use a whole number from 1." in _text(response)


def test_api_errors_stay_english_json_while_pages_speak_indonesian(app, client, demo):
    with app.app_context():
        user = accounts.find_user_by_email("admin@kota-palopo.demo")
        tenant = tenants.find_tenant_by_slug("kota-palopo")
        _t, secret = accounts.create_api_token("test", tenant.id, actor=person(user.id))
        db.session.commit()
    response = client.post(
        "/api/v1/t/kota-palopo/opds",
        json={"code": "DISKOMINFO", "name": "Again"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"code": ["already used in this tenant"]}
    login(client, "admin@kota-palopo.demo")
    page = client.post(
        "/t/kota-palopo/opds",
        data={"code": "DISKOMINFO", "name": "Again", "csrf_token": _csrf(client)},
    )
    assert page.status_code == 409 and "sudah dipakai di pemda ini" in _text(page)


def _csrf(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/account/tokens")


# --- 500: a test-only route that fails -------------------------------------------------------------


@pytest.fixture
def failing_app(app):
    """The app with a test-only blueprint whose pages fail, answering as in production (no debugger,
    no propagation to the test)."""
    failing = second_app(app, TESTING=False, PROPAGATE_EXCEPTIONS=False)
    blueprint = Blueprint("failing", __name__)

    @blueprint.get("/failing/page")
    def page():
        raise RuntimeError("a bug")

    @blueprint.get("/failing/after-a-bad-query")
    def after_a_bad_query():
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))
        abort(200)

    @blueprint.get("/api/failing")
    def api():
        raise RuntimeError("a bug in the API")

    failing.register_blueprint(blueprint)
    return failing


def test_a_failure_is_a_500_page_in_the_layout(failing_app):
    client = failing_app.test_client()
    for url in ("/failing/page?lang=en", "/failing/after-a-bad-query?lang=en"):
        response = client.get(url)
        page = _text(response)
        assert response.status_code == 500, url
        assert "<header" in page and "Something went wrong on our side" in page
        assert "The error was logged" in page
        assert "a bug" not in page and "no_such_table" not in page


def test_an_api_failure_is_json(failing_app):
    response = failing_app.test_client().get("/api/failing")
    assert response.status_code == 500
    assert response.get_json()["code"] == "internal_error"


def test_when_the_layout_itself_fails_a_plain_page_still_answers(failing_app, monkeypatch):
    def broken():
        raise RuntimeError("the menu is broken")

    monkeypatch.setitem(failing_app.jinja_env.globals, "nav_sections", broken)
    response = failing_app.test_client().get("/failing/page")
    assert response.status_code == 500
    assert "Terjadi kesalahan / Something went wrong" in _text(response)

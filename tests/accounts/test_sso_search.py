"""The login page offers "log in with your city's SSO": a search among the tenants whose login page has
a sign-in service switched on, and, after an SSO login with a real provider, that tenant first."""

from tests.conftest import form_post
from tests.sso import conftest as sso_setup
from tests.support.idp import Person

# Fixtures of the SSO tests: a real OpenID provider (npm oidc-provider), started once a session.
idp = sso_setup.idp
SEARCH = '<section class="kc-sso-search'


def _login_page(client, query: str = "") -> str:
    return client.get(f"/login{query}").get_data(as_text=True)


def test_the_login_page_lists_only_tenants_with_a_provider_switched_on(app_ctx, client, idp):
    assert SEARCH not in _login_page(client)  # no tenant offers SSO yet
    palopo = sso_setup.sso_tenant("73.73", "kota-palopo", ["DISDIK"], idp.issuer)
    sso_setup.sso_tenant("64.71", "kota-balikpapan", [], idp.issuer)
    sso_setup.make_tenant("64.09", "kab-penajam-paser-utara")  # no provider

    page = _login_page(client)
    assert SEARCH in page
    assert 'href="/t/kota-palopo/login"' in page and 'href="/t/kota-balikpapan/login"' in page
    assert "/t/kab-penajam-paser-utara/login" not in page

    found = _login_page(client, "?sso_q=palopo")
    assert 'href="/t/kota-palopo/login"' in found and "/t/kota-balikpapan/login" not in found
    by_province = _login_page(client, "?sso_q=Kalimantan")
    assert "/t/kota-balikpapan/login" in by_province and "/t/kota-palopo/login" not in by_province
    nothing = _login_page(client, "?sso_q=jayapura")
    assert "/t/kota-" not in nothing.split(SEARCH)[1].split("</section>")[0]
    assert "jayapura" in nothing

    # Switching the provider off takes the tenant off the list; on again puts it back.
    sso_setup.set_provider(palopo, enabled=False)
    assert "/t/kota-palopo/login" not in _login_page(client)
    sso_setup.set_provider(palopo, enabled=True)
    assert "/t/kota-palopo/login" in _login_page(client)


def test_htmx_swaps_the_matches_alone(app_ctx, client, idp):
    sso_setup.sso_tenant("73.73", "kota-palopo", ["DISDIK"], idp.issuer)
    page = _login_page(client, "?sso_q=palo")
    assert 'hx-select="#sso-results"' in page and 'id="sso-results"' in page


def test_the_last_tenant_used_is_offered_first(app_ctx, app, idp):
    palopo = sso_setup.sso_tenant("73.73", "kota-palopo", ["DISDIK"], idp.issuer)
    person = Person(app.test_client())
    assert "kc-sso-last" not in _login_page(person.client)
    landed = person.sso_login(palopo.start_path, "palopo-disdik")
    assert landed.status_code == 302
    form_post(person.client, "/logout")
    page = _login_page(person.client)
    assert 'class="btn btn-primary w-100 mb-2 kc-sso-last" href="/t/kota-palopo/login"' in page
    # Another browser knows nothing of it.
    assert "kc-sso-last" not in _login_page(app.test_client())

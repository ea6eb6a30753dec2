"""A ``next`` that would lead off the site is refused wherever a redirect follows one: the global login
(which the ministry's login page posts to), a tenant's login, the language switch, the SSO buttons and
the SSO return. A refused or malformed ``next`` goes to the start page, never to an error."""

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest

from app.core.auth import EVALUATOR, SYSTEM
from app.extensions import db
from app.sso import services as sso
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_tenant
from tests.sso.conftest import sso_tenant
from tests.support.idp import CLIENT_ID, CLIENT_SECRET, Person, start_idp

SITE = "http://localhost/"  # the test client's origin
START_PAGE = "/t/kota-palopo/"  # where the tenant's only admin lands after a login

# Known open-redirect bypasses, as an attacker would put them in a link: each one is refused.
HOSTILE = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/\n/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example",
    "https://evil.example",
    "HTTPS://evil.example/x",
    "http:evil.example",
    "http:/evil.example",
    "//evil.example@localhost/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "@evil.example",
    "evil.example",
    " //evil.example",
    "  /t/kota-palopo/opds",
    "\t//evil.example",
    "/%00/evil.example",
    "/\x00/evil.example",
    "/t/kota-palopo/%0d%0aLocation:%20https://evil.example",
    "/t/kota-palopo/\r\nLocation: https://evil.example",
    "/t/kota-palopo/?q=%0d%0aSet-Cookie:%20kc=1",
    "/%E3%80%82evil.example",
    "/\uff0f\uff0fevil.example",
    "\uff0f\uff0fevil.example",
    "/%EF%BC%8F%EF%BC%8Fevil.example",
    "/%E2%80%AE/evil.example",
    "/\u3000/evil.example",
    "/..//evil.example",
    "/%2e%2e//evil.example",
    "/" + "a" * 3000,
]

# Ordinary targets a person is sent back to after logging in: each one is followed as it is.
LOCAL = [
    "/t/kota-palopo/masterplans/?page=2",
    "/t/kota-palopo/opds?q=dinas&page=1",
    "/t/kota-palopo/opds?q=Dinas%20Kominfo",
    "/t/kota-palopo/opds?q=dinas+kominfo",
    "/t/kota-palopo/members",
    "/account/tokens",
]


def browser_target(location: str) -> str:
    """The address a browser opens for this Location header on our site: like Chromium it trims spaces and
    control characters at both ends, drops tabs and newlines anywhere and reads a backslash as a slash."""
    cleaned = re.sub(r"[\t\n\r]", "", location.strip("".join(map(chr, range(0x21)))))
    return urljoin(SITE, cleaned.replace("\\", "/"))


def stays_on_site(location: str) -> bool:
    target = urlsplit(browser_target(location))
    return (target.scheme, target.netloc) == ("http", "localhost")


@pytest.fixture
def palopo(app):
    with app.app_context():
        return make_tenant("73.73", "kota-palopo")


def _login(app, path: str, email: str, next_value: str):
    client = app.test_client()
    form = {"email": email, "password": PASSWORD, "next": next_value, "csrf_token": csrf_token(client, path)}
    return client.post(path, data=form)


def _lands_on(response, start_page: str, value: str) -> bool:
    """Whether the answer sends the person to ``start_page``. A raw control character (other than a tab
    or a line break) is refused before any view runs, with 422 naming the field: that stays put too."""
    if response.status_code == 422 and any(c < " " and c not in "\t\n\r" for c in value):
        return "Location" not in response.headers
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location == start_page and stays_on_site(location)


def _where(response) -> str:
    return f"{response.status_code} {response.headers.get('Location')!r}"


@pytest.mark.parametrize("login_path", ["/login", "/t/kota-palopo/login"])
def test_a_hostile_next_after_a_login_lands_on_the_start_page(app, palopo, login_path):
    wrong = {}
    for value in HOSTILE:
        response = _login(app, login_path, palopo.admin_email, value)
        if not _lands_on(response, START_PAGE, value):
            wrong[value] = _where(response)
    assert wrong == {}


@pytest.mark.parametrize("login_path", ["/login", "/t/kota-palopo/login"])
def test_an_ordinary_next_after_a_login_is_followed(app, palopo, login_path):
    for value in LOCAL:
        response = _login(app, login_path, palopo.admin_email, value)
        assert (response.status_code, response.headers["Location"]) == (302, value)
    client = app.test_client()
    form = {"email": palopo.admin_email, "password": PASSWORD, "csrf_token": csrf_token(client, login_path)}
    response = client.post(login_path, data={**form, "next": "/t/kota-palopo/masterplans/?page=2"})
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_hostile_next_on_the_language_switch_returns_to_the_start_page(app, palopo):
    client = app.test_client()
    token = csrf_token(client)
    wrong = {}
    for value in HOSTILE:
        response = client.post("/locale", data={"locale": "en", "next": value, "csrf_token": token})
        if not _lands_on(response, "/", value):
            wrong[value] = _where(response)
    assert wrong == {}
    for value in LOCAL:
        response = client.post("/locale", data={"locale": "id", "next": value, "csrf_token": token})
        assert response.headers["Location"] == value


def test_a_newline_in_next_goes_to_the_start_page_not_to_an_error(app, palopo):
    for value in ("/t/kota-palopo/\n", "/t/kota-palopo/\r\nSet-Cookie: kc=1", "\n"):
        assert _where(_login(app, "/login", palopo.admin_email, value)) == f"302 {START_PAGE!r}"
        assert app.test_client().get("/login", query_string={"next": value}).status_code == 200
    client = app.test_client()
    response = client.post("/locale", data={"locale": "en", "next": "/\n", "csrf_token": csrf_token(client)})
    assert _where(response) == "302 '/'"


def _hidden_next(page: str) -> str:
    match = re.search(r'<input type="hidden" name="next" value="([^"]*)">', page)
    assert match, "no next field on the page"
    return match.group(1)


def test_the_login_pages_do_not_carry_a_hostile_next_forward(app, palopo):
    client = app.test_client()
    for path in ("/login", "/t/kota-palopo/login", "/ministry/login"):
        for value in ("/%09/evil.example", "//evil.example", "javascript:alert(1)", "/\n"):
            page = client.get(path, query_string={"next": value}).get_data(as_text=True)
            assert _hidden_next(page.split("<main", 1)[1]) == ""
        page = client.get(path, query_string={"next": "/t/kota-palopo/opds"}).get_data(as_text=True)
        assert _hidden_next(page.split("<main", 1)[1]) == "/t/kota-palopo/opds"


def test_the_language_switch_never_offers_an_odd_path_as_the_way_back(app, palopo):
    """A page reached by ``/%09/evil.example`` (a 404) must not send the switch to ``/\\t/evil.example``,
    which a browser reads as ``//evil.example``."""
    client = app.test_client()
    for odd in ("/%09/evil.example", "/%0a/evil.example", "/%5Cevil.example"):
        page = client.get(odd).get_data(as_text=True)
        offered = _hidden_next(page.split('class="kc-lang"', 1)[1])
        switch = {"locale": "en", "next": offered, "csrf_token": csrf_token(client)}
        response = client.post("/locale", data=switch)
        assert (offered, response.headers["Location"]) == ("", "/")


# --- single sign-on: the buttons, the start and the return -------------------------------------


@pytest.fixture(scope="module")
def idp():
    server = start_idp()
    yield server
    server.stop()


@pytest.fixture
def sso_palopo(app_ctx, idp):
    return sso_tenant("73.73", "kota-palopo", ["DISDIK"], idp.issuer)


def test_the_sso_buttons_and_return_never_lead_off_the_site(app, sso_palopo):
    page = app.test_client().get("/t/kota-palopo/login?next=/%09/evil.example").get_data(as_text=True)
    assert "evil" not in page.split("<main", 1)[1]
    buttons = re.findall(r'class="btn btn-outline-primary kc-sso-button" href="([^"]+)"', page)
    assert buttons == [sso_palopo.start_path]

    person = Person(app.test_client())
    response = person.sso_login(f"{sso_palopo.start_path}?next={quote('/%09/evil.example')}", "palopo-disdik")
    # A hostile next is dropped: the OPD operator lands through the page that finds their work, on the site.
    assert response.headers["Location"] == "/t/kota-palopo/start"
    work = person.client.get(response.headers["Location"])
    assert work.status_code == 302 and work.headers["Location"].startswith("/t/kota-palopo/")

    # Logged in at the provider now: the next SSO login comes straight back, to an ordinary next.
    wanted = "/t/kota-palopo/opds?q=dinas&page=1"
    response = person.sso_login(f"{sso_palopo.start_path}?next={quote(wanted)}", "palopo-disdik")
    assert response.headers["Location"] == wanted


def test_the_ministry_sso_buttons_do_not_carry_a_hostile_next(app_ctx, idp):
    provider = sso.create_ministry_provider(
        {
            "label": "Masuk dengan akun Komdigi",
            "issuer": idp.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": "openid email profile groups",
            "allowed_email_domains": ["komdigi.go.id"],
            "provision_users": True,
            "default_role": EVALUATOR,
        },
        actor=SYSTEM,
    )
    db.session.commit()
    client = app_ctx.test_client()
    page = client.get("/ministry/login?next=//evil.example").get_data(as_text=True).split("<main", 1)[1]
    assert f'href="/ministry/sso/{provider.id}/login"' in page and "evil" not in page
    page = client.get("/ministry/login?next=/ministry/").get_data(as_text=True)
    assert f'href="/ministry/sso/{provider.id}/login?next=/ministry/"' in page

"""In real Chromium, a link that carries a hostile ``next`` never takes a person off the site: not after
logging in, not after switching the language. Chromium drops the tab in ``/<tab>/evil.example`` and would
open ``//evil.example``, so every page the browser asks for is recorded and must be on the site."""

from urllib.parse import urlsplit

import pytest

from app.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

ADMIN = "admin@kota-palopo.demo"


@pytest.fixture
def pages_opened(page) -> list[str]:
    """The address of every page the browser asks for, redirects included."""
    opened: list[str] = []

    def record(request) -> None:
        if request.is_navigation_request():
            opened.append(request.url)

    page.on("request", record)
    return opened


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def test_logging_in_from_a_hostile_link_stays_on_the_site(page, live_server, demo, pages_opened):
    page.goto(f"{live_server}/login?next=/%09/evil.example")
    page.fill("#email", ADMIN)
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{live_server}/t/kota-palopo/", timeout=10_000)
    assert [url for url in pages_opened if _origin(url) != _origin(live_server)] == []


def test_switching_the_language_on_a_hostile_address_stays_on_the_site(page, live_server, demo, pages_opened):
    page.goto(f"{live_server}/%09/evil.example")  # a 404 page, with the language switch in its header
    page.locator(".kc-lang button[value=en]").click()
    # The start page asks an anonymous visitor to log in first.
    page.wait_for_url(lambda url: url.startswith(f"{live_server}/login"), timeout=10_000)
    assert [url for url in pages_opened if _origin(url) != _origin(live_server)] == []
    assert page.locator("html").get_attribute("lang") == "en"

"""Browser tests: real Chromium against the app served over HTTP, with the demo seeded."""

import pytest

from app.demo import DEMO_PASSWORD
from tests.support.pages import fast_password_hashing, seed_demo_apart


@pytest.fixture(scope="session", autouse=True)
def _fast_hashing():
    with fast_password_hashing():
        yield


@pytest.fixture
def demo(app):
    seed_demo_apart(app)
    return "kota-palopo"


@pytest.fixture
def console_errors(page):
    """Console errors of the page (a CSP refusal shows here), collected while the test runs."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def log_in(page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()


def switch_language(page, locale: str) -> None:
    page.locator(f".kc-lang button[value={locale}]").click()
    page.wait_for_load_state()

"""Login throttling: failures are counted per email from one client address and per client address, so
guessing and spraying are stopped while nobody can lock an owner out from somewhere else."""

import re
import time

import pytest
import redis

from tests.conftest import CSRF_RE
from tests.factories import PASSWORD, make_tenant
from tests.support.pages import fast_password_hashing, second_app

ATTACKER = "103.47.132.9"
OWNER = "36.91.2.8"
THROTTLED = "Too many failed attempts. Try again in 15 minutes."


@pytest.fixture(scope="module", autouse=True)
def _fast_hashing():
    with fast_password_hashing():
        yield


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _log_in(client, email: str, password: str, headers: dict | None = None, path: str = "/login"):
    page = client.get(f"{path}?lang=en", headers=headers).get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post(f"{path}?lang=en", data=data, headers=headers)


def _alert(response) -> str:
    match = re.search(
        r'<div class="alert alert-danger" role="alert">([^<]+)</div>', response.get_data(as_text=True)
    )
    return match.group(1).strip() if match else ""


def _fail(client, email: str, times: int, **kwargs) -> None:
    for attempt in range(times):
        response = _log_in(client, email, f"wrong-password-{attempt}", **kwargs)
        assert response.status_code == 401, f"attempt {attempt + 1}"


def test_guessing_from_one_address_is_stopped_but_the_owner_signs_in_from_another(app_ctx, app):
    setup = make_tenant("73.73", "kota-palopo")
    attacker = _client(app, ATTACKER)
    _fail(attacker, setup.admin_email, app.config["LOGIN_MAX_FAILURES"])

    refused = _log_in(attacker, setup.admin_email, PASSWORD)
    assert refused.status_code == 429
    assert _alert(refused) == THROTTLED
    assert 0 < int(refused.headers["Retry-After"]) <= app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    assert attacker.get("/t/kota-palopo/").status_code == 302  # not logged in

    owner = _client(app, OWNER)
    assert _log_in(owner, setup.admin_email, PASSWORD).headers["Location"] == "/t/kota-palopo/"
    assert owner.get("/t/kota-palopo/").status_code == 200


def test_the_tenant_login_page_is_throttled_the_same_way(app_ctx, app):
    setup = make_tenant("73.73", "kota-palopo")
    attacker = _client(app, ATTACKER)
    _fail(attacker, setup.admin_email, app.config["LOGIN_MAX_FAILURES"], path="/t/kota-palopo/login")

    refused = _log_in(attacker, setup.admin_email, PASSWORD, path="/t/kota-palopo/login")
    assert refused.status_code == 429
    assert _alert(refused) == THROTTLED and "Log in to Kota Palopo" in refused.get_data(as_text=True)
    # Both login pages count together: the plain one refuses as well.
    assert _log_in(attacker, setup.admin_email, PASSWORD).status_code == 429
    assert (
        _log_in(_client(app, OWNER), setup.admin_email, PASSWORD, path="/t/kota-palopo/login").status_code
        == 302
    )


def test_addresses_of_one_ipv6_network_count_as_one_client(app_ctx, app):
    """A subscriber usually holds a whole /64: stepping through its addresses buys no extra guesses."""
    setup = make_tenant("73.73", "kota-palopo")
    for host in range(1, app.config["LOGIN_MAX_FAILURES"] + 1):
        _fail(_client(app, f"2001:db8:1:2::{host}"), setup.admin_email, 1)
    assert _log_in(_client(app, "2001:db8:1:2::99"), setup.admin_email, PASSWORD).status_code == 429
    assert _log_in(_client(app, "2001:db8:1:3::1"), setup.admin_email, PASSWORD).status_code == 302


def test_spraying_many_emails_from_one_address_is_stopped(app_ctx, app, monkeypatch):
    assert app.config["LOGIN_FAILURES_PER_ADDRESS"] == 30
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", 8)  # quicker than 30, same rule
    setup = make_tenant("73.73", "kota-palopo")
    sprayer = _client(app, ATTACKER)
    for number in range(app.config["LOGIN_FAILURES_PER_ADDRESS"]):
        _fail(sprayer, f"staff{number}@kota-palopo.test", 1)

    # Even a right password for an account this address never tried is refused now.
    refused = _log_in(sprayer, setup.admin_email, PASSWORD)
    assert refused.status_code == 429 and _alert(refused) == THROTTLED
    assert _log_in(_client(app, OWNER), setup.admin_email, PASSWORD).status_code == 302


def test_successful_logins_count_nothing_and_forgive_the_accounts_failures(app_ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", 3)
    setup = make_tenant("73.73", "kota-palopo")

    def browser():  # each login in a browser of its own, all from one office address
        return _client(app, OWNER)

    for _ in range(5):
        assert _log_in(browser(), setup.admin_email, PASSWORD).status_code == 302

    _fail(browser(), setup.admin_email, 1)
    assert _log_in(browser(), setup.admin_email, PASSWORD).status_code == 302
    # The right password forgave the failure before it: two more are allowed, a third is not.
    _fail(browser(), setup.admin_email, 2)
    assert _log_in(browser(), setup.admin_email, PASSWORD).status_code == 429
    # The address's count kept all three failures (a valid account does not reset spraying).
    assert _log_in(browser(), "someone@kota-palopo.test", "wrong-password").status_code == 429


def test_the_limit_lifts_after_the_window(app_ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_WINDOW_SECONDS", 2)
    setup = make_tenant("73.73", "kota-palopo")
    attacker = _client(app, ATTACKER)
    _fail(attacker, setup.admin_email, app.config["LOGIN_MAX_FAILURES"])
    refused = _log_in(attacker, setup.admin_email, PASSWORD)
    assert refused.status_code == 429
    assert _alert(refused) == "Too many failed attempts. Try again in 1 minute."
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 2

    time.sleep(wait + 0.5)
    assert _log_in(attacker, setup.admin_email, PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted_and_a_spoofed_hop_changes_nothing(
    app_ctx, app
):
    setup = make_tenant("73.73", "kota-palopo")
    proxied = second_app(app, TRUSTED_PROXY_HOPS=1)
    proxy = _client(proxied, "10.0.0.2")  # every request reaches the app from the proxy's address

    def via_proxy(client_address: str, spoofed: str | None = None) -> dict:
        # The proxy appends the address it saw to whatever the client sent.
        return {"X-Forwarded-For": ", ".join(filter(None, (spoofed, client_address)))}

    _fail(proxy, setup.admin_email, proxied.config["LOGIN_MAX_FAILURES"], headers=via_proxy(ATTACKER))
    for spoofed in ("36.91.2.8", "198.51.100.7", "127.0.0.1"):
        refused = _log_in(proxy, setup.admin_email, PASSWORD, headers=via_proxy(ATTACKER, spoofed))
        assert refused.status_code == 429, spoofed
    assert (
        _log_in(
            _client(proxied, "10.0.0.2"), setup.admin_email, PASSWORD, headers=via_proxy(OWNER)
        ).status_code
        == 302
    )


@pytest.fixture
def redis_apps(app, redis_server):
    """Two apps on one Redis, as two gunicorn workers of one deployment are."""
    url = f"redis://127.0.0.1:{redis_server.port}/1"
    apps = [second_app(app, REDIS_URL=url) for _ in range(2)]
    yield apps, url
    from app.extensions import limiter

    with apps[0].app_context():
        limiter.reset()


def test_web_processes_on_redis_share_the_counts(app_ctx, app, redis_apps):
    (first, second), url = redis_apps
    setup = make_tenant("73.73", "kota-palopo")
    _fail(_client(first, ATTACKER), setup.admin_email, app.config["LOGIN_MAX_FAILURES"])

    assert _log_in(_client(second, ATTACKER), setup.admin_email, PASSWORD).status_code == 429
    assert _log_in(_client(second, OWNER), setup.admin_email, PASSWORD).status_code == 302
    # The counts are in Redis, keyed without the email in clear.
    keys = [key.decode() for key in redis.Redis.from_url(url).keys("*")]
    assert keys and all("LOGIN_FAILURES" in key and setup.admin_email not in key for key in keys)
    # The session's app (memory storage) has counted nothing of this.
    assert _log_in(_client(app, ATTACKER), setup.admin_email, PASSWORD).status_code == 302


def test_while_redis_is_down_people_log_in_and_guessing_is_still_counted(app_ctx, app):
    from tests.support.services import free_port

    down = second_app(app, REDIS_URL=f"redis://127.0.0.1:{free_port()}/1")  # nothing listens there
    setup = make_tenant("73.73", "kota-palopo")
    assert _log_in(_client(down, OWNER), setup.admin_email, PASSWORD).status_code == 302
    _fail(_client(down, ATTACKER), setup.admin_email, app.config["LOGIN_MAX_FAILURES"])
    assert _log_in(_client(down, ATTACKER), setup.admin_email, PASSWORD).status_code == 429
    assert _log_in(_client(down, OWNER), setup.admin_email, PASSWORD).status_code == 302

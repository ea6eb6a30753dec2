"""Test set-up: the app on real PostgreSQL (default) or SQLite (KC_TEST_DB=sqlite), migrated once.

PostgreSQL runs with the app connecting as ``kc_app`` (no ownership, no BYPASSRLS) and migrations as
``kc_owner``, exactly as in production, so row-level security is exercised for real.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from tests.support.services import start_postgres, start_redis
from tests.support.snapshot import DEMO

BACKEND = os.environ.get("KC_TEST_DB", "postgres")
KEEP_TABLES = {"regions", "alembic_version"}


# Fixtures that start processes: Redis, rq workers, a live web server, the OpenID provider.
PROCESS_FIXTURES = {
    "redis_server",
    "workers",
    "rq_worker",
    "on_worker",
    "fault_workers",
    "live_server",
    "idp",
}


def pytest_collection_modifyitems(config, items):
    # A test that drives Chromium is a browser test wherever it lives, and one that starts processes is a
    # process test (the fast lane leaves both out; the full run has them).
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if "page" in used:
            item.add_marker(pytest.mark.browser)
        if used & PROCESS_FIXTURES:
            item.add_marker(pytest.mark.processes)
    if BACKEND == "postgres":
        return
    # On the SQLite run, PostgreSQL-only tests are deselected (not skipped): they ran on the PostgreSQL run.
    selected = [i for i in items if "postgres" not in i.keywords]
    deselected = [i for i in items if "postgres" in i.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(scope="session", autouse=True)
def _light_password_hashing():
    """Real argon2id with light parameters: at production cost every login and every account a test
    makes costs 0.3 s. tests/accounts/test_login.py checks that production hashes use the full cost."""
    from tests.support.pages import fast_password_hashing

    with fast_password_hashing():
        yield


@pytest.fixture(scope="session")
def pg():
    if BACKEND != "postgres":
        pytest.fail("this fixture needs the PostgreSQL run")
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database(request):
    """URLs for the app role and the owner role of a freshly migrated database."""
    if BACKEND == "postgres":
        server = request.getfixturevalue("pg")
        return {
            "app": server.app_url,
            "owner": server.owner_url,
            "superuser": server.superuser_url,
            "role": "kc_app",
        }
    folder = tempfile.mkdtemp(prefix="kc-sqlite-")
    url = f"sqlite:///{folder}/test.db"
    return {"app": url, "owner": url, "superuser": url, "role": None}


@pytest.fixture(scope="session")
def instance_dir():
    return tempfile.mkdtemp(prefix="kc-instance-")


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production: no ``g`` or database session is shared
    with the test body (which holds an app context of its own) or with the previous request."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database, instance_dir):
    from flask_migrate import upgrade

    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database["app"],
            "DATABASE_OWNER_URL": database["owner"],
            "DATABASE_APP_ROLE": database["role"],
            "INSTANCE_DIR": instance_dir,
            "REDIS_URL": None,
            "SECRET_KEY": "test-secret",
            "SERVER_NAME": None,
            # The test providers run on this machine; tests/sso/test_settings.py turns this off.
            "SSO_ALLOW_LOCAL_ISSUERS": True,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    snapshot = Path(tempfile.mkdtemp(prefix="kc-demo-"))
    DEMO.configure(database, Path(instance_dir) / "files", snapshot, KEEP_TABLES)
    return app


@pytest.fixture(scope="session")
def owner_engine(database):
    engine = create_engine(database["owner"])
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    owner = request.getfixturevalue("owner_engine")
    yield
    from app.extensions import db, limiter

    with app.app_context():
        db.session.remove()
        limiter.reset()  # login failures counted by one test do not throttle the next
        tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with owner.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client, page: str = "/login") -> str:
    response = client.get(page)
    if response.status_code == 302:
        response = client.get("/account/tokens")
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def login(client, email: str, password: str = "kotacerdas-demo"):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def form_post(client, url: str, data: dict | None = None, **kwargs):
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, "/account/tokens"))
    return client.post(url, data=data, **kwargs)


# --- a real browser -------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (pytest-playwright has no option for the executable)."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free loopback port, for the browser and OpenID redirects."""
    import threading

    from werkzeug.serving import make_server

    from tests.support.services import free_port

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)

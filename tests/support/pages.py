"""Helpers for page tests: counting SQL queries, a second app for test-only routes, serving an app."""

import contextlib
import re
import threading

from sqlalchemy import event

from tests.support.services import free_port

CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@contextlib.contextmanager
def count_queries(engine):
    """Count the SQL statements sent to ``engine`` inside the block: ``with count_queries(e) as n: ...``."""
    statements: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)


def second_app(session_app, **config):
    """Another app on the same database, for routes that exist only in a test (a page that fails,
    a page of charts). The session's app has served requests already and takes no new blueprints."""
    from app import create_app

    keys = ("SQLALCHEMY_DATABASE_URI", "DATABASE_OWNER_URL", "DATABASE_APP_ROLE", "INSTANCE_DIR")
    keys += ("SECRET_KEY",)
    base = {key: session_app.config[key] for key in keys}
    return create_app({"TESTING": True, "REDIS_URL": None, **base, **config})


@contextlib.contextmanager
def serve(app):
    """Serve ``app`` over HTTP on a free loopback port; yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def page_csrf(client, url: str) -> str:
    match = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@contextlib.contextmanager
def fast_password_hashing():
    """Argon2 with light parameters while seeding and logging in: real hashing, a fraction of the time.

    The demo seeds seven accounts; at production cost that is seconds per test."""
    from argon2 import PasswordHasher

    from app.accounts import services

    original = services._hasher
    services._hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    try:
        yield
    finally:
        services._hasher = original


def seed_demo_apart(app) -> None:
    """Seed the demo (copied back from the process's snapshot) in an app context of its own that ends
    before the test: a context held open would be shared by the test client's requests (and with it
    ``g``: the language, the user, the CSRF token)."""
    from tests.support.snapshot import DEMO

    DEMO.load(app)

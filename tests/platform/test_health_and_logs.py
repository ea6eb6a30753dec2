"""Health endpoints, one structured log line per request, and the project's CLI."""

import json
import subprocess
import sys

import pytest

from tests.factories import make_tenant


def test_healthz_and_readyz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": "ok"}


def test_readyz_checks_redis_when_configured(app, redis_server):
    app.config["REDIS_URL"] = redis_server.url
    try:
        assert app.test_client().get("/readyz").get_json()["checks"]["redis"] == "ok"
        app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
        down = app.test_client().get("/readyz")
        assert down.status_code == 503 and down.get_json()["checks"]["redis"].startswith("error")
    finally:
        app.config["REDIS_URL"] = None


def test_each_request_is_one_structured_log_line(app_ctx, client, caplog):
    setup = make_tenant("73.73", "kota-palopo")
    with caplog.at_level("INFO", logger="kotacerdas.request"):
        response = client.get(
            "/api/v1/t/kota-palopo/opds", headers={**setup.headers(), "X-Request-ID": "req-42"}
        )
    assert response.headers["X-Request-ID"] == "req-42"
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "kotacerdas.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-42" and line["tenant"] == "kota-palopo" and line["status"] == 200
    assert line["user"] == str(setup.admin_id) and line["duration_ms"] >= 0
    assert setup.token not in caplog.text


def test_flask_help_lists_the_projects_commands():
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app:create_app", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("demo", "tenants", "accounts", "db"):
        assert f"  {command} " in result.stdout
    sub = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app:create_app", "accounts", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "create-platform-admin" in sub.stdout


def test_the_app_does_not_start_on_postgresql_with_the_development_key():
    from app import create_app
    from app.config import DEVELOPMENT_SECRET_KEY

    production = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://kc_app@127.0.0.1:1/kotacerdas"}
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({**production, "SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    assert create_app({**production, "SECRET_KEY": "a-long-random-value"}).config["SECRET_KEY"]


def test_behind_a_trusted_proxy_the_app_sees_the_public_address_scheme_and_host():
    from flask import request, url_for

    from app import create_app

    app = create_app({"TESTING": True, "TRUSTED_PROXY_HOPS": 1})
    app.add_url_rule(
        "/where", "where", lambda: f"{url_for('health.healthz', _external=True)} {request.remote_addr}"
    )
    forwarded = {
        "X-Forwarded-For": "36.91.2.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "kotacerdas.go.id",
    }
    answer = app.test_client().get("/where", headers=forwarded).get_data(as_text=True)
    assert answer == "https://kotacerdas.go.id/healthz 36.91.2.7"
    # Without trusted proxies the same headers change nothing: anyone could send them.
    app = create_app({"TESTING": True})
    app.add_url_rule(
        "/where", "where", lambda: f"{url_for('health.healthz', _external=True)} {request.remote_addr}"
    )
    assert (
        app.test_client().get("/where", headers=forwarded).get_data(as_text=True)
        == "http://localhost/healthz 127.0.0.1"
    )

"""The suite's real PostgreSQL stopped and restarted under a running app: no request fails once it is
back, and while it is down pages and the API answer a clean 503 with Retry-After, never a bare 500."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.postgres


@pytest.fixture
def as_in_production(app, monkeypatch):
    """Unexpected errors reach the app's error handlers, as under gunicorn (tests otherwise re-raise them)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def _reads(client, headers, run_id=None) -> dict:
    return {
        "dashboard": client.get("/t/kota-palopo/"),
        "opds": client.get("/t/kota-palopo/opds"),
        "api opds": client.get("/api/v1/t/kota-palopo/opds", headers=headers),
        "api jobs": client.get("/api/v1/t/kota-palopo/jobs", headers=headers),
    }


def test_no_request_fails_after_the_database_restarts(palopo, client, database_server, as_in_production):
    headers = palopo.token()
    login(client, "admin@kota-palopo.demo")
    before = _reads(client, headers)
    assert {k: r.status_code for k, r in before.items()} == dict.fromkeys(before, 200)

    database_server.restart()  # every pooled connection is now dead

    after = _reads(client, headers)
    assert {k: r.status_code for k, r in after.items()} == dict.fromkeys(after, 200)


def test_while_the_database_is_down_pages_and_api_answer_503_with_retry_after(
    app, palopo, client, database_server, as_in_production
):
    headers = palopo.token()
    login(client, "admin@kota-palopo.demo")
    database_server.stop()

    page = client.get("/t/kota-palopo/opds?lang=en")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    text = page.get_data(as_text=True)
    assert '<html lang="en">' in text and "The database does not answer" in text
    assert '<html lang="id">' in client.get("/t/kota-palopo/opds?lang=id").get_data(as_text=True)

    api = client.get("/api/v1/t/kota-palopo/opds", headers=headers)
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.json["code"] == "service_unavailable"

    probe = app.test_client()  # a load balancer's probe, with no session
    ready = probe.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["database"].startswith("error")
    assert probe.get("/healthz").status_code == 200

    database_server.start()
    back = client.get("/t/kota-palopo/opds")
    assert back.status_code == 200, back.headers.get("Location")
    assert client.get("/api/v1/t/kota-palopo/opds", headers=headers).status_code == 200

"""/metrics as the operator's Prometheus reads it: real requests through the app, then a scrape shows the
counters a person watches moving; everyone else gets 404."""

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from app.core.db import utcnow
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.models import JobWatch
from tests.conftest import login

TOKEN = "scrape-secret-for-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def scraping(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_NETWORKS", "")
    return app


def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample of a scrape: (name, sorted labels) -> value."""
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_never_by_the_path_sent(scraping, palopo):
    client = scraping.test_client()
    login(client, f"admin@{palopo.slug}.demo")
    before = scrape(client)
    for _ in range(3):
        assert client.get(f"/t/{palopo.slug}/opds").status_code == 200
    unknown = "0190a000-0000-7000-8000-000000000000"
    api = client.get(f"/api/v1/t/{palopo.slug}/opds/{unknown}", headers=palopo.token())
    assert api.status_code == 404
    assert client.get("/no-such-page-at-all").status_code == 404
    after = scrape(client)

    page = {"route": "/t/<tenant>/opds", "method": "GET"}
    assert (
        value(after, "kotacerdas_http_requests_total", **page, status="200")
        - value(before, "kotacerdas_http_requests_total", **page, status="200")
        == 3
    )
    latency = "kotacerdas_http_request_duration_seconds_count"
    assert value(after, latency, **page) - value(before, latency, **page) == 3
    api_route = {"route": "/api/v1/t/<tenant>/opds/<uuid:opd_id>", "method": "GET", "status": "404"}
    assert value(after, "kotacerdas_http_requests_total", **api_route) >= 1
    unmatched = {"route": "<unmatched>", "method": "GET", "status": "404"}
    assert value(after, "kotacerdas_http_requests_total", **unmatched) >= 1
    # No tenant slug, object id or made-up path ever becomes a label.
    text = client.get("/metrics", headers=BEARER).get_data(as_text=True)
    assert palopo.slug not in text and unknown not in text and "no-such-page" not in text


def test_failed_logins_are_counted_and_so_is_the_throttle(scraping, monkeypatch, palopo):
    monkeypatch.setitem(scraping.config, "LOGIN_MAX_FAILURES", 2)
    client = scraping.test_client()
    before = scrape(client)
    statuses = [login(client, f"admin@{palopo.slug}.demo", "not-the-password").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    login(client, f"admin@{palopo.slug}.demo", "kotacerdas-demo")  # refused too: still throttled
    after = scrape(client)
    name = "kotacerdas_failed_logins_total"
    wrong = value(after, name, reason="wrong_credentials") - value(before, name, reason="wrong_credentials")
    throttled = value(after, name, reason="throttled") - value(before, name, reason="throttled")
    assert (wrong, throttled) == (2, 2)


def test_a_queued_job_shows_with_its_age(scraping, palopo):
    with palopo.inside():
        run = jobs.start_job("test_steps", actor=palopo.actor, steps=1, delay=0)
        db.session().info.pop("jobs_to_dispatch")  # recorded, never handed over: it waits
        db.session.commit()
        # It has waited six minutes: over the alert's five.
        db.session.execute(
            update(JobWatch).where(JobWatch.run_id == run.id).values(since=utcnow() - timedelta(minutes=6))
        )
        db.session.commit()
    samples = scrape(scraping.test_client())
    assert value(samples, "kotacerdas_jobs", kind="test_steps", state="queued") == 1
    assert value(samples, "kotacerdas_jobs_queued") == 1
    assert 360 <= value(samples, "kotacerdas_jobs_oldest_queued_age_seconds") < 420


def test_no_job_waiting_reads_zero(scraping):
    samples = scrape(scraping.test_client())
    assert value(samples, "kotacerdas_jobs_queued") == 0
    assert value(samples, "kotacerdas_jobs_oldest_queued_age_seconds") == 0


def test_refused_without_the_token_or_an_allowed_network(scraping, monkeypatch):
    client = scraping.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404
    # The test client calls from 127.0.0.1.
    monkeypatch.setitem(scraping.config, "METRICS_ALLOWED_NETWORKS", "10.0.0.0/8, 192.168.0.0/16")
    assert client.get("/metrics").status_code == 404
    monkeypatch.setitem(scraping.config, "METRICS_ALLOWED_NETWORKS", "10.0.0.0/8, 127.0.0.0/8")
    assert client.get("/metrics").status_code == 200
    # A forwarded address is not believed while no proxy is trusted.
    monkeypatch.setitem(scraping.config, "METRICS_ALLOWED_NETWORKS", "10.0.0.0/8")
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 404
    # Nothing set: nobody reads it, not even from this machine.
    monkeypatch.setitem(scraping.config, "METRICS_TOKEN", None)
    monkeypatch.setitem(scraping.config, "METRICS_ALLOWED_NETWORKS", "")
    assert client.get("/metrics").status_code == 404


def test_behind_a_trusted_proxy_the_forwarded_address_decides(app):
    from app import create_app

    proxied = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret",
            "REDIS_URL": None,
            "TRUSTED_PROXY_HOPS": 1,
            "METRICS_ALLOWED_NETWORKS": "10.0.0.0/8",
        }
    )
    client = proxied.test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics").status_code == 404  # the proxy itself (127.0.0.1) is not allowed

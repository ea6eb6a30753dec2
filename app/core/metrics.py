"""Prometheus metrics at ``/metrics``: requests and their latency by route, failed logins, and what the
domains read at scrape time (the jobs package: unfinished jobs by kind and state, the queue's depth and
the age of the oldest waiting job).

Closed to the public: the endpoint answers a bearer token from ``METRICS_TOKEN`` or a client address in
``METRICS_ALLOWED_NETWORKS`` (CIDR list; the address is the proxy's X-Forwarded-For entry when
``TRUSTED_PROXY_HOPS`` is set, as for the login throttle), and 404 to everyone else, so it does not even
say it exists. Nothing set: nobody reads it.

Under gunicorn every worker process counts its own requests. With ``PROMETHEUS_MULTIPROC_DIR`` set (an
empty folder, emptied at each start) the counts go to files there and a scrape sums every process's;
without it, this process's registry answers (the embedded default: one process).

Labels are the route's rule (``/t/<tenant>/programs/<uuid:program_id>``), never the path a client sent:
no tenant slug, id or made-up path becomes a label, so the number of series stays bounded.
"""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from app.extensions import db

log = logging.getLogger("kotacerdas.metrics")
metrics = Blueprint("metrics", __name__)

# The *_created series (when each label set first appeared) double the output and nobody reads them.
disable_created_metrics()
REGISTRY = CollectorRegistry()
UNMATCHED = "<unmatched>"  # a path no route serves (404): one label for all of them

REQUESTS = Counter(
    "kotacerdas_http_requests",
    "Requests answered, by route (the URL rule), method and status code.",
    ("route", "method", "status"),
    registry=REGISTRY,
)
LATENCY = Histogram(
    "kotacerdas_http_request_duration_seconds",
    "Time to answer a request, by route (the URL rule) and method.",
    ("route", "method"),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
FAILED_LOGINS = Counter(
    "kotacerdas_failed_logins",
    "Password logins refused: a wrong email or password, or too many failures (throttled).",
    ("reason",),
    registry=REGISTRY,
)

# Read when Prometheus scrapes: each returns metric families (app.jobs registers the jobs' figures).
_scrape_readers: list[Callable[[], Iterable[Metric]]] = []


def register_scrape_reader(reader: Callable[[], Iterable[Metric]]) -> None:
    """Add figures read at scrape time (from the database, from Redis) rather than counted."""
    if reader not in _scrape_readers:
        _scrape_readers.append(reader)


class _ScrapeReaders(Collector):
    def collect(self) -> Iterable[Metric]:
        for reader in _scrape_readers:
            try:
                yield from reader()
            except Exception:  # noqa: BLE001 - a dependency down must not hide the request counts
                log.exception("metrics reader %s failed", getattr(reader, "__name__", reader))
                db.session.rollback()  # the next reader starts on a clean transaction


def failed_login(reason: str) -> None:
    """Count a refused password login (``wrong_credentials`` or ``throttled``)."""
    FAILED_LOGINS.labels(reason=reason).inc()


# --- counting requests ------------------------------------------------------------------------------


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _counted(response):
    started = g.pop("metrics_started", None)
    rule = request.url_rule
    route = rule.rule if rule is not None else UNMATCHED
    if route == "/metrics":
        return response  # the scrapes themselves would only add noise
    method = request.method
    REQUESTS.labels(route=route, method=method, status=str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(route=route, method=method).observe(time.perf_counter() - started)
    return response


# --- the endpoint -----------------------------------------------------------------------------------


def _networks(config_value) -> list:
    if isinstance(config_value, str):
        config_value = [part.strip() for part in config_value.split(",")]
    return [ipaddress.ip_network(part, strict=False) for part in config_value or () if part]


def _bearer_matches(token: str | None) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _sep, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


def _address_allowed(networks: list) -> bool:
    try:
        address = ipaddress.ip_address((request.remote_addr or "").split("%")[0])
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks if network.version == address.version)


def may_scrape() -> bool:
    """The caller holds the metrics token or comes from an allowed network."""
    config = current_app.config
    return _bearer_matches(config.get("METRICS_TOKEN")) or _address_allowed(
        _networks(config.get("METRICS_ALLOWED_NETWORKS"))
    )


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    # Every gunicorn worker (and process sharing the folder) wrote its counts there: sum them now.
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_ScrapeReaders())
    return registry


@metrics.get("/metrics")
def scrape():
    """Prometheus's scrape: the figures in its text format (404 unless the caller may read them)."""
    if not may_scrape():
        abort(404)
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


REGISTRY.register(_ScrapeReaders())


def init_app(app: Flask) -> None:
    _networks(app.config.get("METRICS_ALLOWED_NETWORKS"))  # a mistyped network stops the start, not a scrape
    app.before_request(_started)
    app.after_request(_counted)
    app.register_blueprint(metrics)

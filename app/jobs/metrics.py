"""The jobs' figures on ``/metrics``, read when Prometheus scrapes: the jobs not yet ended by kind and
state, how many wait to start, how long the oldest has waited, and how many the rq queue holds.

The watch list (``JobWatch``, a platform table) names every unfinished run of every tenant, so one query
counts them all; the kind of a tenant's run is read inside that tenant (row-level security), one query per
tenant that has unfinished runs, none for the others.
"""

import uuid
from collections import Counter
from collections.abc import Iterable

from flask import current_app
from prometheus_client.core import GaugeMetricFamily, Metric
from redis.exceptions import RedisError
from sqlalchemy import select

from app.core.db import as_utc, utcnow
from app.core.job_progress import redis_connection
from app.core.tenancy import tenant_context
from app.extensions import db
from app.jobs.models import QUEUED, RUNNING, JobRun, JobWatch, PlatformJobRun

UNKNOWN_KIND = "unknown"  # a run that ended between the two reads


def job_figures() -> Iterable[Metric]:
    """Metric families for the jobs, as they stand now."""
    watched = db.session.execute(
        select(JobWatch.run_id, JobWatch.run_tenant_id, JobWatch.state, JobWatch.since)
    ).all()
    kinds = _kinds(watched)
    jobs = GaugeMetricFamily(
        "kotacerdas_jobs",
        "Jobs not yet ended, by kind and state (queued: waiting to start; running; fanned_out: a platform "
        "job waiting for its tenants' children).",
        labels=("kind", "state"),
    )
    for (kind, state), count in sorted(
        Counter((kinds.get(w.run_id, UNKNOWN_KIND), w.state) for w in watched).items()
    ):
        jobs.add_metric((kind, state), count)
    yield jobs
    waiting = [w.since for w in watched if w.state == QUEUED]
    yield GaugeMetricFamily(
        "kotacerdas_jobs_queued", "Jobs waiting to start, every tenant and the platform.", len(waiting)
    )
    yield GaugeMetricFamily(
        "kotacerdas_jobs_running", "Jobs running now.", sum(1 for w in watched if w.state == RUNNING)
    )
    oldest = (utcnow() - as_utc(min(waiting))).total_seconds() if waiting else 0.0
    yield GaugeMetricFamily(
        "kotacerdas_jobs_oldest_queued_age_seconds",
        "How long the job waiting longest has waited to start (0 when none waits).",
        max(oldest, 0.0),
    )
    yield from _queue_depth()


def _kinds(watched) -> dict[uuid.UUID, str]:
    platform_ids = [w.run_id for w in watched if w.run_tenant_id is None]
    kinds = {}
    if platform_ids:
        rows = db.session.execute(
            select(PlatformJobRun.id, PlatformJobRun.kind).where(PlatformJobRun.id.in_(platform_ids))
        )
        kinds.update(dict(rows.all()))
    by_tenant: dict[uuid.UUID, list[uuid.UUID]] = {}
    for w in watched:
        if w.run_tenant_id is not None:
            by_tenant.setdefault(w.run_tenant_id, []).append(w.run_id)
    for tenant_id, run_ids in by_tenant.items():
        with tenant_context(tenant_id):
            kinds.update(
                dict(db.session.execute(select(JobRun.id, JobRun.kind).where(JobRun.id.in_(run_ids))).all())
            )
    return kinds


def _queue_depth() -> Iterable[Metric]:
    """What the rq queue holds (absent on the embedded default, which has no queue, and while Redis is
    down: a missing series, not a false zero)."""
    redis = redis_connection()
    if redis is None:
        return
    from rq import Queue

    name = current_app.config["JOBS_QUEUE"]
    try:
        depth = Queue(name, connection=redis).count
    except RedisError:
        return
    family = GaugeMetricFamily("kotacerdas_jobs_queue_depth", "Jobs the rq queue holds.", labels=("queue",))
    family.add_metric((name,), depth)
    yield family

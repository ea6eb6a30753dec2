"""Live progress of running jobs, kept beside the database.

A job's own writes stay in one transaction until it ends, so its progress cannot be committed through
the same session; it goes to Redis (shared by web and workers) or, for inline jobs, to this process's
memory. The job run row keeps the progress at each change of status; pages overlay the live value.
"""

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import current_app
from redis.exceptions import RedisError

from app.core.auth import Actor

PROGRESS_TTL_SECONDS = 24 * 3600
REDIS_TIMEOUT_SECONDS = 2
log = logging.getLogger("kotacerdas.jobs")


@dataclass(frozen=True)
class RunningJob:
    run_id: uuid.UUID
    actor: Actor


_running: ContextVar[RunningJob | None] = ContextVar("running_job", default=None)


@contextmanager
def running_as(run_id: uuid.UUID, actor: Actor) -> Iterator[None]:
    """The block is the work of run ``run_id`` for ``actor`` (for report_progress and store_job_result)."""
    token = _running.set(RunningJob(run_id, actor))
    try:
        yield
    finally:
        _running.reset(token)


def running_job() -> RunningJob:
    job = _running.get()
    if job is None:
        raise RuntimeError("not inside a running job")
    return job


def report_progress(percent: int, message: str | None = None) -> None:
    """Tell whoever watches the job how far it got (0-99; 100 is set when it has finished)."""
    job = running_job()
    progress_store().put(job.run_id, max(0, min(99, int(percent))), (message or "")[:300])


class MemoryProgress:
    """For inline jobs: the job and the pages watching it run in this process."""

    _values: dict[uuid.UUID, tuple[int, str]] = {}
    _lock = threading.Lock()

    def put(self, run_id: uuid.UUID, percent: int, message: str) -> None:
        with self._lock:
            self._values[run_id] = (percent, message)

    def get_many(self, run_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, str]]:
        with self._lock:
            return {i: self._values[i] for i in run_ids if i in self._values}

    def forget(self, run_id: uuid.UUID) -> None:
        with self._lock:
            self._values.pop(run_id, None)


class RedisProgress:
    def __init__(self, redis):
        self.redis = redis

    @staticmethod
    def _key(run_id: uuid.UUID) -> str:
        return f"kc:job-progress:{run_id}"

    def put(self, run_id: uuid.UUID, percent: int, message: str) -> None:
        try:
            self.redis.set(self._key(run_id), f"{percent}|{message}", ex=PROGRESS_TTL_SECONDS)
        except RedisError:
            # Progress is a courtesy to whoever watches: a Redis outage must not fail the job itself.
            log.warning("job progress not reported: Redis does not answer")

    def get_many(self, run_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, str]]:
        if not run_ids:
            return {}
        values = self.redis.mget([self._key(i) for i in run_ids])
        result = {}
        for run_id, raw in zip(run_ids, values, strict=True):
            if raw is not None:
                percent, _, message = raw.decode().partition("|")
                result[run_id] = (int(percent), message)
        return result

    def forget(self, run_id: uuid.UUID) -> None:
        try:
            self.redis.delete(self._key(run_id))
        except RedisError:
            log.warning("job progress not cleared: Redis does not answer (it expires by itself)")


def redis_connection():
    """One Redis client (and pool) per app, or None when jobs run inline."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients = current_app.extensions.setdefault("kc_redis", {})
    if url not in clients:
        from redis import Redis

        # Bounded waits: a hung Redis makes a page wait this long, never for ever.
        clients[url] = Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
    return clients[url]


def progress_store() -> MemoryProgress | RedisProgress:
    redis = redis_connection()
    return RedisProgress(redis) if redis is not None else MemoryProgress()

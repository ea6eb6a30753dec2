"""The kinds of job the platform knows, and the schedule list: each domain registers its own.

A kind names its handler, who may start it, and whether a failed run may simply run again. Only work
that happens in one transaction (or that is otherwise idempotent) may declare retries: a retried
run must not find half of a previous attempt's output.

Periodic work is declared once, with ``scheduled``, beside its kind: rq's cron scheduler (production)
and the embedded ticker (no Redis) both read this list (``app/jobs/schedules.py``).

The registry lives in core so that every layer declares its jobs where their code is; ``app/jobs``
(runner, pages, API) reads it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString

from app.core.errors import DomainError


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable
    label: LazyString | str
    roles: tuple[str, ...]  # tenant roles that may start it, and must still hold one when it runs
    retries: int = 0
    startable: bool = False  # offered as-is on the jobs page and by POST /jobs (it takes no ids)
    platform: bool = False  # runs for the platform (no tenant), as the system


_kinds: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    label,
    roles: tuple[str, ...] = (),
    retries: int = 0,
    startable: bool = False,
    platform: bool = False,
):
    """Register the decorated function as the handler of job kind ``name``.

    The handler is called as ``handler(actor=..., **ids)`` inside the tenant's context (a platform kind:
    with no tenant, as the system) and returns a ``JobResult`` (or None); it reports progress with
    ``report_progress``. A kind with no ``roles`` is started by the system only."""

    def register(handler: Callable) -> Callable:
        _kinds[name] = JobKind(name, handler, label, tuple(roles), retries, startable, platform)
        return handler

    return register


def get_kind(name: str) -> JobKind | None:
    return _kinds.get(name)


def startable_kinds() -> list[JobKind]:
    return [kind for kind in _kinds.values() if kind.startable]


@dataclass(frozen=True)
class Schedule:
    """Run platform job ``kind`` at the times of ``cron`` (UTC, five fields) or every ``every`` seconds."""

    kind: str
    cron: str | None = None
    every: int | None = None


_schedules: dict[str, Schedule] = {}


def scheduled(kind: str, *, cron: str | None = None, every: int | None = None):
    """Put platform job ``kind`` on the schedule list: at the times of ``cron`` (UTC) or every ``every``
    seconds. Each run gets ``tick`` (the scheduled time it stands for, ISO 8601) among its ids, for the
    key under which it records what it did (``once``)."""
    if (cron is None) == (every is None):
        raise ValueError("a schedule has either cron or every")
    if every is not None and every < 1:
        raise ValueError("every is a number of seconds, at least 1")

    def register(handler: Callable) -> Callable:
        _schedules[kind] = Schedule(kind, cron, every)
        return handler

    return register


def schedules() -> list[Schedule]:
    """The schedule list, each checked against its kind: a platform kind that is registered."""
    for schedule in _schedules.values():
        spec = get_kind(schedule.kind)
        if spec is None or not spec.platform:
            raise RuntimeError(f"scheduled job {schedule.kind!r} is not a registered platform job kind")
    return sorted(_schedules.values(), key=lambda s: s.kind)


def get_schedule(kind: str) -> Schedule | None:
    return _schedules.get(kind)


@dataclass
class JobResult:
    """What a handler hands back: a result file stored for the run (``files.services.store_job_result``),
    a link, a line for the requester."""

    file: Any = None
    url: str | None = None
    message: str | None = None
    # The job checked its input and refused it, writing nothing but ``file`` (a report of what is wrong):
    # the run ends failed, with ``message`` as its error, and is not retried (the same input gives the same
    # report). ``url`` then leads to where the input is corrected.
    refused: bool = False


class JobFailed(DomainError):
    """A job cannot do its work; the message is shown to the requester as it is."""

    status = 422
    code = "job_failed"

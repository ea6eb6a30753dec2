"""The kinds of job the platform knows: each domain registers its own with ``@job_kind``.

A kind names its handler, who may start it, and whether a failed run may simply run again. Only work
that happens in one transaction (or that is otherwise idempotent) may declare retries: a retried
run must not find half of a previous attempt's output.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import LazyString


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable
    label: LazyString | str
    roles: tuple[str, ...]  # tenant roles that may start it, and must still hold one when it runs
    retries: int = 0
    startable: bool = False  # offered as-is on the jobs page and by POST /jobs (it takes no ids)


_kinds: dict[str, JobKind] = {}


def job_kind(name: str, *, label, roles: tuple[str, ...], retries: int = 0, startable: bool = False):
    """Register the decorated function as the handler of job kind ``name``.

    The handler is called as ``handler(actor=..., **ids)`` inside the tenant's context and returns a
    ``JobResult`` (or None); it reports progress with ``report_progress``."""

    def register(handler: Callable) -> Callable:
        _kinds[name] = JobKind(name, handler, label, tuple(roles), retries, startable)
        return handler

    return register


def get_kind(name: str) -> JobKind | None:
    return _kinds.get(name)


def startable_kinds() -> list[JobKind]:
    return [kind for kind in _kinds.values() if kind.startable]

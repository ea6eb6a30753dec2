"""Where a person's work is: the page they land on after logging in, and a new tenant's first steps.

Each domain registers what it knows (core names no domain): the masterplan, an OPD operator's programs;
progress reporting, later, their reports to fill in; the evaluation, an evaluator's assignments. The
first registered start page that answers for the actor wins; with none, the caller's default (the
tenant's dashboard, the start page) stands.
"""

from collections.abc import Callable
from dataclasses import dataclass

from app.core.auth import Actor

SECTIONS = ("tenant", "platform")

StartPage = Callable[[Actor], str | None]


@dataclass(frozen=True)
class _Start:
    order: int
    section: str
    roles: tuple[str, ...]
    start: StartPage


_start_pages: list[_Start] = []


def register_start_page(section: str, roles: tuple[str, ...], start: StartPage, order: int = 50) -> None:
    """``start(actor)`` gives the URL of the work of an actor holding one of ``roles`` (tenant roles in
    the "tenant" section, inside the current tenant; platform roles in "platform"), or None when it has
    nothing for them. Lower ``order`` asks first."""
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section!r}; one of {SECTIONS}")
    if all(existing.start is not start for existing in _start_pages):
        _start_pages.append(_Start(order, section, roles, start))
        _start_pages.sort(key=lambda entry: entry.order)


def has_start_page(section: str, role: str | None) -> bool:
    """A domain registered a start page for ``role``: a login goes through it, others land at once."""
    return any(entry.section == section and role in entry.roles for entry in _start_pages)


def start_page(section: str, actor: Actor) -> str | None:
    """The first registered start page that answers for ``actor``, else None."""
    role = actor.tenant_role if section == "tenant" else actor.platform_role
    for entry in _start_pages:
        if entry.section == section and role in entry.roles and (url := entry.start(actor)):
            return url
    return None


@dataclass(frozen=True)
class FirstStep:
    """One step of a new tenant's set-up, shown as a checklist on its dashboard until the essential
    ones are done."""

    key: str
    label: object  # a lazy string
    hint: object
    url: Callable[[], str]
    done: Callable[[Actor], bool]
    roles: tuple[str, ...]
    order: int = 50
    essential: bool = False  # the checklist shows while an essential step is not done


_first_steps: dict[str, FirstStep] = {}


def register_first_step(step: FirstStep) -> None:
    _first_steps.setdefault(step.key, step)


def first_steps(actor: Actor) -> list[tuple[FirstStep, bool]]:
    """The steps the actor's role takes, each with whether it is done; empty once every essential step
    is done (a tenant with a masterplan has found its way)."""
    steps = sorted((s for s in _first_steps.values() if actor.tenant_role in s.roles), key=lambda s: s.order)
    # The essential steps first: once they are done nothing else is asked (a settled tenant's dashboard
    # pays one query for its first steps).
    essential = {step.key: bool(step.done(actor)) for step in steps if step.essential}
    if all(essential.values()):
        return []
    return [(step, essential[step.key] if step.essential else bool(step.done(actor))) for step in steps]

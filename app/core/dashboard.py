"""Panels a domain adds to a tenant's dashboard (upcoming meetings, reports due), without the tenants
package, which draws the dashboard, knowing the domains above it.

A domain registers a template and a function that builds its context for the member looking, or answers
None when the panel has nothing for them (their role may not read it, or it would be empty)."""

from collections.abc import Callable
from dataclasses import dataclass

from app.core.auth import Actor


@dataclass(frozen=True)
class Panel:
    template: str
    build: Callable[[Actor], dict | None]
    order: int = 50


_panels: list[Panel] = []


def register_panel(template: str, build: Callable[[Actor], dict | None], order: int = 50) -> None:
    """Show ``template`` on the dashboard with the context ``build(actor)`` returns (None: not shown)."""
    if not any(panel.template == template for panel in _panels):
        _panels.append(Panel(template, build, order))


def dashboard_panels(actor: Actor) -> list[tuple[str, dict]]:
    """The (template, context) of each panel that has something for ``actor``, in their order."""
    shown = []
    for panel in sorted(_panels, key=lambda p: p.order):
        context = panel.build(actor)
        if context is not None:
            shown.append((panel.template, context))
    return shown

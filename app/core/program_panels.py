"""Panels a package adds beside a program (on its page in the masterplan and on its progress reports),
without the masterplan or progress reporting knowing the packages above or beside them: the council
shows the action items its decisions put on the program.

A package registers a template and a function that builds its context for the member looking at one
program, or answers None when it has nothing for them (their role may not read it, or it is empty)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from app.core.auth import Actor


@dataclass(frozen=True)
class ProgramPanel:
    template: str
    build: Callable[[Actor, uuid.UUID], dict | None]
    order: int = 50


_panels: list[ProgramPanel] = []


def register_program_panel(
    template: str, build: Callable[[Actor, uuid.UUID], dict | None], order: int = 50
) -> None:
    """Show ``template`` beside a program with the context ``build(actor, program_id)`` returns (None:
    not shown)."""
    if not any(panel.template == template for panel in _panels):
        _panels.append(ProgramPanel(template, build, order))


def program_panels(actor: Actor, program_id: uuid.UUID) -> list[tuple[str, dict]]:
    """The (template, context) of each panel that has something for ``actor`` on this program, in
    their order."""
    shown = []
    for panel in sorted(_panels, key=lambda p: p.order):
        context = panel.build(actor, program_id)
        if context is not None:
            shown.append((panel.template, context))
    return shown

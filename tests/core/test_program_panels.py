"""Panels beside a program: a package above the masterplan registers a template and a builder; a program's
page and its progress reports show, in order, the panels that have something for the member looking."""

import uuid

import pytest

from app.core import program_panels
from app.core.auth import TENANT_ADMIN, VIEWER, Actor


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(program_panels, "_panels", [])
    return program_panels


def test_the_panels_with_something_for_the_member_show_in_their_order(registry):
    program_id = uuid.uuid4()
    asked = []

    def decisions(actor, pid):
        asked.append(pid)
        return {"items": ["Menyusun data kolaborasi"]} if actor.tenant_role == TENANT_ADMIN else None

    registry.register_program_panel("council/_program_action_items.html", decisions, order=30)
    registry.register_program_panel("other/_risks.html", lambda actor, pid: {"risks": []}, order=10)
    # Registering the same template again (an app built twice in one process) adds nothing.
    registry.register_program_panel("council/_program_action_items.html", lambda a, p: {}, order=1)

    admin = Actor(user_id=uuid.uuid4(), tenant_role=TENANT_ADMIN)
    viewer = Actor(user_id=uuid.uuid4(), tenant_role=VIEWER)
    assert registry.program_panels(admin, program_id) == [
        ("other/_risks.html", {"risks": []}),
        ("council/_program_action_items.html", {"items": ["Menyusun data kolaborasi"]}),
    ]
    assert registry.program_panels(viewer, program_id) == [("other/_risks.html", {"risks": []})]
    assert asked == [program_id, program_id]


def test_the_council_registers_its_action_items_beside_programs(app):
    templates = [panel.template for panel in program_panels._panels]
    assert "council/_program_action_items.html" in templates

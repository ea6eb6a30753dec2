"""Pages: the action plan (rencana aksi), filtered by program and year, paginated."""

from flask import g, redirect, request, url_for
from flask_babel import gettext as _

from app.core.pages import paginate
from app.extensions import db
from app.masterplan import presenters, programs
from app.masterplan.common import MasterplanRefs, get_masterplan
from app.masterplan.models import (
    ActionItem,
)
from app.masterplan.schemas import (
    ActionItemCreateSchema,
    ActionItemSchema,
)
from app.masterplan.views import bp, page_params, render_page
from app.masterplan.views.editing import PartPage, action_item_fields, create_part, delete_part, edit_part
from app.masterplan.views.forms import int_arg, uuid_arg

PAGE_SIZE = 50

# --- action plan -------------------------------------------------------------------------------------


def _program_choices(masterplan_id) -> list[tuple[str, str]]:
    rows = db.session.execute(programs.program_choices_query(masterplan_id, actor=g.actor)).all()
    return [(str(pid), f"{code} · {name[:80]}") for pid, code, name in rows]


def _action_plan_page(masterplan_id, errors=None, status=200, form=None):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    program_id, year = uuid_arg("program_id"), int_arg("year")
    page = paginate(
        programs.action_items_query(masterplan_id, program_id, year, actor=g.actor), per_page=PAGE_SIZE
    )
    choices = _program_choices(masterplan_id)
    return render_page(
        "masterplan/action_plan.html",
        mp,
        "masterplan.action_plan",
        status,
        refs=refs,
        action_items=page.items,
        page=page,
        page_params=page_params(masterplan_id),
        program_names=dict(choices),
        program_choices=choices,
        program_id=program_id,
        year=year,
        fields=action_item_fields(refs, choices),
        errors=errors or {},
        form=form,
    )


@bp.get("/<uuid:masterplan_id>/action-plan")
def action_plan(masterplan_id):
    return _action_plan_page(masterplan_id)


@bp.post("/<uuid:masterplan_id>/action-plan")
def add_action_item(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
    fields = action_item_fields(refs, _program_choices(masterplan_id))
    errors, status = create_part(programs.create_action_item, masterplan_id, fields, ActionItemCreateSchema())
    if errors:
        return _action_plan_page(masterplan_id, errors, status, request.form)
    return redirect(url_for("masterplan.action_plan", masterplan_id=masterplan_id))


ACTION_ITEMS = PartPage(
    model=ActionItem,
    schema=ActionItemSchema,
    fields=lambda refs, mp, obj=None: action_item_fields(refs, _program_choices(mp.id)),
    present=presenters.action_items,
    update=programs.update_action_item,
    delete=programs.delete_action_item,
    back="masterplan.action_plan",
)


@bp.route("/<uuid:masterplan_id>/action-plan/<uuid:action_item_id>", methods=["GET", "POST"])
def edit_action_item(masterplan_id, action_item_id):
    return edit_part(ACTION_ITEMS, masterplan_id, action_item_id, _("Edit action plan item"))


@bp.post("/<uuid:masterplan_id>/action-plan/<uuid:action_item_id>/delete")
def delete_action_item(masterplan_id, action_item_id):
    return delete_part(ACTION_ITEMS, masterplan_id, action_item_id)

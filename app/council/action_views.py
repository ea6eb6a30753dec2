"""Pages of the council's action items: the list (each member sees what they may read), one action item
with its decision and programs, closing and reopening it with a note, and turning a decision into one
from the meeting's page.

Every page works with JavaScript off: forms post and redirect; a refused form comes back with its
fields named.
"""

import uuid

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.db import utcnow
from app.core.errors import ValidationFailed
from app.core.pages import form_uuids, paginate
from app.council import actions, meetings, policy, services
from app.council.models import ACTION_STATUSES
from app.council.schemas import CouncilActionItemUpdateSchema
from app.council.views import _meeting_page, attempt, bp, load_form, owner_choices, program_choices
from app.masterplan import services as masterplans

STATUS_LABELS = {"open": _l("Open"), "done": _l("Done")}
LABELS = {
    "title": _l("What is to be done"),
    "owner": _l("Owner"),
    "owner_opd_id": _l("Owner OPD"),
    "owner_member_id": _l("Owner member"),
    "due_on": _l("Due date"),
    "program_ids": _l("Programs"),
    "note": _l("Note"),
    "status": _l("Status"),
}


def _today():
    return meetings.local_day(utcnow())


def programs_named(ids) -> dict[uuid.UUID, object]:
    """Each linked program's summary (code, name, masterplan), read through the masterplan's services: the
    current masterplan's programs at once (a fixed number of queries), any other version's one by one."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    found = {p.id: p for p in program_choices() if p.id in wanted}
    for program_id in wanted:
        if program_id not in found:
            found[program_id] = masterplans.get_program(program_id, actor=g.actor).program
    return found


def read_owner(form) -> dict:
    """The form's one owner choice (``opd:<id>`` or ``member:<id>``) as the API's two fields."""
    kind, _sep, raw = form.get("owner", "").partition(":")
    try:
        chosen = uuid.UUID(raw)
    except ValueError:
        return {}
    if kind == "opd":
        return {"owner_opd_id": chosen, "owner_member_id": None}
    if kind == "member":
        return {"owner_member_id": chosen, "owner_opd_id": None}
    return {}


def read_assignment(form) -> dict:
    """An action item's assignment as posted: what, owner, due date, programs and note."""
    data = load_form(CouncilActionItemUpdateSchema(only=("title", "due_on", "note")), form)
    data.update(read_owner(form))
    data["program_ids"] = form_uuids("program_ids")
    return data


# --- the list -----------------------------------------------------------------------------------------------


@bp.get("/action-items")
def action_items():
    status = request.args.get("status") if request.args.get("status") in ACTION_STATUSES else None
    overdue = request.args.get("overdue") == "1"
    stmt = actions.action_items_query(actor=g.actor, status=status, overdue_on=_today() if overdue else None)
    page = paginate(stmt, per_page=20)
    items = services.summarise(page.items, actor=g.actor)
    return render_template(
        "council/action_items.html",
        page=page,
        items=items,
        programs=programs_named(p for item in items for p in item.program_ids),
        status=status,
        overdue=overdue,
        today=_today(),
        status_labels=STATUS_LABELS,
    )


# --- one action item --------------------------------------------------------------------------------------


@bp.get("/action-items/<uuid:council_action_item_id>")
def action_item(council_action_item_id):
    return _action_item_page(council_action_item_id)


def _action_item_page(item_id, errors=None, form=None, status=200, section=None):
    item = actions.get_action_item(item_id, actor=g.actor)
    summary = services.summarise([item], actor=g.actor)[0]
    manage = policy.can(g.actor, "action_item.manage", item)
    opds, members = owner_choices() if manage else ([], [])
    return render_template(
        "council/action_item.html",
        item=item,
        summary=summary,
        programs=programs_named(summary.program_ids),
        closed_by=_closed_by(item),
        manage=manage,
        update=policy.can(g.actor, "action_item.update", item),
        program_choices=program_choices() if manage else [],
        opds=opds,
        members=members,
        today=_today(),
        status_labels=STATUS_LABELS,
        labels=LABELS,
        errors=errors or {},
        form=form,
        section=section,
    ), status


def _closed_by(item) -> str | None:
    if item.closed_by is None:
        return None
    from app.accounts import services as accounts

    user = accounts.find_user(item.closed_by)
    return user.name if user else None


@bp.post("/action-items/<uuid:council_action_item_id>/close")
def close_action_item(council_action_item_id):
    _item, errors, status = attempt(
        lambda: actions.close_action_item(
            council_action_item_id, actor=g.actor, note=request.form.get("note", "")[:10000]
        )
    )
    if errors:
        return _action_item_page(council_action_item_id, errors, request.form, status, "status")
    flash(_("The action item is done."), "success")
    return redirect(url_for("council.action_item", council_action_item_id=council_action_item_id))


@bp.post("/action-items/<uuid:council_action_item_id>/reopen")
def reopen_action_item(council_action_item_id):
    _item, errors, status = attempt(lambda: actions.reopen_action_item(council_action_item_id, actor=g.actor))
    if errors:
        return _action_item_page(council_action_item_id, errors, request.form, status, "status")
    flash(_("The action item is open again."), "success")
    return redirect(url_for("council.action_item", council_action_item_id=council_action_item_id))


@bp.post("/action-items/<uuid:council_action_item_id>/note")
def save_action_item_note(council_action_item_id):
    def save():
        data = load_form(CouncilActionItemUpdateSchema(only=("note",)), request.form)
        return actions.update_action_item(council_action_item_id, {"note": data.get("note")}, actor=g.actor)

    _item, errors, status = attempt(save)
    if errors:
        return _action_item_page(council_action_item_id, errors, request.form, status, "status")
    flash(_("Note saved."), "success")
    return redirect(url_for("council.action_item", council_action_item_id=council_action_item_id))


@bp.post("/action-items/<uuid:council_action_item_id>/edit")
def edit_action_item(council_action_item_id):
    _item, errors, status = attempt(
        lambda: actions.update_action_item(
            council_action_item_id, read_assignment(request.form), actor=g.actor
        )
    )
    if errors:
        return _action_item_page(council_action_item_id, errors, request.form, status, "edit")
    flash(_("Action item saved."), "success")
    return redirect(url_for("council.action_item", council_action_item_id=council_action_item_id))


@bp.post("/action-items/<uuid:council_action_item_id>/delete")
def delete_action_item(council_action_item_id):
    item = actions.get_action_item(council_action_item_id, actor=g.actor)
    decision = services.summarise([item], actor=g.actor)[0]
    _result, errors, status = attempt(
        lambda: actions.delete_action_item(council_action_item_id, actor=g.actor)
    )
    if errors:
        return _action_item_page(council_action_item_id, errors, request.form, status, "edit")
    flash(_("Action item removed."), "success")
    return redirect(url_for("council.meeting", meeting_id=decision.meeting_id) + "#decisions")


# --- from a decision ----------------------------------------------------------------------------------------


@bp.post("/meetings/<uuid:meeting_id>/decisions/<uuid:decision_id>/action-items")
def add_action_item(meeting_id, decision_id):
    def create():
        data = read_assignment(request.form)
        if not data.get("owner_opd_id") and not data.get("owner_member_id"):
            raise ValidationFailed.field("owner", _l("Choose one owner: an OPD, or a member of a body."))
        return actions.create_action_item(meeting_id, decision_id, data, actor=g.actor)

    item, errors, status = attempt(create)
    if errors:
        return _meeting_page(meeting_id, errors, request.form, status, "action_items")
    flash(_("Action item %(title)s assigned.", title=item.title), "success")
    return redirect(url_for("council.meeting", meeting_id=meeting_id) + "#decisions")

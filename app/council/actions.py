"""Action items: what a meeting's decision asks an OPD or a member of a body to do by a day, and the
masterplan programs it moves forward.

The secretariat assigns them; the owner's OPD operators report them done (or reopen them) and keep a
note; the program's page and its progress reports show them. Programs are reached only through
``app.masterplan.services``: a program of another tenant is not found (404).
"""

import uuid
from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, select

from app.core.auth import Actor
from app.core.db import utcnow
from app.core.errors import Conflict, ValidationFailed
from app.core.reach import one_or_404
from app.council import meetings, policy
from app.council.models import (
    DONE,
    OPEN,
    CouncilActionItem,
    CouncilActionItemProgram,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
)
from app.extensions import db
from app.masterplan import services as masterplans
from app.tenants import services as tenants

# The fields only the secretariat changes; the owner's operators change the status and the note.
ASSIGNMENT_FIELDS = ("title", "owner_opd_id", "owner_member_id", "due_on", "program_ids")


def action_items_query(
    *,
    actor: Actor,
    status: str | None = None,
    owner_opd_id: uuid.UUID | None = None,
    program_id: uuid.UUID | None = None,
    decision_id: uuid.UUID | None = None,
    overdue_on: date | None = None,
):
    """The action items ``actor`` reads, the soonest due first: all of them for the secretariat, an
    OPD operator's OPDs' own, a council member's own. ``overdue_on``: those still open past their due
    date on that day."""
    policy.require(actor, "action_item.list")
    stmt = select(CouncilActionItem).where(policy.action_items_visible(actor))
    if status is not None:
        stmt = stmt.where(CouncilActionItem.status == status)
    if owner_opd_id is not None:
        stmt = stmt.where(CouncilActionItem.owner_opd_id == owner_opd_id)
    if decision_id is not None:
        stmt = stmt.where(CouncilActionItem.decision_id == decision_id)
    if program_id is not None:
        linked = select(CouncilActionItemProgram.action_item_id).where(
            CouncilActionItemProgram.program_id == program_id
        )
        stmt = stmt.where(CouncilActionItem.id.in_(linked))
    if overdue_on is not None:
        stmt = stmt.where(CouncilActionItem.status == OPEN, CouncilActionItem.due_on < overdue_on)
    return stmt.order_by(CouncilActionItem.due_on, CouncilActionItem.id)


def get_action_item(item_id: uuid.UUID, *, actor: Actor) -> CouncilActionItem:
    """One action item (404 for another tenant's, or one the actor does not read)."""
    item = one_or_404(select(CouncilActionItem).where(CouncilActionItem.id == item_id))
    policy.require(actor, "action_item.read", item)
    return item


def program_ids_of(item_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The programs each action item moves forward, in one query."""
    ids = list(item_ids)
    found: dict[uuid.UUID, list[uuid.UUID]] = {item_id: [] for item_id in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(CouncilActionItemProgram.action_item_id, CouncilActionItemProgram.program_id)
        .where(CouncilActionItemProgram.action_item_id.in_(ids))
        .order_by(CouncilActionItemProgram.id)
    )
    for item_id, program_id in rows:
        found[item_id].append(program_id)
    return found


def decisions_of(
    items: Iterable[CouncilActionItem],
) -> dict[uuid.UUID, tuple[CouncilDecision, CouncilMeeting]]:
    """Each action item's decision with its meeting, in one query."""
    ids = {item.decision_id for item in items}
    if not ids:
        return {}
    rows = db.session.execute(
        select(CouncilDecision, CouncilMeeting)
        .join(
            CouncilMeeting,
            (CouncilMeeting.tenant_id == CouncilDecision.tenant_id)
            & (CouncilMeeting.id == CouncilDecision.meeting_id),
        )
        .where(CouncilDecision.id.in_(ids))
    )
    return {decision.id: (decision, meeting) for decision, meeting in rows}


def members_by_id(member_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, CouncilMember]:
    ids = {member_id for member_id in member_ids if member_id is not None}
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(select(CouncilMember).where(CouncilMember.id.in_(ids)))}


# --- assigning ----------------------------------------------------------------------------------------


def _assignment(item: CouncilActionItem | None, data: dict, meeting: CouncilMeeting, actor: Actor) -> dict:
    """The assignment fields of ``data`` checked: title, exactly one owner, a due date not before the
    meeting, and at least one program of the tenant."""

    def value(name):
        return data[name] if name in data else (getattr(item, name) if item is not None else None)

    fields = {}
    title = (value("title") or "").strip()
    if not title:
        raise ValidationFailed.field("title", _l("Say what is to be done."))
    fields["title"] = title
    opd_id, member_id = value("owner_opd_id"), value("owner_member_id")
    if "owner_opd_id" in data and data["owner_opd_id"] is not None and "owner_member_id" not in data:
        member_id = None  # naming an OPD hands the item over from a member
    if "owner_member_id" in data and data["owner_member_id"] is not None and "owner_opd_id" not in data:
        opd_id = None
    if (opd_id is None) == (member_id is None):
        raise ValidationFailed.field("owner_opd_id", _l("Choose one owner: an OPD, or a member of a body."))
    if opd_id is not None and opd_id not in {o.id for o in tenants.list_opds(actor=actor)}:
        raise ValidationFailed.field("owner_opd_id", _l("Choose one of the tenant's OPDs."))
    if member_id is not None and not db.session.scalar(select(exists().where(CouncilMember.id == member_id))):
        raise ValidationFailed.field("owner_member_id", _l("Choose a member of one of the tenant's bodies."))
    fields.update(owner_opd_id=opd_id, owner_member_id=member_id)
    due_on = value("due_on")
    if due_on is None:
        raise ValidationFailed.field("due_on", _l("Enter the day it is due."))
    if due_on < meetings.local_day(meeting.starts_at):
        raise ValidationFailed.field(
            "due_on", _l("The due date cannot be before the meeting that decided it.")
        )
    fields["due_on"] = due_on
    return fields


def _check_programs(program_ids: list[uuid.UUID] | None, actor: Actor) -> list[uuid.UUID]:
    """The programs named, each read through the masterplan's services: another tenant's is not found
    (404), whatever the caller may do here."""
    chosen = list(dict.fromkeys(program_ids or ()))
    if not chosen:
        raise ValidationFailed.field("program_ids", _l("Choose the program this action item moves forward."))
    for program_id in chosen:
        masterplans.get_program(program_id, actor=actor)
    return chosen


def _link_programs(item: CouncilActionItem, program_ids: list[uuid.UUID]) -> None:
    current = program_ids_of([item.id])[item.id]
    for program_id in current:
        if program_id not in program_ids:
            db.session.execute(
                delete(CouncilActionItemProgram).where(
                    CouncilActionItemProgram.action_item_id == item.id,
                    CouncilActionItemProgram.program_id == program_id,
                )
            )
    for program_id in program_ids:
        if program_id not in current:
            db.session.add(CouncilActionItemProgram(action_item_id=item.id, program_id=program_id))
    db.session.flush()


def create_action_item(
    meeting_id: uuid.UUID, decision_id: uuid.UUID, data: dict, *, actor: Actor
) -> CouncilActionItem:
    """Turn a decision into an action item: what is to be done, by whom (an OPD or a member of a body),
    by when, for which programs."""
    decision = meetings.get_decision(meeting_id, decision_id, actor=actor)
    policy.require(actor, "action_item.manage", decision)
    meeting = meetings.get_meeting(meeting_id, actor=actor)
    fields = _assignment(None, data, meeting, actor)
    program_ids = _check_programs(data.get("program_ids"), actor)
    item = CouncilActionItem(decision_id=decision.id, status=OPEN, note=_note(data.get("note")), **fields)
    db.session.add(item)
    db.session.flush()
    _link_programs(item, program_ids)
    return item


def _note(text: str | None) -> str | None:
    return (text or "").strip() or None


def update_action_item(item_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilActionItem:
    """Change an action item: the secretariat its assignment (what, owner, due date, programs); the
    owner's operators and the secretariat its note and status (``done`` closes it, ``open`` reopens)."""
    item = get_action_item(item_id, actor=actor)
    if any(name in data for name in ASSIGNMENT_FIELDS):
        policy.require(actor, "action_item.manage", item)
        decision = db.session.scalar(select(CouncilDecision).where(CouncilDecision.id == item.decision_id))
        meeting = meetings.get_meeting(decision.meeting_id, actor=actor)
        for name, value in _assignment(item, data, meeting, actor).items():
            setattr(item, name, value)
        if "program_ids" in data:
            _link_programs(item, _check_programs(data["program_ids"], actor))
    if "note" in data or "status" in data:
        policy.require(actor, "action_item.update", item)
    if "note" in data:
        item.note = _note(data["note"])
    if "status" in data and data["status"] != item.status:
        _set_status(item, data["status"], actor)
    db.session.flush()
    return item


def _set_status(item: CouncilActionItem, status: str, actor: Actor) -> None:
    if status == DONE:
        item.status, item.closed_at, item.closed_by = DONE, utcnow(), actor.user_id
    elif status == OPEN:
        item.status, item.closed_at, item.closed_by = OPEN, None, None
    else:
        raise ValidationFailed.field("status", _l("Choose open or done."))


def close_action_item(item_id: uuid.UUID, *, actor: Actor, note: str | None = None) -> CouncilActionItem:
    """Report an action item done, with a note on what was done; who and when are recorded."""
    item = get_action_item(item_id, actor=actor)
    policy.require(actor, "action_item.update", item)
    if item.status == DONE:
        raise Conflict(_l("This action item is done already."))
    if note is not None and note.strip():
        item.note = note.strip()
    _set_status(item, DONE, actor)
    db.session.flush()
    return item


def reopen_action_item(item_id: uuid.UUID, *, actor: Actor) -> CouncilActionItem:
    """Open a done action item again (it was not finished after all)."""
    item = get_action_item(item_id, actor=actor)
    policy.require(actor, "action_item.update", item)
    if item.status == OPEN:
        raise Conflict(_l("This action item is open already."))
    _set_status(item, OPEN, actor)
    db.session.flush()
    return item


def delete_action_item(item_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove an action item entered by mistake, with its links to programs."""
    item = get_action_item(item_id, actor=actor)
    policy.require(actor, "action_item.manage", item)
    for link in db.session.scalars(
        select(CouncilActionItemProgram).where(CouncilActionItemProgram.action_item_id == item.id)
    ):
        db.session.delete(link)
    db.session.flush()
    db.session.delete(item)
    db.session.flush()


def opd_references(opd_id: uuid.UUID):
    """Why an OPD cannot be removed while action items are assigned to it (None when none is)."""
    count = db.session.scalar(
        select(func.count()).select_from(CouncilActionItem).where(CouncilActionItem.owner_opd_id == opd_id)
    )
    return _l("council action items are assigned to this OPD (%(count)d)", count=count) if count else None

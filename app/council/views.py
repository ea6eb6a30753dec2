"""Pages of the council: the bodies with their decrees and members, and the meetings with agenda,
invitees, attendance, minutes and decisions.

Every page works with JavaScript off: forms post and redirect, a refused change shows its form again
with the errors named by field. Only the secretariat (tenant administrator) sees the forms.
"""

import uuid
from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from app.core.db import utcnow
from app.core.errors import DomainError, ValidationFailed
from app.core.form_errors import form_errors, page_errors
from app.core.pages import paginate
from app.council import actions, bodies, meetings, policy, reference, services
from app.council.api import calendar_response, minutes_response, workbook_response
from app.council.jobs import INVITATIONS
from app.council.models import ATTENDANCE, DECREE_RELATIONS, MEETING_MODES, CouncilActionItem
from app.council.schemas import (
    AgendaItemUpdateSchema,
    BodyCreateSchema,
    BodyKindSchema,
    CouncilMemberSchema,
    DecisionSchema,
    DecreeCreateSchema,
    InviteeCreateSchema,
    MeetingCreateSchema,
    MeetingUpdateSchema,
    PositionSchema,
)
from app.extensions import db
from app.jobs import services as jobs
from app.masterplan import services as masterplans
from app.tenants import services as tenants

bp = Blueprint("council", __name__, url_prefix="/t/<tenant>/council", template_folder="templates")

LABELS = {
    "decree_status": {
        bodies.IN_FORCE: _l("In force"),
        bodies.AMENDED: _l("In force, amended"),
        bodies.SUPERSEDED: _l("Superseded"),
        bodies.EXPIRED: _l("Expired"),
        bodies.NOT_YET: _l("Not yet in force"),
    },
    "relation": {"amends": _l("Amends"), "supersedes": _l("Supersedes")},
    "attendance": {"present": _l("Present"), "absent": _l("Absent"), "represented": _l("Represented")},
}
STATUS_BADGES = {
    bodies.IN_FORCE: "success",
    bodies.AMENDED: "info",
    bodies.SUPERSEDED: "secondary",
    bodies.EXPIRED: "light",
    bodies.NOT_YET: "warning",
}


def load_form(schema, form, *, lists: tuple[str, ...] = ()) -> dict:
    """A posted form read by the API's schema for the same input: empty inputs are left out (the service
    decides what is required), lists read with ``getlist``; 422 naming the field when it is refused."""
    data = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        if name in lists:
            values = [v for v in form.getlist(name) if v]
            if values:
                data[name] = values
        elif form.get(name, "") != "":
            data[name] = form.get(name)
    try:
        return schema.load(data, partial=True)
    except ValidationError as error:
        raise ValidationFailed(errors=page_errors(error.messages)) from None


def attempt(action):
    """Run ``action`` and commit; on a refusal roll back and return (errors, status) for the form."""
    try:
        result = action()
        db.session.commit()
        return result, {}, 200
    except DomainError as error:
        return None, form_errors(error), error.status


def _secretariat() -> bool:
    return policy.can(g.actor, "body.manage")


def _choices(list_name: str) -> list[tuple[str, str]]:
    return [(entry.code, entry.name) for entry in reference.code_list(list_name)]


# --- the council's start page -------------------------------------------------------------------------


@bp.get("")
def index():
    return _index_page()


def _index_page(errors=None, form=None, status=200, kind_errors=None):
    found = bodies.list_bodies(actor=g.actor)
    kinds = bodies.body_kinds(actor=g.actor)
    return render_template(
        "council/index.html",
        bodies=found,
        kinds=kinds,
        kind_name=lambda code: bodies.kind_name(code, kinds),
        upcoming=meetings.upcoming_meetings(actor=g.actor, limit=5),
        secretariat=_secretariat(),
        opds=tenants.list_opds(actor=g.actor) if _secretariat() else [],
        errors=errors or {},
        kind_errors=kind_errors or {},
        form=form or {},
        meeting_kind=lambda code: reference.name_of(reference.MEETING_KIND, code),
    ), status


@bp.post("/bodies")
def add_body():
    body, errors, status = attempt(
        lambda: bodies.create_body(load_form(BodyCreateSchema(), request.form), actor=g.actor)
    )
    if errors:
        return _index_page(errors, request.form, status)
    flash(_("%(name)s set up.", name=body.name), "success")
    return redirect(url_for("council.body", body_id=body.id))


@bp.post("/body-kinds")
def add_body_kind():
    kind, errors, status = attempt(
        lambda: bodies.create_body_kind(load_form(BodyKindSchema(), request.form), actor=g.actor)
    )
    if errors:
        return _index_page(kind_errors=errors, form=request.form, status=status)
    flash(_("Kind of body %(name)s added.", name=kind.name), "success")
    return redirect(url_for("council.index"))


@bp.post("/body-kinds/<uuid:body_kind_id>/delete")
def delete_body_kind(body_kind_id):
    _result, errors, status = attempt(lambda: bodies.delete_body_kind(body_kind_id, actor=g.actor))
    if errors:
        return _index_page(kind_errors=errors, status=status)
    flash(_("Kind of body removed."), "success")
    return redirect(url_for("council.index"))


# --- a body ---------------------------------------------------------------------------------------------


def _as_of() -> date | None:
    raw = request.args.get("as_of", "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed.field("as_of", _l("Enter a date as YYYY-MM-DD.")) from None


@bp.get("/bodies/<uuid:body_id>")
def body(body_id):
    return _body_page(body_id)


def _body_page(body_id, errors=None, form=None, status=200, section=None):
    found = bodies.get_body(body_id, actor=g.actor)
    kinds = bodies.body_kinds(actor=g.actor)
    decrees = bodies.list_decrees(body_id, actor=g.actor)
    history = request.args.get("history") == "1"
    try:
        as_of = None if history else (_as_of() or date.today())
        as_of_error = None
    except ValidationFailed as error:
        as_of, as_of_error = date.today(), error.message
    members = db.session.execute(bodies.members_query(body_id, actor=g.actor, as_of=as_of)).all()
    secretariat = _secretariat()
    users = []
    if secretariat:
        users = [
            (user.id, user.name)
            for _membership, user in db.session.execute(tenants.members_query(actor=g.actor))
        ]
    return render_template(
        "council/body.html",
        body=found,
        kind_name=bodies.kind_name(found.kind, kinds),
        decrees=decrees,
        decree_numbers={d.id: d.number for d in decrees},
        statuses=bodies.decree_statuses(decrees, date.today()),
        positions=bodies.list_positions(body_id, actor=g.actor),
        members=members,
        as_of=as_of,
        as_of_error=as_of_error,
        history=history,
        secretariat=secretariat,
        users=users,
        position_codes=_choices(reference.POSITION),
        pentahelix=_choices(reference.PENTAHELIX),
        pentahelix_name=lambda code: reference.name_of(reference.PENTAHELIX, code),
        relations=DECREE_RELATIONS,
        labels=LABELS,
        badges=STATUS_BADGES,
        secretariat_opd=_opd_name(found.secretariat_opd_id),
        errors=errors or {},
        section=section,
        form=form or {},
    ), status


def _opd_name(opd_id) -> str | None:
    if opd_id is None:
        return None
    return next((o.name for o in tenants.list_opds(actor=g.actor) if o.id == opd_id), None)


@bp.get("/bodies/<uuid:body_id>/workbook.xlsx")
def body_workbook(body_id):
    bodies.get_body(body_id, actor=g.actor)
    return workbook_response(body_id, None if request.args.get("history") == "1" else _as_of())


@bp.post("/bodies/<uuid:body_id>/decrees")
def add_decree(body_id):
    def register():
        decree = bodies.create_decree(body_id, load_form(DecreeCreateSchema(), request.form), actor=g.actor)
        upload = request.files.get("file")
        if upload and upload.filename:
            bodies.attach_decree_document(decree.id, upload.stream, upload.filename, actor=g.actor)
        return decree

    decree, errors, status = attempt(register)
    if errors:
        return _body_page(body_id, errors, request.form, status, "decree")
    flash(_("Decree %(number)s registered.", number=decree.number), "success")
    return redirect(url_for("council.body", body_id=body_id) + "#decrees")


@bp.post("/bodies/<uuid:body_id>/decrees/<uuid:decree_id>/document")
def upload_decree_document(body_id, decree_id):
    bodies.get_decree(decree_id, actor=g.actor, body_id=body_id)
    upload = request.files.get("file")
    _result, errors, status = attempt(
        lambda: (
            bodies.attach_decree_document(
                decree_id,
                upload.stream if upload else None,
                upload.filename if upload else None,
                actor=g.actor,
            )
            if upload and upload.filename
            else _no_file()
        )
    )
    if errors:
        return _body_page(body_id, errors, request.form, status, "decree")
    flash(_("Signed decree uploaded."), "success")
    return redirect(url_for("council.body", body_id=body_id) + "#decrees")


def _no_file():
    raise ValidationFailed.field("file", _l("Choose the PDF of the signed decree."))


@bp.post("/bodies/<uuid:body_id>/positions")
def add_position(body_id):
    position, errors, status = attempt(
        lambda: bodies.create_position(body_id, load_form(PositionSchema(), request.form), actor=g.actor)
    )
    if errors:
        return _body_page(body_id, errors, request.form, status, "position")
    flash(_("Position %(title)s added.", title=position.title), "success")
    return redirect(url_for("council.body", body_id=body_id) + "#positions")


@bp.post("/bodies/<uuid:body_id>/members")
def add_member(body_id):
    member, errors, status = attempt(
        lambda: bodies.create_member(body_id, load_form(CouncilMemberSchema(), request.form), actor=g.actor)
    )
    if errors:
        return _body_page(body_id, errors, request.form, status, "member")
    flash(_("%(name)s appointed.", name=member.name), "success")
    return redirect(url_for("council.body", body_id=body_id) + "#members")


@bp.post("/bodies/<uuid:body_id>/members/<uuid:council_member_id>/end")
def end_term(body_id, council_member_id):
    bodies.get_member(council_member_id, actor=g.actor, body_id=body_id)
    data = load_form(CouncilMemberSchema(), request.form)

    def end():
        if "term_end" not in data:
            raise ValidationFailed.field("term_end", _l("Enter the last day of the term."))
        return bodies.update_member(council_member_id, {"term_end": data["term_end"]}, actor=g.actor)

    member, errors, status = attempt(end)
    if errors:
        return _body_page(body_id, errors, request.form, status, "member")
    flash(
        _("The term of %(name)s ends on %(day)s.", name=member.name, day=member.term_end.isoformat()),
        "success",
    )
    return redirect(url_for("council.body", body_id=body_id) + "#members")


# --- meetings ---------------------------------------------------------------------------------------------


@bp.get("/meetings")
def meeting_list():
    page = paginate(meetings.meetings_query(actor=g.actor), per_page=20)
    return render_template(
        "council/meetings.html",
        page=page,
        upcoming=meetings.upcoming_meetings(actor=g.actor, limit=5),
        secretariat=policy.can(g.actor, "meeting.manage"),
        meeting_kind=lambda code: reference.name_of(reference.MEETING_KIND, code),
        mode_name=lambda code: reference.name_of(reference.MEETING_MODE, code),
    )


def _meeting_form(errors=None, form=None, status=200):
    return render_template(
        "council/meeting_form.html",
        kinds=_choices(reference.MEETING_KIND),
        modes=[(code, reference.name_of(reference.MEETING_MODE, code)) for code in MEETING_MODES],
        bodies=bodies.list_bodies(actor=g.actor),
        zone=meetings.tenant_zone(),
        errors=errors or {},
        form=form or {},
    ), status


@bp.get("/meetings/new")
def new_meeting():
    policy.require(g.actor, "meeting.manage")
    return _meeting_form()


@bp.post("/meetings")
def add_meeting():
    def schedule():
        data = load_form(MeetingCreateSchema(exclude=("agenda",)), request.form)
        data["agenda"] = [
            line.strip() for line in request.form.get("agenda", "").splitlines() if line.strip()
        ]
        return meetings.create_meeting(data, actor=g.actor)

    meeting, errors, status = attempt(schedule)
    if errors:
        return _meeting_form(errors, request.form, status)
    flash(_("Meeting scheduled. Invite the participants next."), "success")
    return redirect(url_for("council.meeting", meeting_id=meeting.id))


@bp.get("/meetings/<uuid:meeting_id>")
def meeting(meeting_id):
    return _meeting_page(meeting_id)


def program_choices() -> list:
    """The programs of the tenant's current masterplan (enacted, else the newest draft), by code."""
    current = masterplans.current_masterplan(actor=g.actor)
    if current is None:
        return []
    return masterplans.list_programs(current.id, actor=g.actor)


def owner_choices() -> tuple[list, list]:
    """The OPDs of the tenant and the members of its bodies serving today, for an action item's owner."""
    today = meetings.local_day(utcnow())
    return tenants.list_opds(actor=g.actor), bodies.serving_members(actor=g.actor, on=today)


def _decision_action_items(decisions) -> dict:
    """The action items (that the member reads) of each decision of a meeting."""
    ids = [d.id for d in decisions]
    found = {decision_id: [] for decision_id in ids}
    if not ids:
        return found
    stmt = actions.action_items_query(actor=g.actor).where(CouncilActionItem.decision_id.in_(ids))
    for summary in services.summarise(list(db.session.scalars(stmt)), actor=g.actor):
        found[summary.decision_id].append(summary)
    return found


def _meeting_page(meeting_id, errors=None, form=None, status=200, section=None):
    found = meetings.get_meeting(meeting_id, actor=g.actor)
    invitees = meetings.list_invitees(meeting_id, actor=g.actor)
    agenda = meetings.list_agenda(meeting_id)
    body = bodies.get_body(found.body_id, actor=g.actor) if found.body_id else None
    decisions = meetings.list_decisions(meeting_id, actor=g.actor)
    assign = policy.can(g.actor, "action_item.manage")
    opds, members = owner_choices() if assign else ([], [])
    return render_template(
        "council/meeting.html",
        meeting=found,
        body=body,
        agenda=agenda,
        agenda_numbers={item.id: item.number for item in agenda},
        invitees=invitees,
        counts=meetings.attendance_counts(invitees),
        decisions=decisions,
        action_items=_decision_action_items(decisions),
        assign=assign,
        opds=opds,
        owner_members=members,
        program_choices=program_choices() if assign else [],
        today=meetings.local_day(utcnow()),
        files=meetings.meeting_files(meeting_id, actor=g.actor),
        bodies=bodies.list_bodies(actor=g.actor),
        manage=policy.can(g.actor, "meeting.manage", found),
        record=policy.can(g.actor, "meeting.record", found),
        kind_name=reference.name_of(reference.MEETING_KIND, found.kind),
        mode_name=reference.name_of(reference.MEETING_MODE, found.mode),
        pentahelix=_choices(reference.PENTAHELIX),
        pentahelix_name=lambda code: reference.name_of(reference.PENTAHELIX, code),
        attendance_choices=[(code, LABELS["attendance"][code]) for code in ATTENDANCE],
        labels=LABELS,
        errors=errors or {},
        section=section,
        form=form or {},
    ), status


@bp.post("/meetings/<uuid:meeting_id>/invitees")
def add_invitees(meeting_id):
    added, errors, status = attempt(
        lambda: meetings.invite(
            meeting_id, load_form(InviteeCreateSchema(), request.form, lists=("body_ids",)), actor=g.actor
        )
    )
    if errors:
        return _meeting_page(meeting_id, errors, request.form, status, "invitees")
    flash(_("Invited: %(count)s.", count=len(added)), "success")
    return redirect(url_for("council.meeting", meeting_id=meeting_id) + "#invitees")


@bp.post("/meetings/<uuid:meeting_id>/invitations")
def send_invitations(meeting_id):
    found = meetings.get_meeting(meeting_id, actor=g.actor)
    policy.require(g.actor, "meeting.manage", found)
    run = jobs.start_job(
        INVITATIONS, actor=g.actor, locale=str(g.get("locale", "id")), meeting_id=str(found.id)
    )
    db.session.commit()
    flash(_("The invitations are being mailed."), "info")
    return redirect(url_for("jobs.job", job_run_id=run.id))


@bp.get("/meetings/<uuid:meeting_id>/calendar.ics")
def meeting_calendar(meeting_id):
    return calendar_response(meetings.get_meeting(meeting_id, actor=g.actor))


@bp.get("/meetings/<uuid:meeting_id>/minutes.pdf")
def meeting_minutes(meeting_id):
    return minutes_response(meetings.get_meeting(meeting_id, actor=g.actor))


@bp.post("/meetings/<uuid:meeting_id>/attendance")
def record_attendance(meeting_id):
    entries = []
    for raw in request.form.getlist("invitee_id"):
        try:
            invitee_id = uuid.UUID(raw)
        except ValueError:
            continue
        choice = request.form.get(f"attendance-{invitee_id}", "")
        if choice:
            entries.append(
                {
                    "invitee_id": invitee_id,
                    "attendance": choice,
                    "represented_by": request.form.get(f"represented_by-{invitee_id}", ""),
                }
            )

    def record():
        for entry in entries:
            if entry["attendance"] not in ATTENDANCE:
                raise ValidationFailed.field("entries", _l("Choose present, absent or represented."))
        return meetings.record_attendance(meeting_id, entries, actor=g.actor)

    _result, errors, status = attempt(record)
    if errors:
        return _meeting_page(meeting_id, errors, request.form, status, "attendance")
    flash(_("Attendance saved."), "success")
    return redirect(url_for("council.meeting", meeting_id=meeting_id) + "#attendance")


@bp.post("/meetings/<uuid:meeting_id>/minutes")
def save_minutes(meeting_id):
    def save():
        minutes = load_form(MeetingUpdateSchema(only=("minutes",)), request.form).get("minutes")
        meeting = meetings.update_meeting(meeting_id, {"minutes": minutes}, actor=g.actor)
        for item in meetings.list_agenda(meeting_id):
            key = f"discussion-{item.id}"
            if key in request.form:
                text = load_form(
                    AgendaItemUpdateSchema(only=("discussion",)), {"discussion": request.form[key]}
                )
                meetings.update_agenda_item(
                    meeting_id, item.id, {"discussion": text.get("discussion")}, actor=g.actor
                )
        return meeting

    _result, errors, status = attempt(save)
    if errors:
        return _meeting_page(meeting_id, errors, request.form, status, "minutes")
    flash(_("Minutes saved."), "success")
    return redirect(url_for("council.meeting", meeting_id=meeting_id) + "#minutes")


@bp.post("/meetings/<uuid:meeting_id>/files")
def add_meeting_file(meeting_id):
    upload = request.files.get("file")

    def keep():
        if not upload or not upload.filename:
            raise ValidationFailed.field("file", _l("Choose a file."))
        return meetings.add_meeting_file(
            meeting_id, upload.stream, upload.filename, request.form.get("caption"), actor=g.actor
        )

    _result, errors, status = attempt(keep)
    if errors:
        return _meeting_page(meeting_id, errors, request.form, status, "files")
    flash(_("File kept with the minutes."), "success")
    return redirect(url_for("council.meeting", meeting_id=meeting_id) + "#files")


@bp.post("/meetings/<uuid:meeting_id>/decisions")
def add_decision(meeting_id):
    decision, errors, status = attempt(
        lambda: meetings.add_decision(meeting_id, load_form(DecisionSchema(), request.form), actor=g.actor)
    )
    if errors:
        return _meeting_page(meeting_id, errors, request.form, status, "decisions")
    flash(_("Decision %(number)s recorded.", number=decision.number), "success")
    return redirect(url_for("council.meeting", meeting_id=meeting_id) + "#decisions")

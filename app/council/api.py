"""REST resources of the council: kinds of body, bodies with their decrees, positions and members,
and meetings with their agenda, invitees, attendance, files, decisions and iCalendar invitation."""

import warnings
from datetime import date

from flask import Response, g, request
from flask.views import MethodView
from werkzeug.exceptions import PreconditionRequired

from app.core.api import Blueprint, paginate_query
from app.core.db import utcnow
from app.core.mail import external_url
from app.council import actions, bodies, calendar, exports, meetings, minutes, policy, services
from app.council.jobs import INVITATIONS
from app.council.schemas import (
    AgendaItemSchema,
    AgendaItemUpdateSchema,
    AttendanceSchema,
    BodyCreateSchema,
    BodyKindSchema,
    BodySchema,
    BodyUpdateSchema,
    CouncilActionItemCloseSchema,
    CouncilActionItemCreateSchema,
    CouncilActionItemQueryArgsSchema,
    CouncilActionItemSchema,
    CouncilActionItemUpdateSchema,
    CouncilMemberQueryArgsSchema,
    CouncilMemberSchema,
    CouncilMemberUpdateSchema,
    DecisionSchema,
    DecisionUpdateSchema,
    DecreeCreateSchema,
    DecreeSchema,
    DecreeUpdateSchema,
    InviteeCreateSchema,
    InviteeSchema,
    MeetingCreateSchema,
    MeetingFileSchema,
    MeetingFileUploadSchema,
    MeetingQueryArgsSchema,
    MeetingSchema,
    MeetingUpdateSchema,
    PositionSchema,
    PositionUpdateSchema,
)
from app.extensions import db
from app.files.schemas import FileUploadSchema
from app.jobs import services as jobs
from app.jobs.schemas import JobRunSchema

bodies_blp = Blueprint(
    "council_bodies_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>/council",
    description="The council: bodies set up by decree (SK), their positions and members over time",
)
meetings_blp = Blueprint(
    "council_meetings_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>/council/meetings",
    description="Council meetings: agenda, invitees, attendance, minutes, files, decisions, invitations",
)
actions_blp = Blueprint(
    "council_action_items_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>/council/action-items",
    description="Action items: what a decision asks an OPD or a member of a body to do by a day, for "
    "which masterplan programs; closed (done) by its owner's operators or the secretariat",
)
blueprints = (bodies_blp, meetings_blp, actions_blp)


# --- kinds of body --------------------------------------------------------------------------------------


@bodies_blp.route("/body-kinds")
class BodyKinds(MethodView):
    @bodies_blp.response(200, BodyKindSchema(many=True))
    @bodies_blp.paginate()
    def get(self, pagination_parameters):
        """List the kinds of body the tenant added (the national kinds are in the code lists)"""
        return paginate_query(db.session, bodies.tenant_kinds_query(actor=g.actor), pagination_parameters)

    @bodies_blp.arguments(BodyKindSchema)
    @bodies_blp.response(201, BodyKindSchema)
    def post(self, data):
        """Add a kind of body of the tenant's own (a technical team, a working group)"""
        kind = bodies.create_body_kind(data, actor=g.actor)
        db.session.commit()
        return kind


@bodies_blp.route("/body-kinds/<uuid:body_kind_id>")
class BodyKindById(MethodView):
    @bodies_blp.response(200, BodyKindSchema)
    def get(self, body_kind_id):
        """Show a kind of body of the tenant's own"""
        return bodies.get_body_kind(body_kind_id, actor=g.actor)

    @bodies_blp.response(204)
    def delete(self, body_kind_id):
        """Remove a kind of the tenant's own that no body is of"""
        bodies.delete_body_kind(body_kind_id, actor=g.actor)
        db.session.commit()


# --- bodies -----------------------------------------------------------------------------------------------


def _body(body) -> dict:
    kinds = bodies.body_kinds(actor=g.actor)
    return {**_columns(body), "kind_name": bodies.kind_name(body.kind, kinds)}


def _columns(obj) -> dict:
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns}


@bodies_blp.route("/bodies")
class Bodies(MethodView):
    @bodies_blp.response(200, BodySchema(many=True))
    @bodies_blp.paginate()
    def get(self, pagination_parameters):
        """List the tenant's bodies: Dewan Smart City, Tim Pelaksana, Forum and the tenant's own kinds"""
        found = paginate_query(db.session, bodies.bodies_query(actor=g.actor), pagination_parameters)
        return [_body(body) for body in found]

    @bodies_blp.arguments(BodyCreateSchema)
    @bodies_blp.response(201, BodySchema)
    def post(self, data):
        """Set up a body of a national kind or of one of the tenant's own"""
        body = bodies.create_body(data, actor=g.actor)
        db.session.commit()
        return _body(body)


@bodies_blp.route("/bodies/<uuid:body_id>")
class BodyById(MethodView):
    @bodies_blp.etag
    @bodies_blp.response(200, BodySchema)
    def get(self, body_id):
        """Show a body"""
        return _body(bodies.get_body(body_id, actor=g.actor))

    @bodies_blp.etag
    @bodies_blp.arguments(BodyUpdateSchema)
    @bodies_blp.response(200, BodySchema)
    def patch(self, data, body_id):
        """Change a body's kind, name, description or secretariat OPD"""
        bodies_blp.check_etag(_body(bodies.get_body(body_id, actor=g.actor)), BodySchema)
        body = bodies.update_body(body_id, data, actor=g.actor)
        db.session.commit()
        return _body(body)

    @bodies_blp.etag
    @bodies_blp.response(204)
    def delete(self, body_id):
        """Remove a body with no decree, position or meeting yet"""
        bodies_blp.check_etag(_body(bodies.get_body(body_id, actor=g.actor)), BodySchema)
        bodies.delete_body(body_id, actor=g.actor)
        db.session.commit()


# --- decrees ----------------------------------------------------------------------------------------------


def _decrees(body_id, found) -> list[dict]:
    statuses = bodies.decree_statuses(bodies.list_decrees(body_id, actor=g.actor), date.today())
    return [{**_columns(d), "status": statuses[d.id]} for d in found]


def _decree(body_id, decree_id) -> dict:
    return _decrees(body_id, [bodies.get_decree(decree_id, actor=g.actor, body_id=body_id)])[0]


@bodies_blp.route("/bodies/<uuid:body_id>/decrees")
class Decrees(MethodView):
    @bodies_blp.response(200, DecreeSchema(many=True))
    @bodies_blp.paginate()
    def get(self, body_id, pagination_parameters):
        """List a body's decrees, the newest first, each with how it stands today"""
        found = paginate_query(
            db.session, bodies.decrees_query(body_id, actor=g.actor), pagination_parameters
        )
        return _decrees(body_id, found)

    @bodies_blp.arguments(DecreeCreateSchema)
    @bodies_blp.response(201, DecreeSchema)
    def post(self, data, body_id):
        """Register a decree (SK): number, date, signer, validity, and the earlier decree it amends or
        supersedes"""
        decree = bodies.create_decree(body_id, data, actor=g.actor)
        db.session.commit()
        return _decree(body_id, decree.id)


@bodies_blp.route("/bodies/<uuid:body_id>/decrees/<uuid:decree_id>")
class DecreeById(MethodView):
    @bodies_blp.etag
    @bodies_blp.response(200, DecreeSchema)
    def get(self, body_id, decree_id):
        """Show a decree"""
        return _decree(body_id, decree_id)

    @bodies_blp.etag
    @bodies_blp.arguments(DecreeUpdateSchema)
    @bodies_blp.response(200, DecreeSchema)
    def patch(self, data, body_id, decree_id):
        """Correct a decree's details"""
        bodies_blp.check_etag(_decree(body_id, decree_id), DecreeSchema)
        bodies.update_decree(decree_id, data, actor=g.actor)
        db.session.commit()
        return _decree(body_id, decree_id)

    @bodies_blp.etag
    @bodies_blp.response(204)
    def delete(self, body_id, decree_id):
        """Remove a decree registered by mistake (none later changes it, nobody was appointed by it)"""
        bodies_blp.check_etag(_decree(body_id, decree_id), DecreeSchema)
        bodies.delete_decree(decree_id, actor=g.actor)
        db.session.commit()


@bodies_blp.route("/bodies/<uuid:body_id>/decrees/<uuid:decree_id>/document")
class DecreeDocument(MethodView):
    @bodies_blp.doc(operationId="uploadDecreeDocument")
    @bodies_blp.arguments(FileUploadSchema, location="files")
    @bodies_blp.response(200, DecreeSchema)
    def put(self, files, body_id, decree_id):
        """Upload the signed decree as a PDF (multipart, field ``file``), replacing an earlier one; its
        ``document_id`` then downloads from ``/files/{stored_file_id}/content`` for every member"""
        bodies.get_decree(decree_id, actor=g.actor, body_id=body_id)
        upload = files["file"]
        bodies.attach_decree_document(decree_id, upload.stream, upload.filename, actor=g.actor)
        db.session.commit()
        return _decree(body_id, decree_id)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bodies_blp.route("/bodies/<uuid:body_id>/workbook")
class BodyWorkbook(MethodView):
    @bodies_blp.doc(
        operationId="downloadBodyWorkbook",
        responses={"200": {"description": "the workbook", "content": {XLSX: {}}}},
    )
    @bodies_blp.arguments(CouncilMemberQueryArgsSchema, location="query")
    def get(self, args, body_id):
        """Download a body's members (serving on ``as_of``, or everyone who served) and its decrees as an
        XLSX workbook (sheets "Anggota" and "SK")"""
        return workbook_response(body_id, args.get("as_of"))


def workbook_response(body_id, as_of) -> Response:
    content = exports.body_workbook(body_id, actor=g.actor, as_of=as_of)
    return Response(
        content,
        mimetype=XLSX,
        headers={"Content-Disposition": 'attachment; filename="lembaga-smart-city.xlsx"'},
    )


# --- positions and members -------------------------------------------------------------------------------


@bodies_blp.route("/bodies/<uuid:body_id>/positions")
class Positions(MethodView):
    @bodies_blp.response(200, PositionSchema(many=True))
    @bodies_blp.paginate()
    def get(self, body_id, pagination_parameters):
        """List a body's positions in order"""
        return paginate_query(
            db.session, bodies.positions_query(body_id, actor=g.actor), pagination_parameters
        )

    @bodies_blp.arguments(PositionSchema)
    @bodies_blp.response(201, PositionSchema)
    def post(self, data, body_id):
        """Add a position: Ketua, Sekretaris, a dimension's coordinator, Anggota Dewan Smart City"""
        position = bodies.create_position(body_id, data, actor=g.actor)
        db.session.commit()
        return position


@bodies_blp.route("/bodies/<uuid:body_id>/positions/<uuid:position_id>")
class PositionById(MethodView):
    @bodies_blp.etag
    @bodies_blp.response(200, PositionSchema)
    def get(self, body_id, position_id):
        """Show a position"""
        return bodies.get_position(position_id, actor=g.actor, body_id=body_id)

    @bodies_blp.etag
    @bodies_blp.arguments(PositionUpdateSchema)
    @bodies_blp.response(200, PositionSchema)
    def patch(self, data, body_id, position_id):
        """Change a position's title, code, dimension, seats or order"""
        bodies_blp.check_etag(
            bodies.get_position(position_id, actor=g.actor, body_id=body_id), PositionSchema
        )
        position = bodies.update_position(position_id, data, actor=g.actor)
        db.session.commit()
        return position

    @bodies_blp.etag
    @bodies_blp.response(204)
    def delete(self, body_id, position_id):
        """Remove a position nobody has held"""
        bodies_blp.check_etag(
            bodies.get_position(position_id, actor=g.actor, body_id=body_id), PositionSchema
        )
        bodies.delete_position(position_id, actor=g.actor)
        db.session.commit()


def _member(member, position, day: date) -> dict:
    serving = member.term_start <= day and (member.term_end is None or member.term_end >= day)
    return {**_columns(member), "position_title": position.title, "serving": serving}


def _one_member(body_id, member_id) -> dict:
    member = bodies.get_member(member_id, actor=g.actor, body_id=body_id)
    position = bodies.get_position(member.position_id, actor=g.actor)
    return _member(member, position, date.today())


@bodies_blp.route("/bodies/<uuid:body_id>/members")
class Members(MethodView):
    @bodies_blp.doc(operationId="listCouncilMembers")
    @bodies_blp.arguments(CouncilMemberQueryArgsSchema, location="query")
    @bodies_blp.response(200, CouncilMemberSchema(many=True))
    @bodies_blp.paginate()
    def get(self, args, body_id, pagination_parameters):
        """List a body's members by position: those serving on ``as_of``, or everyone who ever served"""
        as_of = args.get("as_of")
        stmt = bodies.members_query(body_id, actor=g.actor, as_of=as_of)
        rows = paginate_query(db.session, stmt, pagination_parameters, rows=True)
        return [_member(member, position, as_of or date.today()) for member, position in rows]

    @bodies_blp.doc(operationId="createCouncilMember")
    @bodies_blp.arguments(CouncilMemberSchema)
    @bodies_blp.response(201, CouncilMemberSchema)
    def post(self, data, body_id):
        """Appoint a person to a position for a term: a user of the tenant (``user_id``) or an outside
        person (``name``, institution, contact), with their pentahelix element; 422 when the term overlaps
        another's on a single-seat position"""
        member = bodies.create_member(body_id, data, actor=g.actor)
        db.session.commit()
        return _one_member(body_id, member.id)


@bodies_blp.route("/bodies/<uuid:body_id>/members/<uuid:council_member_id>")
class MemberById(MethodView):
    @bodies_blp.doc(operationId="getCouncilMember")
    @bodies_blp.etag
    @bodies_blp.response(200, CouncilMemberSchema)
    def get(self, body_id, council_member_id):
        """Show a member and their term"""
        return _one_member(body_id, council_member_id)

    @bodies_blp.doc(operationId="updateCouncilMember")
    @bodies_blp.etag
    @bodies_blp.arguments(CouncilMemberUpdateSchema)
    @bodies_blp.response(200, CouncilMemberSchema)
    def patch(self, data, body_id, council_member_id):
        """Correct a member's details or end their term (``term_end``); the row stays in the history"""
        bodies_blp.check_etag(_one_member(body_id, council_member_id), CouncilMemberSchema)
        bodies.update_member(council_member_id, data, actor=g.actor)
        db.session.commit()
        return _one_member(body_id, council_member_id)

    @bodies_blp.doc(operationId="deleteCouncilMember")
    @bodies_blp.etag
    @bodies_blp.response(204)
    def delete(self, body_id, council_member_id):
        """Remove a member entered by mistake (never invited); to record a departure, end the term"""
        bodies_blp.check_etag(_one_member(body_id, council_member_id), CouncilMemberSchema)
        bodies.delete_member(council_member_id, actor=g.actor)
        db.session.commit()


# --- meetings ---------------------------------------------------------------------------------------------


@meetings_blp.route("")
class Meetings(MethodView):
    @meetings_blp.arguments(MeetingQueryArgsSchema, location="query")
    @meetings_blp.response(200, MeetingSchema(many=True))
    @meetings_blp.paginate()
    def get(self, args, pagination_parameters):
        """List the tenant's meetings in the order they are held (``upcoming``: only those not ended)"""
        stmt = meetings.meetings_query(
            actor=g.actor,
            upcoming=bool(args.get("upcoming")),
            body_id=args.get("body_id"),
            latest_first=False,
        )
        return paginate_query(db.session, stmt, pagination_parameters)

    @meetings_blp.arguments(MeetingCreateSchema)
    @meetings_blp.response(201, MeetingSchema)
    def post(self, data):
        """Schedule a meeting with its agenda; times without an offset are in the tenant's time zone; 422
        when it ends before it starts"""
        meeting = meetings.create_meeting(data, actor=g.actor)
        db.session.commit()
        return meeting


@meetings_blp.route("/<uuid:meeting_id>")
class MeetingById(MethodView):
    @meetings_blp.etag
    @meetings_blp.response(200, MeetingSchema)
    def get(self, meeting_id):
        """Show a meeting"""
        return meetings.get_meeting(meeting_id, actor=g.actor)

    @meetings_blp.etag
    @meetings_blp.arguments(MeetingUpdateSchema)
    @meetings_blp.response(200, MeetingSchema)
    def patch(self, data, meeting_id):
        """Change a meeting's details, its agenda (the whole list) or its minutes"""
        meetings_blp.check_etag(meetings.get_meeting(meeting_id, actor=g.actor), MeetingSchema)
        meeting = meetings.update_meeting(meeting_id, data, actor=g.actor)
        db.session.commit()
        return meeting

    @meetings_blp.etag
    @meetings_blp.response(204)
    def delete(self, meeting_id):
        """Remove a meeting scheduled by mistake (no minutes, decisions or files yet)"""
        meetings_blp.check_etag(meetings.get_meeting(meeting_id, actor=g.actor), MeetingSchema)
        meetings.delete_meeting(meeting_id, actor=g.actor)
        db.session.commit()


@meetings_blp.route("/<uuid:meeting_id>/agenda")
class AgendaItems(MethodView):
    @meetings_blp.response(200, AgendaItemSchema(many=True))
    @meetings_blp.paginate()
    def get(self, meeting_id, pagination_parameters):
        """List a meeting's agenda items in order, with the discussion the minutes record under each"""
        return paginate_query(
            db.session, meetings.agenda_query(meeting_id, actor=g.actor), pagination_parameters
        )

    @meetings_blp.arguments(AgendaItemSchema)
    @meetings_blp.response(201, AgendaItemSchema)
    def post(self, data, meeting_id):
        """Add an item at the end of the agenda"""
        item = meetings.add_agenda_item(meeting_id, data, actor=g.actor)
        db.session.commit()
        return item


@meetings_blp.route("/<uuid:meeting_id>/agenda/<uuid:agenda_item_id>")
class AgendaItemById(MethodView):
    @meetings_blp.etag
    @meetings_blp.response(200, AgendaItemSchema)
    def get(self, meeting_id, agenda_item_id):
        """Show an agenda item"""
        return meetings.get_agenda_item(meeting_id, agenda_item_id, actor=g.actor)

    @meetings_blp.etag
    @meetings_blp.arguments(AgendaItemUpdateSchema)
    @meetings_blp.response(200, AgendaItemSchema)
    def patch(self, data, meeting_id, agenda_item_id):
        """Reword an agenda item, or record the discussion under it"""
        meetings_blp.check_etag(
            meetings.get_agenda_item(meeting_id, agenda_item_id, actor=g.actor), AgendaItemSchema
        )
        item = meetings.update_agenda_item(meeting_id, agenda_item_id, data, actor=g.actor)
        db.session.commit()
        return item

    @meetings_blp.etag
    @meetings_blp.response(204)
    def delete(self, meeting_id, agenda_item_id):
        """Remove an agenda item with no decision under it; the items after it move up"""
        meetings_blp.check_etag(
            meetings.get_agenda_item(meeting_id, agenda_item_id, actor=g.actor), AgendaItemSchema
        )
        meetings.delete_agenda_item(meeting_id, agenda_item_id, actor=g.actor)
        db.session.commit()


@meetings_blp.route("/<uuid:meeting_id>/invitees")
class Invitees(MethodView):
    @meetings_blp.response(200, InviteeSchema(many=True))
    @meetings_blp.paginate()
    def get(self, meeting_id, pagination_parameters):
        """List a meeting's invitees with their attendance"""
        return paginate_query(
            db.session, meetings.invitees_query(meeting_id, actor=g.actor), pagination_parameters
        )

    @meetings_blp.arguments(InviteeCreateSchema)
    @meetings_blp.response(201, InviteeSchema(many=True))
    def post(self, data, meeting_id):
        """Invite the members of bodies serving on the meeting's day (``body_ids``), chosen members
        (``member_ids``) and a person by hand (``name``...); returns the new invitees"""
        added = meetings.invite(meeting_id, data, actor=g.actor)
        db.session.commit()
        return added


@meetings_blp.route("/<uuid:meeting_id>/invitees/<uuid:invitee_id>")
class InviteeById(MethodView):
    @meetings_blp.response(200, InviteeSchema)
    def get(self, meeting_id, invitee_id):
        """Show an invitee"""
        return meetings.get_invitee(meeting_id, invitee_id, actor=g.actor)

    @meetings_blp.response(204)
    def delete(self, meeting_id, invitee_id):
        """Take someone off the invitees (before attendance is recorded for them)"""
        meetings.remove_invitee(meeting_id, invitee_id, actor=g.actor)
        db.session.commit()


@meetings_blp.route("/<uuid:meeting_id>/attendance")
class Attendance(MethodView):
    @meetings_blp.doc(operationId="recordAttendance")
    @meetings_blp.arguments(AttendanceSchema)
    @meetings_blp.response(200, InviteeSchema(many=True))
    def put(self, data, meeting_id):
        """Record attendance: present, absent, or represented (and by whom); 422 for someone not invited"""
        invitees = meetings.record_attendance(meeting_id, data["entries"], actor=g.actor)
        db.session.commit()
        return invitees


@meetings_blp.route("/<uuid:meeting_id>/invitations")
class Invitations(MethodView):
    @meetings_blp.doc(operationId="sendMeetingInvitations")
    @meetings_blp.response(202, JobRunSchema)
    def post(self, meeting_id):
        """Mail every invitee with an address the invitation with its .ics file: a job, whose progress
        and outcome read at ``/jobs/{job_run_id}``"""
        meeting = meetings.get_meeting(meeting_id, actor=g.actor)
        policy.require(g.actor, "meeting.manage", meeting)
        run = jobs.start_job(INVITATIONS, actor=g.actor, meeting_id=str(meeting.id))
        db.session.commit()
        return run


@meetings_blp.route("/<uuid:meeting_id>/calendar")
class MeetingCalendar(MethodView):
    @meetings_blp.doc(
        operationId="downloadMeetingCalendar",
        responses={"200": {"description": "the invitation", "content": {"text/calendar": {}}}},
    )
    def get(self, meeting_id):
        """Download the meeting's invitation as an iCalendar file (.ics)"""
        return calendar_response(meetings.get_meeting(meeting_id, actor=g.actor))


def calendar_response(meeting) -> Response:
    invitees = meetings.list_invitees(meeting.id, actor=g.actor)
    agenda = [item.title for item in meetings.list_agenda(meeting.id)]
    tenant = g.tenant
    link = external_url("council.meeting", meeting_id=meeting.id)
    content = calendar.invitation(meeting, invitees, agenda=agenda, organiser=tenant.name, url=link)
    return Response(
        content,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="rapat-{meeting.starts_at:%Y%m%d}.ics"'},
    )


@meetings_blp.route("/<uuid:meeting_id>/minutes")
class MeetingMinutes(MethodView):
    @meetings_blp.doc(
        operationId="downloadMeetingMinutes",
        responses={"200": {"description": "the minutes", "content": {"application/pdf": {}}}},
    )
    def get(self, meeting_id):
        """Download the minutes (notulen) as a PDF: header, attendance list, discussion per agenda item,
        decisions and signature block"""
        return minutes_response(meetings.get_meeting(meeting_id, actor=g.actor))


def minutes_response(meeting) -> Response:
    content = minutes.minutes_pdf(meeting.id, actor=g.actor)
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="notulen-{meeting.starts_at:%Y%m%d}.pdf"'},
    )


@meetings_blp.route("/<uuid:meeting_id>/files")
class MeetingFiles(MethodView):
    @meetings_blp.response(200, MeetingFileSchema(many=True))
    @meetings_blp.paginate()
    def get(self, meeting_id, pagination_parameters):
        """List the files kept with a meeting's minutes; each ``file_id`` downloads from
        ``/files/{stored_file_id}/content``"""
        stmt = meetings.meeting_files_query(meeting_id, actor=g.actor)
        return paginate_query(db.session, stmt, pagination_parameters)

    @meetings_blp.doc(operationId="uploadMeetingFile")
    @meetings_blp.arguments(MeetingFileUploadSchema, location="multipart")
    @meetings_blp.response(201, MeetingFileSchema)
    def post(self, data, meeting_id):
        """Keep a file with the minutes (PDF, image, Office document; multipart ``file`` and ``caption``)"""
        upload = data["file"]
        row = meetings.add_meeting_file(
            meeting_id, upload.stream, upload.filename, data.get("caption"), actor=g.actor
        )
        db.session.commit()
        return row


@meetings_blp.route("/<uuid:meeting_id>/files/<uuid:meeting_file_id>")
class MeetingFileById(MethodView):
    @meetings_blp.response(200, MeetingFileSchema)
    def get(self, meeting_id, meeting_file_id):
        """Show a file of the minutes"""
        return meetings.get_meeting_file(meeting_id, meeting_file_id, actor=g.actor)

    @meetings_blp.response(204)
    def delete(self, meeting_id, meeting_file_id):
        """Remove a file from the minutes"""
        meetings.remove_meeting_file(meeting_id, meeting_file_id, actor=g.actor)
        db.session.commit()


@meetings_blp.route("/<uuid:meeting_id>/decisions")
class Decisions(MethodView):
    @meetings_blp.response(200, DecisionSchema(many=True))
    @meetings_blp.paginate()
    def get(self, meeting_id, pagination_parameters):
        """List a meeting's decisions in the order the minutes number them"""
        return paginate_query(
            db.session, meetings.decisions_query(meeting_id, actor=g.actor), pagination_parameters
        )

    @meetings_blp.arguments(DecisionSchema)
    @meetings_blp.response(201, DecisionSchema)
    def post(self, data, meeting_id):
        """Record a decision of the meeting, under an agenda item when it belongs to one"""
        decision = meetings.add_decision(meeting_id, data, actor=g.actor)
        db.session.commit()
        return decision


@meetings_blp.route("/<uuid:meeting_id>/decisions/<uuid:decision_id>")
class DecisionById(MethodView):
    @meetings_blp.etag
    @meetings_blp.response(200, DecisionSchema)
    def get(self, meeting_id, decision_id):
        """Show a decision"""
        return meetings.get_decision(meeting_id, decision_id, actor=g.actor)

    @meetings_blp.etag
    @meetings_blp.arguments(DecisionUpdateSchema)
    @meetings_blp.response(200, DecisionSchema)
    def patch(self, data, meeting_id, decision_id):
        """Reword a decision or move it under another agenda item"""
        meetings_blp.check_etag(meetings.get_decision(meeting_id, decision_id, actor=g.actor), DecisionSchema)
        decision = meetings.update_decision(meeting_id, decision_id, data, actor=g.actor)
        db.session.commit()
        return decision

    @meetings_blp.etag
    @meetings_blp.response(204)
    def delete(self, meeting_id, decision_id):
        """Remove a decision recorded by mistake"""
        meetings_blp.check_etag(meetings.get_decision(meeting_id, decision_id, actor=g.actor), DecisionSchema)
        meetings.delete_decision(meeting_id, decision_id, actor=g.actor)
        db.session.commit()


# --- action items ------------------------------------------------------------------------------------


def _action_items(found) -> list[dict]:
    found = list(found)
    today = meetings.local_day(utcnow())
    summaries = {s.id: s for s in services.summarise(list(found), actor=g.actor)}
    return [
        {
            **_columns(item),
            "meeting_id": summaries[item.id].meeting_id,
            "owner_name": summaries[item.id].owner.name,
            "program_ids": list(summaries[item.id].program_ids),
            "overdue": summaries[item.id].overdue_on(today),
        }
        for item in found
    ]


def _action_item(item_id) -> dict:
    return _action_items([actions.get_action_item(item_id, actor=g.actor)])[0]


# Closing and reopening are POSTs that change the item: they take its ETag as a PATCH does.
CHANGES_THE_ITEM = {
    "parameters": ["IF_MATCH"],
    "responses": {412: "PRECONDITION_FAILED", 428: "PRECONDITION_REQUIRED"},
}


def _check_if_match(item_id) -> None:
    """428 without ``If-Match``, 412 when it names an ETag that is no longer current."""
    if not request.if_match:
        raise PreconditionRequired()
    with warnings.catch_warnings():
        # flask-smorest warns that it checks ETags on PUT, PATCH and DELETE only: these POSTs check too.
        warnings.simplefilter("ignore", UserWarning)
        actions_blp.check_etag(_action_item(item_id), CouncilActionItemSchema)


@meetings_blp.route("/<uuid:meeting_id>/decisions/<uuid:decision_id>/action-items")
class DecisionActionItems(MethodView):
    @meetings_blp.doc(operationId="listDecisionActionItems")
    @meetings_blp.response(200, CouncilActionItemSchema(many=True))
    @meetings_blp.paginate()
    def get(self, meeting_id, decision_id, pagination_parameters):
        """List the action items a decision became (those the caller reads)"""
        meetings.get_decision(meeting_id, decision_id, actor=g.actor)
        stmt = actions.action_items_query(actor=g.actor, decision_id=decision_id)
        return _action_items(paginate_query(db.session, stmt, pagination_parameters))

    @meetings_blp.doc(operationId="createCouncilActionItem")
    @meetings_blp.arguments(CouncilActionItemCreateSchema)
    @meetings_blp.response(201, CouncilActionItemSchema)
    def post(self, data, meeting_id, decision_id):
        """Turn a decision into an action item: what is to be done, its owner (``owner_opd_id`` or
        ``owner_member_id``), its due date and the programs it moves forward; 404 for a program of
        another tenant, 422 for a due date before the meeting"""
        item = actions.create_action_item(meeting_id, decision_id, data, actor=g.actor)
        db.session.commit()
        return _action_item(item.id)


@actions_blp.route("")
class CouncilActionItems(MethodView):
    @actions_blp.arguments(CouncilActionItemQueryArgsSchema, location="query")
    @actions_blp.response(200, CouncilActionItemSchema(many=True))
    @actions_blp.paginate()
    def get(self, args, pagination_parameters):
        """List the action items the caller reads, the soonest due first: all of them for the secretariat,
        planners and viewers; an OPD operator's own OPDs'; a council member's own"""
        stmt = actions.action_items_query(
            actor=g.actor,
            status=args.get("status"),
            owner_opd_id=args.get("owner_opd_id"),
            program_id=args.get("program_id"),
            overdue_on=meetings.local_day(utcnow()) if args.get("overdue") else None,
        )
        return _action_items(paginate_query(db.session, stmt, pagination_parameters))


@actions_blp.route("/<uuid:council_action_item_id>")
class CouncilActionItemById(MethodView):
    @actions_blp.etag
    @actions_blp.response(200, CouncilActionItemSchema)
    def get(self, council_action_item_id):
        """Show an action item"""
        return _action_item(council_action_item_id)

    @actions_blp.etag
    @actions_blp.arguments(CouncilActionItemUpdateSchema)
    @actions_blp.response(200, CouncilActionItemSchema)
    def patch(self, data, council_action_item_id):
        """Change an action item: the secretariat its title, owner, due date and programs; the owner's
        OPD operators and the secretariat its note and status (``done`` closes it, ``open`` reopens it)"""
        actions_blp.check_etag(_action_item(council_action_item_id), CouncilActionItemSchema)
        actions.update_action_item(council_action_item_id, data, actor=g.actor)
        db.session.commit()
        return _action_item(council_action_item_id)

    @actions_blp.etag
    @actions_blp.response(204)
    def delete(self, council_action_item_id):
        """Remove an action item entered by mistake"""
        actions_blp.check_etag(_action_item(council_action_item_id), CouncilActionItemSchema)
        actions.delete_action_item(council_action_item_id, actor=g.actor)
        db.session.commit()


@actions_blp.route("/<uuid:council_action_item_id>/close")
class CouncilActionItemClose(MethodView):
    @actions_blp.doc(operationId="closeCouncilActionItem", **CHANGES_THE_ITEM)
    @actions_blp.etag
    @actions_blp.arguments(CouncilActionItemCloseSchema)
    @actions_blp.response(200, CouncilActionItemSchema)
    def post(self, data, council_action_item_id):
        """Report an action item done, with a note on what was done (who and when are recorded); 409 when
        it is done already"""
        _check_if_match(council_action_item_id)
        actions.close_action_item(council_action_item_id, actor=g.actor, note=data.get("note"))
        db.session.commit()
        return _action_item(council_action_item_id)


@actions_blp.route("/<uuid:council_action_item_id>/reopen")
class CouncilActionItemReopen(MethodView):
    @actions_blp.doc(operationId="reopenCouncilActionItem", **CHANGES_THE_ITEM)
    @actions_blp.etag
    @actions_blp.response(200, CouncilActionItemSchema)
    def post(self, council_action_item_id):
        """Open a done action item again; 409 when it is open"""
        _check_if_match(council_action_item_id)
        actions.reopen_action_item(council_action_item_id, actor=g.actor)
        db.session.commit()
        return _action_item(council_action_item_id)

"""API shapes for the council: kinds of body, bodies, decrees, positions, members, meetings with their
agenda, invitees, attendance, files and decisions.

Load schemas never take tenant_id and reject unknown fields. Kinds, positions, meeting kinds, modes and
pentahelix elements are named by their codes; objects of the tenant by their ids.
"""

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.core.bounds import Date, DateTime, Email, Integer, Line, Narrative, Url
from app.council.models import (
    ACTION_STATUSES,
    ATTENDANCE,
    DECREE_RELATIONS,
    MEETING_MODES,
    CouncilActionItem,
    CouncilAgendaItem,
    CouncilBody,
    CouncilBodyKind,
    CouncilDecree,
    CouncilInvitee,
    CouncilMeeting,
    CouncilMeetingFile,
    CouncilMember,
    CouncilPosition,
)


def _required_line(column):
    return Line(column, required=True, min_length=1)


class BodyKindSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = _required_line(CouncilBodyKind.code)
    name = _required_line(CouncilBodyKind.name)
    created_at = fields.DateTime(dump_only=True)


class BodySchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True)
    kind_name = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    description = fields.String(dump_only=True, allow_none=True)
    secretariat_opd_id = fields.UUID(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class BodyCreateSchema(Schema):
    kind = _required_line(CouncilBody.kind)
    name = _required_line(CouncilBody.name)
    description = Narrative(allow_none=True)
    secretariat_opd_id = fields.UUID(allow_none=True)


class BodyUpdateSchema(BodyCreateSchema):
    kind = Line(CouncilBody.kind, min_length=1)
    name = Line(CouncilBody.name, min_length=1)


class DecreeSchema(Schema):
    id = fields.UUID(dump_only=True)
    body_id = fields.UUID(dump_only=True)
    number = fields.String(dump_only=True)
    title = fields.String(dump_only=True, allow_none=True)
    decree_date = fields.Date(dump_only=True)
    signer = fields.String(dump_only=True)
    valid_from = fields.Date(dump_only=True)
    valid_until = fields.Date(dump_only=True, allow_none=True)
    relation = fields.String(dump_only=True, allow_none=True)
    previous_id = fields.UUID(dump_only=True, allow_none=True)
    status = fields.String(
        dump_only=True,
        metadata={"description": "today: in_force, amended, superseded, expired or not_yet"},
    )
    document_id = fields.UUID(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class DecreeCreateSchema(Schema):
    number = _required_line(CouncilDecree.number)
    title = Line(CouncilDecree.title, allow_none=True)
    decree_date = Date(required=True)
    signer = _required_line(CouncilDecree.signer)
    valid_from = Date(allow_none=True)
    valid_until = Date(allow_none=True)
    relation = Line(CouncilDecree.relation, allow_none=True, validate=validate.OneOf(DECREE_RELATIONS))
    previous_id = fields.UUID(allow_none=True)


class DecreeUpdateSchema(DecreeCreateSchema):
    number = Line(CouncilDecree.number, min_length=1)
    decree_date = Date()
    signer = Line(CouncilDecree.signer, min_length=1)


class PositionSchema(Schema):
    id = fields.UUID(dump_only=True)
    body_id = fields.UUID(dump_only=True)
    title = _required_line(CouncilPosition.title)
    code = Line(CouncilPosition.code, allow_none=True)
    dimension_code = Line(CouncilPosition.dimension_code, allow_none=True)
    single_seat = fields.Boolean(load_default=False)
    rank = Integer(minimum=0, maximum=999, load_default=0)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class PositionUpdateSchema(PositionSchema):
    title = Line(CouncilPosition.title, min_length=1)
    single_seat = fields.Boolean()
    rank = Integer(minimum=0, maximum=999)


class CouncilMemberSchema(Schema):
    id = fields.UUID(dump_only=True)
    body_id = fields.UUID(dump_only=True)
    position_id = fields.UUID(required=True)
    position_title = fields.String(dump_only=True)
    decree_id = fields.UUID(allow_none=True)
    user_id = fields.UUID(allow_none=True)
    name = Line(CouncilMember.name, metadata={"description": "required for an outside person"})
    institution = Line(CouncilMember.institution, allow_none=True)
    email = Email(CouncilMember.email, allow_none=True)
    phone = Line(CouncilMember.phone, allow_none=True)
    pentahelix = Line(CouncilMember.pentahelix, required=True)
    term_start = Date(required=True)
    term_end = Date(allow_none=True)
    serving = fields.Boolean(dump_only=True, metadata={"description": "serving on the day asked (or today)"})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class CouncilMemberUpdateSchema(CouncilMemberSchema):
    position_id = fields.UUID()
    pentahelix = Line(CouncilMember.pentahelix)
    term_start = Date()


class CouncilMemberQueryArgsSchema(Schema):
    as_of = Date(metadata={"description": "only the members serving on this day"})


# --- meetings -----------------------------------------------------------------------------------------


class MeetingSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body_id = fields.UUID(dump_only=True, allow_none=True)
    starts_at = fields.DateTime(dump_only=True)
    ends_at = fields.DateTime(dump_only=True)
    mode = fields.String(dump_only=True)
    place = fields.String(dump_only=True, allow_none=True)
    online_link = fields.String(dump_only=True, allow_none=True)
    chair = fields.String(dump_only=True, allow_none=True)
    minutes = fields.String(dump_only=True, allow_none=True)
    sequence = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class MeetingCreateSchema(Schema):
    kind = _required_line(CouncilMeeting.kind)
    title = _required_line(CouncilMeeting.title)
    body_id = fields.UUID(allow_none=True)
    starts_at = DateTime(
        required=True, metadata={"description": "without an offset: in the tenant's time zone"}
    )
    ends_at = DateTime(required=True)
    mode = Line(CouncilMeeting.mode, required=True, validate=validate.OneOf(MEETING_MODES))
    place = Line(CouncilMeeting.place, allow_none=True)
    online_link = Url(CouncilMeeting.online_link, allow_none=True)
    chair = Line(CouncilMeeting.chair, allow_none=True)
    agenda = fields.List(Line(CouncilAgendaItem.title, min_length=1), load_default=list)


class MeetingUpdateSchema(MeetingCreateSchema):
    kind = Line(CouncilMeeting.kind, min_length=1)
    title = Line(CouncilMeeting.title, min_length=1)
    starts_at = DateTime()
    ends_at = DateTime()
    mode = Line(CouncilMeeting.mode, validate=validate.OneOf(MEETING_MODES))
    agenda = fields.List(Line(CouncilAgendaItem.title, min_length=1), load_default=None)
    minutes = Narrative(allow_none=True)


class MeetingQueryArgsSchema(Schema):
    upcoming = fields.Boolean(metadata={"description": "only meetings that have not ended"})
    body_id = fields.UUID()


class AgendaItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    meeting_id = fields.UUID(dump_only=True)
    number = fields.Integer(dump_only=True)
    title = _required_line(CouncilAgendaItem.title)
    discussion = Narrative(allow_none=True)


class AgendaItemUpdateSchema(AgendaItemSchema):
    title = Line(CouncilAgendaItem.title, min_length=1)


class InviteeSchema(Schema):
    id = fields.UUID(dump_only=True)
    meeting_id = fields.UUID(dump_only=True)
    member_id = fields.UUID(dump_only=True, allow_none=True)
    user_id = fields.UUID(dump_only=True, allow_none=True)
    name = fields.String(dump_only=True)
    institution = fields.String(dump_only=True, allow_none=True)
    email = fields.String(dump_only=True, allow_none=True)
    pentahelix = fields.String(dump_only=True, allow_none=True)
    attendance = fields.String(dump_only=True, allow_none=True)
    represented_by = fields.String(dump_only=True, allow_none=True)
    invited_at = fields.DateTime(dump_only=True, allow_none=True)


class InviteeCreateSchema(Schema):
    """Invite the members of bodies (serving on the meeting's day), and people by hand."""

    body_ids = fields.List(fields.UUID(), load_default=list)
    member_ids = fields.List(fields.UUID(), load_default=list)
    name = Line(CouncilInvitee.name)
    institution = Line(CouncilInvitee.institution, allow_none=True)
    email = Email(CouncilInvitee.email, allow_none=True)
    pentahelix = Line(CouncilInvitee.pentahelix, allow_none=True)

    @validates_schema
    def _someone(self, data, **kwargs):
        if not (data.get("body_ids") or data.get("member_ids") or data.get("name")):
            raise ValidationError("name a body, a member or a person", "name")


class AttendanceEntrySchema(Schema):
    invitee_id = fields.UUID(required=True)
    attendance = Line(CouncilInvitee.attendance, required=True, validate=validate.OneOf(ATTENDANCE))
    represented_by = Line(CouncilInvitee.represented_by, allow_none=True)


class AttendanceSchema(Schema):
    entries = fields.List(fields.Nested(AttendanceEntrySchema), required=True)


class InvitationResultSchema(Schema):
    sent = fields.Integer(dump_only=True, metadata={"description": "invitees mailed"})
    without_email = fields.Integer(dump_only=True, metadata={"description": "invitees with no address"})


class MeetingFileSchema(Schema):
    id = fields.UUID(dump_only=True)
    meeting_id = fields.UUID(dump_only=True)
    file_id = fields.UUID(dump_only=True)
    caption = fields.String(dump_only=True, allow_none=True)


class MeetingFileUploadSchema(Schema):
    file = Upload(required=True)
    caption = Line(CouncilMeetingFile.caption)


class DecisionSchema(Schema):
    id = fields.UUID(dump_only=True)
    meeting_id = fields.UUID(dump_only=True)
    agenda_item_id = fields.UUID(allow_none=True)
    number = fields.Integer(dump_only=True)
    text = Narrative(required=True, min_length=1)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class DecisionUpdateSchema(DecisionSchema):
    text = Narrative(min_length=1)


# --- action items ---------------------------------------------------------------------------------------


class CouncilActionItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    decision_id = fields.UUID(dump_only=True)
    meeting_id = fields.UUID(dump_only=True)
    title = fields.String(dump_only=True)
    owner_opd_id = fields.UUID(dump_only=True, allow_none=True)
    owner_member_id = fields.UUID(dump_only=True, allow_none=True)
    owner_name = fields.String(dump_only=True, metadata={"description": "the OPD's or the member's name"})
    due_on = fields.Date(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "open or done"})
    overdue = fields.Boolean(dump_only=True, metadata={"description": "open past its due date today"})
    note = fields.String(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_by = fields.UUID(dump_only=True, allow_none=True)
    program_ids = fields.List(fields.UUID(), dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class CouncilActionItemCreateSchema(Schema):
    title = _required_line(CouncilActionItem.title)
    owner_opd_id = fields.UUID(allow_none=True, metadata={"description": "the owner OPD, or"})
    owner_member_id = fields.UUID(allow_none=True, metadata={"description": "the owner member of a body"})
    due_on = Date(required=True)
    program_ids = fields.List(
        fields.UUID(),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "the masterplan programs it moves forward"},
    )
    note = Narrative(allow_none=True)


class CouncilActionItemUpdateSchema(CouncilActionItemCreateSchema):
    title = Line(CouncilActionItem.title, min_length=1)
    due_on = Date()
    program_ids = fields.List(fields.UUID(), validate=validate.Length(min=1, max=50))
    status = Line(
        CouncilActionItem.status,
        validate=validate.OneOf(ACTION_STATUSES),
        metadata={"description": "done closes it (who and when are recorded), open reopens it"},
    )


class CouncilActionItemCloseSchema(Schema):
    note = Narrative(allow_none=True, metadata={"description": "what was done"})


class CouncilActionItemQueryArgsSchema(Schema):
    status = Line(CouncilActionItem.status, validate=validate.OneOf(ACTION_STATUSES))
    owner_opd_id = fields.UUID()
    program_id = fields.UUID()
    overdue = fields.Boolean(metadata={"description": "only those open past their due date"})

"""Meetings: scheduling in the tenant's time zone, agenda, invitees (from bodies or by hand), attendance,
minutes with their files, and decisions; the iCalendar invitation.

Times are entered and shown in the tenant's zone (WIB, WITA, WIT) and stored in UTC.
"""

import uuid
from datetime import UTC, date, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from app.core.auth import Actor
from app.core.db import as_utc, utcnow
from app.core.errors import Conflict, ValidationFailed
from app.core.reach import one_or_404
from app.core.tenancy import current_tenant_id
from app.council import bodies, policy, reference
from app.council.models import (
    MEETING_MODES,
    REPRESENTED,
    CouncilActionItem,
    CouncilAgendaItem,
    CouncilBody,
    CouncilDecision,
    CouncilInvitee,
    CouncilMeeting,
    CouncilMeetingFile,
    CouncilMember,
)
from app.extensions import db
from app.files import services as files
from app.tenants import services as tenants

MEETING_OWNER = "council_meeting"
# Meetings are held within these years; a typo of 20245 is refused instead of stored.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def tenant_zone() -> ZoneInfo:
    """The tenant's time zone (Asia/Makassar for WITA), in which meetings are entered and shown."""
    return ZoneInfo(tenants.find_tenant(current_tenant_id()).timezone)


def local_instant(value: datetime, field: str) -> datetime:
    """An instant in UTC from a time entered without an offset (read in the tenant's zone) or with one."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tenant_zone())
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationFailed.field(
            field, _l("Enter a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        )
    return value.astimezone(UTC)


def local_day(instant: datetime) -> date:
    return as_utc(instant).astimezone(tenant_zone()).date()


# --- meetings ----------------------------------------------------------------------------------------


def meetings_query(
    *, actor: Actor, upcoming: bool = False, body_id: uuid.UUID | None = None, latest_first: bool = True
):
    """The tenant's meetings, the latest first (or in the order they are held); ``upcoming``: those not
    ended yet, the soonest first."""
    policy.require(actor, "council.read")
    stmt = select(CouncilMeeting)
    if body_id is not None:
        stmt = stmt.where(CouncilMeeting.body_id == body_id)
    if upcoming:
        return stmt.where(CouncilMeeting.ends_at >= utcnow()).order_by(CouncilMeeting.starts_at)
    return stmt.order_by(CouncilMeeting.starts_at.desc() if latest_first else CouncilMeeting.starts_at)


def upcoming_meetings(*, actor: Actor, limit: int = 5) -> list[CouncilMeeting]:
    """The next meetings of the tenant, the soonest first (the dashboard's list)."""
    return list(db.session.scalars(meetings_query(actor=actor, upcoming=True).limit(limit)))


def get_meeting(meeting_id: uuid.UUID, *, actor: Actor) -> CouncilMeeting:
    meeting = one_or_404(select(CouncilMeeting).where(CouncilMeeting.id == meeting_id))
    policy.require(actor, "council.read", meeting)
    return meeting


def _meeting_fields(data: dict, meeting: CouncilMeeting | None) -> dict:
    def value(name):
        return data[name] if name in data else (getattr(meeting, name) if meeting else None)

    fields = {}
    kind = value("kind")
    if kind not in reference.codes(reference.MEETING_KIND):
        raise ValidationFailed.field("kind", _l("Choose the kind of meeting."))
    title = (value("title") or "").strip()
    if not title:
        raise ValidationFailed.field("title", _l("Enter the meeting's title."))
    body_id = value("body_id")
    if (
        body_id is not None
        and db.session.scalar(select(CouncilBody.id).where(CouncilBody.id == body_id)) is None
    ):
        raise ValidationFailed.field("body_id", _l("Choose one of the tenant's bodies, or none."))
    starts_at, ends_at = value("starts_at"), value("ends_at")
    if starts_at is None:
        raise ValidationFailed.field("starts_at", _l("Enter when the meeting starts."))
    if ends_at is None:
        raise ValidationFailed.field("ends_at", _l("Enter when the meeting ends."))
    starts_at = local_instant(starts_at, "starts_at") if "starts_at" in data else as_utc(starts_at)
    ends_at = local_instant(ends_at, "ends_at") if "ends_at" in data else as_utc(ends_at)
    if ends_at <= starts_at:
        raise ValidationFailed.field("ends_at", _l("The meeting must end after it starts."))
    mode = value("mode")
    if mode not in MEETING_MODES:
        raise ValidationFailed.field("mode", _l("Choose in person, online or hybrid."))
    place = (value("place") or "").strip() or None
    link = (value("online_link") or "").strip() or None
    if mode != "DARING" and place is None:
        raise ValidationFailed.field("place", _l("Enter where the meeting is held."))
    if mode != "LURING" and link is None:
        raise ValidationFailed.field("online_link", _l("Enter the link to join online."))
    fields.update(
        kind=kind,
        title=title,
        body_id=body_id,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        place=place,
        online_link=link,
        chair=(value("chair") or "").strip() or None,
    )
    return fields


def create_meeting(data: dict, *, actor: Actor) -> CouncilMeeting:
    """Schedule a meeting with its agenda; invitees are added next, from bodies or by hand."""
    policy.require(actor, "meeting.manage")
    meeting = CouncilMeeting(**_meeting_fields(data, None))
    db.session.add(meeting)
    db.session.flush()
    for number, title in enumerate(data.get("agenda") or [], start=1):
        db.session.add(CouncilAgendaItem(meeting_id=meeting.id, number=number, title=title.strip()))
    db.session.flush()
    return meeting


SCHEDULE_FIELDS = ("starts_at", "ends_at", "mode", "place", "online_link", "title")


def update_meeting(meeting_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilMeeting:
    """Change a meeting's details or its minutes. A change of time or place raises the invitation's
    sequence, so calendars replace the event they hold."""
    meeting = get_meeting(meeting_id, actor=actor)
    details = {k: v for k, v in data.items() if k not in ("minutes", "agenda")}
    if details:
        policy.require(actor, "meeting.manage", meeting)
        before = {name: getattr(meeting, name) for name in SCHEDULE_FIELDS}
        for name, value in _meeting_fields(details, meeting).items():
            setattr(meeting, name, value)
        if any(_differs(before[name], getattr(meeting, name)) for name in SCHEDULE_FIELDS):
            meeting.sequence += 1
    if "minutes" in data:
        policy.require(actor, "meeting.record", meeting)
        meeting.minutes = (data["minutes"] or "").strip() or None
    if data.get("agenda") is not None:
        policy.require(actor, "meeting.manage", meeting)
        _replace_agenda(meeting, data["agenda"])
    db.session.flush()
    return meeting


def _differs(a, b) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return as_utc(a) != as_utc(b)
    return a != b


def _replace_agenda(meeting: CouncilMeeting, titles: list[str]) -> None:
    """The agenda as listed: items keep their discussion by position; items past the new end go, unless a
    decision stands under them."""
    items = list_agenda(meeting.id)
    for index, title in enumerate(titles):
        if index < len(items):
            items[index].title = title.strip()
        else:
            db.session.add(CouncilAgendaItem(meeting_id=meeting.id, number=index + 1, title=title.strip()))
    for item in items[len(titles) :]:
        _delete_agenda_item(item)


def delete_meeting(meeting_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a meeting scheduled by mistake: one without minutes, decisions or files yet."""
    meeting = get_meeting(meeting_id, actor=actor)
    policy.require(actor, "meeting.manage", meeting)
    recorded = meeting.minutes or any(
        db.session.scalar(select(exists().where(model.meeting_id == meeting.id)))
        for model in (CouncilDecision, CouncilMeetingFile)
    )
    if recorded:
        raise Conflict(_l("This meeting has minutes, decisions or files: they stay on record."))
    for model in (CouncilInvitee, CouncilAgendaItem):
        for row in db.session.scalars(select(model).where(model.meeting_id == meeting.id)):
            db.session.delete(row)
    db.session.flush()
    db.session.delete(meeting)
    db.session.flush()


# --- agenda -----------------------------------------------------------------------------------------------


def list_agenda(meeting_id: uuid.UUID) -> list[CouncilAgendaItem]:
    stmt = select(CouncilAgendaItem).where(CouncilAgendaItem.meeting_id == meeting_id)
    return list(db.session.scalars(stmt.order_by(CouncilAgendaItem.number)))


def agenda_query(meeting_id: uuid.UUID, *, actor: Actor):
    """A meeting's agenda items in order."""
    get_meeting(meeting_id, actor=actor)
    return (
        select(CouncilAgendaItem)
        .where(CouncilAgendaItem.meeting_id == meeting_id)
        .order_by(CouncilAgendaItem.number)
    )


def get_agenda_item(meeting_id: uuid.UUID, item_id: uuid.UUID, *, actor: Actor) -> CouncilAgendaItem:
    get_meeting(meeting_id, actor=actor)
    return one_or_404(
        select(CouncilAgendaItem).where(
            CouncilAgendaItem.id == item_id, CouncilAgendaItem.meeting_id == meeting_id
        )
    )


def add_agenda_item(meeting_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilAgendaItem:
    """Add an item at the end of a meeting's agenda."""
    meeting = get_meeting(meeting_id, actor=actor)
    policy.require(actor, "meeting.manage", meeting)
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationFailed.field("title", _l("Enter the agenda item."))
    number = db.session.scalar(
        select(func.coalesce(func.max(CouncilAgendaItem.number), 0)).where(
            CouncilAgendaItem.meeting_id == meeting_id
        )
    )
    item = CouncilAgendaItem(meeting_id=meeting.id, number=number + 1, title=title)
    if data.get("discussion") is not None:
        policy.require(actor, "meeting.record", meeting)
        item.discussion = data["discussion"].strip() or None
    db.session.add(item)
    db.session.flush()
    return item


def update_agenda_item(
    meeting_id: uuid.UUID, item_id: uuid.UUID, data: dict, *, actor: Actor
) -> CouncilAgendaItem:
    """Reword an agenda item, or record the discussion under it in the minutes."""
    item = get_agenda_item(meeting_id, item_id, actor=actor)
    if "title" in data:
        policy.require(actor, "meeting.manage", item)
        title = (data["title"] or "").strip()
        if not title:
            raise ValidationFailed.field("title", _l("Enter the agenda item."))
        item.title = title
    if "discussion" in data:
        policy.require(actor, "meeting.record", item)
        item.discussion = (data["discussion"] or "").strip() or None
    db.session.flush()
    return item


def delete_agenda_item(meeting_id: uuid.UUID, item_id: uuid.UUID, *, actor: Actor) -> None:
    item = get_agenda_item(meeting_id, item_id, actor=actor)
    policy.require(actor, "meeting.manage", item)
    _delete_agenda_item(item)


def _delete_agenda_item(item: CouncilAgendaItem) -> None:
    if db.session.scalar(select(exists().where(CouncilDecision.agenda_item_id == item.id))):
        raise ValidationFailed.field(
            "agenda", _l("Agenda item %(number)s has decisions under it: it stays.", number=item.number)
        )
    db.session.delete(item)
    db.session.flush()
    # The items after it move up, so the agenda stays numbered 1, 2, 3.
    for later in db.session.scalars(
        select(CouncilAgendaItem)
        .where(CouncilAgendaItem.meeting_id == item.meeting_id, CouncilAgendaItem.number > item.number)
        .order_by(CouncilAgendaItem.number)
    ):
        later.number -= 1
        db.session.flush()


# --- invitees and attendance --------------------------------------------------------------------------


def invitees_query(meeting_id: uuid.UUID, *, actor: Actor):
    """A meeting's invitees by name."""
    get_meeting(meeting_id, actor=actor)
    return select(CouncilInvitee).where(CouncilInvitee.meeting_id == meeting_id).order_by(CouncilInvitee.name)


def list_invitees(meeting_id: uuid.UUID, *, actor: Actor) -> list[CouncilInvitee]:
    return list(db.session.scalars(invitees_query(meeting_id, actor=actor)))


def get_invitee(meeting_id: uuid.UUID, invitee_id: uuid.UUID, *, actor: Actor) -> CouncilInvitee:
    get_meeting(meeting_id, actor=actor)
    return one_or_404(
        select(CouncilInvitee).where(CouncilInvitee.id == invitee_id, CouncilInvitee.meeting_id == meeting_id)
    )


def invite(meeting_id: uuid.UUID, data: dict, *, actor: Actor) -> list[CouncilInvitee]:
    """Invite the members of bodies serving on the meeting's day, chosen members, and a person by hand;
    someone invited already is not invited twice. Returns the new invitees."""
    meeting = get_meeting(meeting_id, actor=actor)
    policy.require(actor, "meeting.manage", meeting)
    present = list_invitees(meeting.id, actor=actor)
    seen = set().union(*(_identities(i) for i in present))
    added = []
    for member in _members_to_invite(meeting, data):
        if _identities(member) & seen:
            continue
        added.append(_invitee_of(meeting, member))
        seen |= _identities(member)
    name = (data.get("name") or "").strip()
    if name:
        email = (data.get("email") or "").strip() or None
        pentahelix = data.get("pentahelix") or None
        if pentahelix is not None and pentahelix not in reference.codes(reference.PENTAHELIX):
            raise ValidationFailed.field(
                "pentahelix", _l("Choose the pentahelix element the person stands for.")
            )
        if not {("email", (email or "").lower()), ("name", " ".join(name.lower().split()))} & seen:
            added.append(
                CouncilInvitee(
                    meeting_id=meeting.id,
                    name=name,
                    institution=(data.get("institution") or "").strip() or None,
                    email=email,
                    pentahelix=pentahelix,
                )
            )
    db.session.add_all(added)
    db.session.flush()
    return added


def _identities(person: CouncilMember | CouncilInvitee) -> set[tuple]:
    """What makes two invitations the same person: the member, the user, the email address."""
    member_id = person.id if isinstance(person, CouncilMember) else person.member_id
    keys = {
        ("member", member_id),
        ("user", person.user_id),
        ("email", (person.email or "").lower()),
        # an office held in two bodies (Kepala Bappeda in the Dewan and the Tim Pelaksana) is one person
        ("name", " ".join(person.name.lower().split())),
    }
    return {key for key in keys if key[1]}


def _members_to_invite(meeting: CouncilMeeting, data: dict) -> list[CouncilMember]:
    day = local_day(meeting.starts_at)
    found = []
    body_ids = list(data.get("body_ids") or [])
    if body_ids:
        known = set(db.session.scalars(select(CouncilBody.id).where(CouncilBody.id.in_(body_ids))))
        if known != set(body_ids):
            raise ValidationFailed.field("body_ids", _l("Choose bodies of the tenant."))
        found += db.session.scalars(
            select(CouncilMember)
            .where(CouncilMember.body_id.in_(body_ids), *bodies.serving_on(day))
            .order_by(CouncilMember.name)
        )
    member_ids = list(data.get("member_ids") or [])
    if member_ids:
        chosen = list(db.session.scalars(select(CouncilMember).where(CouncilMember.id.in_(member_ids))))
        if {m.id for m in chosen} != set(member_ids):
            raise ValidationFailed.field("member_ids", _l("Choose members of the tenant's bodies."))
        found += chosen
    return found


def _invitee_of(meeting: CouncilMeeting, member: CouncilMember) -> CouncilInvitee:
    return CouncilInvitee(
        meeting_id=meeting.id,
        member_id=member.id,
        user_id=member.user_id,
        name=member.name,
        institution=member.institution,
        email=member.email,
        pentahelix=member.pentahelix,
    )


def remove_invitee(meeting_id: uuid.UUID, invitee_id: uuid.UUID, *, actor: Actor) -> None:
    """Take someone off the list of invitees (before attendance is taken)."""
    invitee = get_invitee(meeting_id, invitee_id, actor=actor)
    policy.require(actor, "meeting.manage", invitee)
    if invitee.attendance is not None:
        raise Conflict(_l("Attendance is recorded for %(name)s: the record stays.", name=invitee.name))
    db.session.delete(invitee)
    db.session.flush()


def record_attendance(meeting_id: uuid.UUID, entries: list[dict], *, actor: Actor) -> list[CouncilInvitee]:
    """Record who was present, absent or represented (and by whom). Attendance is recorded only for
    invitees of this meeting: add someone who came uninvited as an invitee first."""
    meeting = get_meeting(meeting_id, actor=actor)
    policy.require(actor, "meeting.record", meeting)
    invitees = {i.id: i for i in list_invitees(meeting.id, actor=actor)}
    for index, entry in enumerate(entries):
        invitee = invitees.get(entry["invitee_id"])
        if invitee is None:
            raise ValidationFailed(
                _l("Attendance names someone not invited to this meeting."),
                {"entries": [_l("Row %(n)s names someone not invited to this meeting.", n=index + 1)]},
            )
        represented_by = (entry.get("represented_by") or "").strip() or None
        if entry["attendance"] == REPRESENTED and represented_by is None:
            raise ValidationFailed(
                _l("Say who represented %(name)s.", name=invitee.name),
                {"entries": [_l("Row %(n)s: say who represented %(name)s.", n=index + 1, name=invitee.name)]},
            )
        invitee.attendance = entry["attendance"]
        invitee.represented_by = represented_by if entry["attendance"] == REPRESENTED else None
    db.session.flush()
    return list(invitees.values())


def attendance_counts(invitees: list[CouncilInvitee]) -> dict[str, int]:
    counts = {"present": 0, "absent": 0, "represented": 0, "unknown": 0}
    for invitee in invitees:
        counts[invitee.attendance or "unknown"] += 1
    return counts


# --- files of the minutes ------------------------------------------------------------------------------


def meeting_files_query(meeting_id: uuid.UUID, *, actor: Actor):
    get_meeting(meeting_id, actor=actor)
    return (
        select(CouncilMeetingFile)
        .where(CouncilMeetingFile.meeting_id == meeting_id)
        .order_by(CouncilMeetingFile.id)
    )


def meeting_files(meeting_id: uuid.UUID, *, actor: Actor) -> list[tuple[CouncilMeetingFile, object]]:
    """A meeting's files with what each stored file is (name, kind, size)."""
    rows = db.session.scalars(meeting_files_query(meeting_id, actor=actor))
    return [(row, files.get_file(row.file_id, actor=actor)) for row in rows]


def add_meeting_file(
    meeting_id: uuid.UUID, source: BinaryIO, filename: str | None, caption: str | None, *, actor: Actor
) -> CouncilMeetingFile:
    """Keep a file with the minutes: the signed notulen, the attendance sheet, photos."""
    meeting = get_meeting(meeting_id, actor=actor)
    policy.require(actor, "meeting.record", meeting)
    stored = files.store_upload(source, filename, purpose="evidence", actor=actor)
    stored.owner_type, stored.owner_id = MEETING_OWNER, meeting.id
    row = CouncilMeetingFile(
        meeting_id=meeting.id, file_id=stored.id, caption=(caption or "").strip() or None
    )
    db.session.add(row)
    db.session.flush()
    return row


def get_meeting_file(meeting_id: uuid.UUID, row_id: uuid.UUID, *, actor: Actor) -> CouncilMeetingFile:
    get_meeting(meeting_id, actor=actor)
    return one_or_404(
        select(CouncilMeetingFile).where(
            CouncilMeetingFile.id == row_id, CouncilMeetingFile.meeting_id == meeting_id
        )
    )


def remove_meeting_file(meeting_id: uuid.UUID, row_id: uuid.UUID, *, actor: Actor) -> None:
    row = get_meeting_file(meeting_id, row_id, actor=actor)
    policy.require(actor, "meeting.record", row)
    file_id = row.file_id
    db.session.delete(row)
    db.session.flush()
    files.release(file_id, MEETING_OWNER, meeting_id, actor=actor)


def can_read_meeting_file(meeting_id: uuid.UUID, actor: Actor) -> bool:
    """A meeting's files are read by every member who reads the council."""
    meeting = db.session.scalar(select(CouncilMeeting).where(CouncilMeeting.id == meeting_id))
    return meeting is not None and policy.can(actor, "council.read", meeting)


# --- decisions ---------------------------------------------------------------------------------------------


def decisions_query(meeting_id: uuid.UUID, *, actor: Actor):
    """A meeting's decisions in the order the minutes number them."""
    get_meeting(meeting_id, actor=actor)
    return (
        select(CouncilDecision)
        .where(CouncilDecision.meeting_id == meeting_id)
        .order_by(CouncilDecision.number)
    )


def list_decisions(meeting_id: uuid.UUID, *, actor: Actor) -> list[CouncilDecision]:
    return list(db.session.scalars(decisions_query(meeting_id, actor=actor)))


def get_decision(meeting_id: uuid.UUID, decision_id: uuid.UUID, *, actor: Actor) -> CouncilDecision:
    get_meeting(meeting_id, actor=actor)
    return one_or_404(
        select(CouncilDecision).where(
            CouncilDecision.id == decision_id, CouncilDecision.meeting_id == meeting_id
        )
    )


def _decision_fields(meeting_id: uuid.UUID, data: dict) -> dict:
    fields = {}
    if "text" in data:
        text = (data.get("text") or "").strip()
        if not text:
            raise ValidationFailed.field("text", _l("Enter the decision."))
        fields["text"] = text
    if "agenda_item_id" in data:
        item_id = data.get("agenda_item_id")
        if (
            item_id is not None
            and db.session.scalar(
                select(CouncilAgendaItem.id).where(
                    CouncilAgendaItem.id == item_id, CouncilAgendaItem.meeting_id == meeting_id
                )
            )
            is None
        ):
            raise ValidationFailed.field("agenda_item_id", _l("Choose an item of this meeting's agenda."))
        fields["agenda_item_id"] = item_id
    return fields


def add_decision(meeting_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilDecision:
    """Record a decision the meeting took, numbered after the ones before it."""
    meeting = get_meeting(meeting_id, actor=actor)
    policy.require(actor, "meeting.record", meeting)
    fields = _decision_fields(meeting.id, {"text": data.get("text"), **data})
    number = db.session.scalar(
        select(func.coalesce(func.max(CouncilDecision.number), 0)).where(
            CouncilDecision.meeting_id == meeting.id
        )
    )
    decision = CouncilDecision(meeting_id=meeting.id, number=number + 1, **fields)
    db.session.add(decision)
    db.session.flush()
    return decision


def update_decision(
    meeting_id: uuid.UUID, decision_id: uuid.UUID, data: dict, *, actor: Actor
) -> CouncilDecision:
    decision = get_decision(meeting_id, decision_id, actor=actor)
    policy.require(actor, "meeting.record", decision)
    for name, value in _decision_fields(meeting_id, data).items():
        setattr(decision, name, value)
    db.session.flush()
    return decision


def delete_decision(meeting_id: uuid.UUID, decision_id: uuid.UUID, *, actor: Actor) -> None:
    decision = get_decision(meeting_id, decision_id, actor=actor)
    policy.require(actor, "meeting.record", decision)
    if db.session.scalar(select(exists().where(CouncilActionItem.decision_id == decision.id))):
        raise Conflict(_l("This decision has action items: remove them first."))
    db.session.delete(decision)
    db.session.flush()

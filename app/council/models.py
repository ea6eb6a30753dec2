"""The council's records: bodies set up by decree (SK), their seats and the people holding them over time,
and meetings with agenda, invitees, attendance, minutes and decisions.

Nothing here is overwritten when people change: a decree that replaces another is a new row pointing at
it, a member who leaves keeps their row with the end of their term, so the bodies can be read as they
stood on any date.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, Timestamps, tenant_fk

# How a decree relates to the one before it: it changes part of it, or replaces it whole.
AMENDS, SUPERSEDES = "amends", "supersedes"
DECREE_RELATIONS = (AMENDS, SUPERSEDES)

MEETING_MODES = ("LURING", "DARING", "HIBRIDA")
PRESENT, ABSENT, REPRESENTED = "present", "absent", "represented"
ATTENDANCE = (PRESENT, ABSENT, REPRESENTED)


class CouncilBodyKind(TenantOwned, Timestamps, Base):
    """A kind of body the tenant added beside the national ones (a technical team, a working group)."""

    __tablename__ = "council_body_kinds"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))


class CouncilBody(TenantOwned, Timestamps, Base):
    """A body of the smart city programme: the Dewan Smart City, the Tim Pelaksana, a Forum, or a kind
    the tenant added."""

    __tablename__ = "council_bodies"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        tenant_fk("secretariat_opd_id", "opds"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # The OPD that runs the body's secretariat (usually Diskominfo or Bappeda).
    secretariat_opd_id: Mapped[uuid.UUID | None]


class CouncilDecree(TenantOwned, Timestamps, Base):
    """A decree (SK Wali Kota / Bupati) that sets up a body or changes it. A later decree amends or
    supersedes an earlier one; both stay on record."""

    __tablename__ = "council_decrees"
    __table_args__ = (
        UniqueConstraint("tenant_id", "body_id", "number"),
        tenant_fk("body_id", "council_bodies"),
        tenant_fk("previous_id", "council_decrees"),
        tenant_fk("document_id", "stored_files"),
        Index("ix_council_decrees_body", "tenant_id", "body_id", "decree_date"),
    )

    body_id: Mapped[uuid.UUID]
    number: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(300))
    decree_date: Mapped[date]
    signer: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    # amends / supersedes ``previous_id``; None for a body's first decree.
    relation: Mapped[str | None] = mapped_column(String(12))
    previous_id: Mapped[uuid.UUID | None]
    # The signed decree scanned to PDF, once uploaded.
    document_id: Mapped[uuid.UUID | None]


class CouncilPosition(TenantOwned, Timestamps, Base):
    """A seat of a body: Ketua, Sekretaris, a coordinator of one dimension, Anggota Dewan Smart City.

    A single-seat position is held by one person at a time; the others by as many as the decree names."""

    __tablename__ = "council_positions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "body_id", "title"),
        tenant_fk("body_id", "council_bodies"),
    )

    body_id: Mapped[uuid.UUID]
    title: Mapped[str] = mapped_column(String(200))
    # The national position it is (KETUA, ANGGOTA, ...), when it is one.
    code: Mapped[str | None] = mapped_column(String(40))
    # The dimension a coordinator looks after (a framework dimension's code: GOV, SOC, ...).
    dimension_code: Mapped[str | None] = mapped_column(String(20))
    single_seat: Mapped[bool] = mapped_column(default=False)
    rank: Mapped[int] = mapped_column(default=0)


class CouncilMember(TenantOwned, Timestamps, Base):
    """A person holding a seat for a term: a user of the tenant, or an outside person (an academic, a
    business, a community or media figure). A change of people ends one term and starts another."""

    __tablename__ = "council_members"
    __table_args__ = (
        tenant_fk("body_id", "council_bodies"),
        tenant_fk("position_id", "council_positions"),
        tenant_fk("decree_id", "council_decrees"),
        Index("ix_council_members_body", "tenant_id", "body_id", "term_start"),
    )

    body_id: Mapped[uuid.UUID]
    position_id: Mapped[uuid.UUID]
    # The decree that appointed them, when it is on record.
    decree_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    # Their office or institution: "Kepala Bappeda", "Universitas Cokroaminoto Palopo".
    institution: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    pentahelix: Mapped[str] = mapped_column(String(40))
    term_start: Mapped[date]
    term_end: Mapped[date | None]


class CouncilMeeting(TenantOwned, Timestamps, Base):
    """A meeting: a rapat kerja, rapat koordinasi, forum, bimtek or other, in person, online or both."""

    __tablename__ = "council_meetings"
    __table_args__ = (
        tenant_fk("body_id", "council_bodies"),
        Index("ix_council_meetings_starts", "tenant_id", "starts_at"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    # The body that holds it, when one does.
    body_id: Mapped[uuid.UUID | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(10))
    place: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    chair: Mapped[str | None] = mapped_column(String(200))
    # The minutes (notulen): what was said overall; each agenda item keeps its own discussion.
    minutes: Mapped[str | None] = mapped_column(Text)
    # Raised each time the invitation changes, so calendars replace the event instead of adding one.
    sequence: Mapped[int] = mapped_column(default=0)


class CouncilAgendaItem(TenantOwned, Timestamps, Base):
    """An item of a meeting's agenda, with the discussion the minutes record under it."""

    __tablename__ = "council_agenda_items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "number"),
        tenant_fk("meeting_id", "council_meetings"),
    )

    meeting_id: Mapped[uuid.UUID]
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    discussion: Mapped[str | None] = mapped_column(Text)


class CouncilInvitee(TenantOwned, Timestamps, Base):
    """Someone invited to a meeting, from a body's members or added by hand, and whether they came."""

    __tablename__ = "council_invitees"
    __table_args__ = (
        tenant_fk("meeting_id", "council_meetings"),
        tenant_fk("member_id", "council_members"),
        Index("ix_council_invitees_meeting", "tenant_id", "meeting_id"),
    )

    meeting_id: Mapped[uuid.UUID]
    member_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    pentahelix: Mapped[str | None] = mapped_column(String(40))
    # present / absent / represented; None until attendance is taken.
    attendance: Mapped[str | None] = mapped_column(String(12))
    represented_by: Mapped[str | None] = mapped_column(String(200))
    invited_at: Mapped[datetime | None]


class CouncilMeetingFile(TenantOwned, Base):
    """A file kept with a meeting's minutes: the signed notulen, the attendance sheet, photos."""

    __tablename__ = "council_meeting_files"
    __table_args__ = (
        UniqueConstraint("tenant_id", "file_id"),
        tenant_fk("meeting_id", "council_meetings"),
        tenant_fk("file_id", "stored_files"),
    )

    meeting_id: Mapped[uuid.UUID]
    file_id: Mapped[uuid.UUID]
    caption: Mapped[str | None] = mapped_column(String(200))


class CouncilDecision(TenantOwned, Timestamps, Base):
    """A decision a meeting took, numbered in the minutes, under an agenda item when it belongs to one."""

    __tablename__ = "council_decisions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "number"),
        tenant_fk("meeting_id", "council_meetings"),
        tenant_fk("agenda_item_id", "council_agenda_items"),
    )

    meeting_id: Mapped[uuid.UUID]
    agenda_item_id: Mapped[uuid.UUID | None]
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


# What is to be done about a decision: open until its owner reports it done; it can be reopened.
OPEN, DONE = "open", "done"
ACTION_STATUSES = (OPEN, DONE)


class CouncilActionItem(TenantOwned, Timestamps, Base):
    """What a decision asks someone to do by a day: an OPD of the tenant or a member of a body owns it,
    and it moves one or more of the masterplan's programs forward."""

    __tablename__ = "council_action_items"
    __table_args__ = (
        tenant_fk("decision_id", "council_decisions"),
        tenant_fk("owner_opd_id", "opds"),
        tenant_fk("owner_member_id", "council_members"),
        Index("ix_council_action_items_decision", "tenant_id", "decision_id"),
        # the reminders read the open items past their due date
        Index("ix_council_action_items_due", "tenant_id", "status", "due_on"),
    )

    decision_id: Mapped[uuid.UUID]
    title: Mapped[str] = mapped_column(String(300))
    # Exactly one owner: an OPD, or a member of a body (the services see to it).
    owner_opd_id: Mapped[uuid.UUID | None]
    owner_member_id: Mapped[uuid.UUID | None]
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    note: Mapped[str | None] = mapped_column(Text)
    # Who reported it done and when; cleared when it is reopened (the audit log keeps each closing).
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class CouncilActionItemProgram(TenantOwned, Base):
    """A masterplan program an action item moves forward."""

    __tablename__ = "council_action_item_programs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "action_item_id", "program_id"),
        tenant_fk("action_item_id", "council_action_items"),
        # A program removed from a draft masterplan takes its links along; the action item stays.
        tenant_fk("program_id", "programs", ondelete="CASCADE"),
        Index("ix_council_action_item_programs_program", "tenant_id", "program_id"),
    )

    action_item_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID]

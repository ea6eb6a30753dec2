"""Mailing a meeting's invitation to its invitees: one mail each, with the iCalendar file attached."""

import uuid

from flask_babel import lazy_gettext as _l

from app.core.auth import TENANT_ADMIN, Actor
from app.core.db import utcnow
from app.core.jobs import JobResult, job_kind
from app.core.mail import external_url, send_template
from app.core.tenancy import current_tenant_id
from app.council import calendar, meetings, policy, reference
from app.tenants import services as tenants

INVITATIONS = "council_invitations"


@job_kind(INVITATIONS, label=_l("Meeting invitations"), roles=(TENANT_ADMIN,))
def send_invitations(*, actor: Actor, meeting_id: str) -> JobResult:
    """Mail every invitee with an address the meeting's invitation and its .ics file."""
    meeting = meetings.get_meeting(uuid.UUID(meeting_id), actor=actor)
    policy.require(actor, "meeting.manage", meeting)
    invitees = meetings.list_invitees(meeting.id, actor=actor)
    agenda = [item.title for item in meetings.list_agenda(meeting.id)]
    tenant = tenants.find_tenant(current_tenant_id())
    link = external_url("council.meeting", tenant=tenant.slug, meeting_id=meeting.id)
    ics = calendar.invitation(meeting, invitees, agenda=agenda, organiser=tenant.name, url=link)
    sent = 0
    for invitee in invitees:
        if not invitee.email:
            continue
        send_template(
            invitee.email,
            "council_invitation",
            locale="id",
            attachments=(("undangan.ics", "text/calendar", ics),),
            meeting=meeting,
            invitee=invitee,
            agenda=agenda,
            tenant=tenant,
            kind_name=reference.name_of(reference.MEETING_KIND, meeting.kind),
            link=link,
        )
        invitee.invited_at = utcnow()
        sent += 1
    return JobResult(
        message=str(_l("Invitations mailed: %(sent)s of %(total)s invitees.", sent=sent, total=len(invitees)))
    )

"""The minutes (notulen) of a meeting as a PDF in the usual Indonesian shape: the header (kind, title,
day, time, place, chair), the attendance list, the discussion under each agenda item, the decisions and
the signature block of the chair and the minute-taker.

The wording is the fixed wording of the document a secretariat files, so it is written in Indonesian
rather than translated. One meeting lays out in about a second (0.9–1.1 s measured on two busy cores
after the first, which loads the fonts), so it is made in the request rather than as a job.
"""

import uuid

from flask import render_template
from flask_babel import force_locale

from app.core.auth import Actor
from app.council import bodies, meetings, policy, reference

ATTENDANCE_ID = {"present": "Hadir", "absent": "Tidak hadir", "represented": "Diwakili"}


def minutes_html(meeting_id: uuid.UUID, *, actor: Actor) -> str:
    """The minutes as HTML, in Indonesian whatever the reader's language."""
    meeting = meetings.get_meeting(meeting_id, actor=actor)
    policy.require(actor, "council.read", meeting)
    invitees = meetings.list_invitees(meeting.id, actor=actor)
    body = bodies.get_body(meeting.body_id, actor=actor) if meeting.body_id else None
    with force_locale("id"):
        return render_template(
            "council/document/minutes.html",
            meeting=meeting,
            body=body,
            kind_name=reference.name_of(reference.MEETING_KIND, meeting.kind),
            mode_name=reference.name_of(reference.MEETING_MODE, meeting.mode),
            agenda=meetings.list_agenda(meeting.id),
            invitees=invitees,
            counts=meetings.attendance_counts(invitees),
            decisions=meetings.list_decisions(meeting.id, actor=actor),
            pentahelix_name=lambda code: reference.name_of(reference.PENTAHELIX, code) if code else "",
            attendance=ATTENDANCE_ID,
        )


def minutes_pdf(meeting_id: uuid.UUID, *, actor: Actor) -> bytes:
    """The minutes laid out on A4 as a PDF."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = minutes_html(meeting_id, actor=actor)
    # Nothing is fetched from outside: text typed by users cannot make the renderer read files or hosts.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()

"""A meeting as an iCalendar invitation (RFC 5545), for invitees' calendars: mailed and downloadable.

The event's UID is fixed per meeting and its SEQUENCE rises with each change of time or place, so a
calendar that holds the invitation replaces it instead of adding a second event.
"""

from datetime import timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from app.core.db import as_utc, utcnow
from app.council.models import CouncilInvitee, CouncilMeeting

PRODUCT = "-//Kota Cerdas//Dewan Smart City//ID"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def meeting_uid(meeting: CouncilMeeting) -> str:
    return f"{meeting.id}@council.kotacerdas"


def invitation(
    meeting: CouncilMeeting,
    invitees: list[CouncilInvitee],
    *,
    agenda: list[str],
    organiser: str,
    url: str | None = None,
) -> bytes:
    """The meeting as one VEVENT in a REQUEST calendar, with its agenda in the description and each
    invitee with an address as an attendee."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", as_utc(meeting.starts_at))
    event.add("dtend", as_utc(meeting.ends_at))
    event.add("summary", meeting.title)
    where = " · ".join(part for part in (meeting.place, meeting.online_link) if part)
    if where:
        event.add("location", where)
    lines = [f"{number}. {title}" for number, title in enumerate(agenda, start=1)]
    if meeting.online_link:
        lines.append(meeting.online_link)
    if lines:
        event.add("description", "\n".join(lines))
    if url:
        event.add("url", url)
    organizer = vCalAddress("mailto:noreply@kotacerdas.local")
    organizer.params["cn"] = vText(organiser)
    event.add("organizer", organizer)
    for invitee in invitees:
        if not invitee.email:
            continue
        attendee = vCalAddress(f"mailto:{invitee.email}")
        attendee.params["cn"] = vText(invitee.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    # A reminder a day before, as invitations from the secretariat's own calendars usually carry.
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", meeting.title)
    alarm.add("trigger", -timedelta(days=1))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()

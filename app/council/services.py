"""The council's interface for other packages: what they may read of a tenant's bodies and meetings.

Each function takes the actor it reads for and answers frozen values, never ORM objects."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.core.auth import Actor
from app.council import meetings, policy, reference


@dataclass(frozen=True)
class UpcomingMeeting:
    """A meeting that has not ended, as a list of what is coming shows it."""

    id: uuid.UUID
    kind: str
    kind_name: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    online: bool


def upcoming_meetings(*, actor: Actor, limit: int = 5) -> list[UpcomingMeeting]:
    """The tenant's next meetings, the soonest first (none for who may not read the council)."""
    if not policy.can(actor, "council.read"):
        return []
    return [
        UpcomingMeeting(
            id=m.id,
            kind=m.kind,
            kind_name=reference.name_of(reference.MEETING_KIND, m.kind),
            title=m.title,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            place=m.place,
            online=m.online_link is not None,
        )
        for m in meetings.upcoming_meetings(actor=actor, limit=limit)
    ]


def dashboard_panel(actor: Actor) -> dict | None:
    """The upcoming meetings on the tenant's dashboard, for every member who reads the council."""
    if not policy.can(actor, "council.read"):
        return None
    return {"meetings": upcoming_meetings(actor=actor)}

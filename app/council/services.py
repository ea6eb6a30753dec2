"""The council's interface for other packages: what they may read of a tenant's bodies and meetings.

Each function takes the actor it reads for and answers frozen values, never ORM objects."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from app.accounts import services as accounts
from app.core.auth import Actor
from app.core.db import utcnow
from app.core.tenancy import current_tenant_id
from app.council import actions, meetings, policy, reference
from app.council.actions import (  # noqa: F401 - the writing services other packages (the demo) call
    close_action_item,
    create_action_item,
    reopen_action_item,
    update_action_item,
)
from app.council.bodies import (  # noqa: F401 - the writing services other packages (the demo) call
    create_body,
    create_body_kind,
    create_decree,
    create_member,
    create_position,
    list_bodies,
    list_decrees,
    members_query,
    update_member,
)
from app.council.meetings import (  # noqa: F401 - the same, for meetings
    add_decision,
    add_meeting_file,
    create_meeting,
    invite,
    list_agenda,
    list_decisions,
    meetings_query,
    record_attendance,
    update_agenda_item,
    update_meeting,
)
from app.council.models import DONE, CouncilActionItem
from app.extensions import db
from app.tenants import services as tenants


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


# --- action items -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionItemOwner:
    """Who an action item is assigned to: an OPD of the tenant (``kind`` "opd") or a member of a body
    (``kind`` "member")."""

    kind: str
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ActionItemSummary:
    """An action item as lists and other packages' pages show it, with the decision it carries out."""

    id: uuid.UUID
    title: str
    status: str
    due_on: date
    note: str | None
    closed_at: datetime | None
    owner: ActionItemOwner
    decision_id: uuid.UUID
    decision_number: int
    decision_text: str
    meeting_id: uuid.UUID
    meeting_title: str
    meeting_starts_at: datetime
    program_ids: tuple[uuid.UUID, ...]

    @property
    def done(self) -> bool:
        return self.status == DONE

    def overdue_on(self, day: date) -> bool:
        return not self.done and self.due_on < day


def summarise(items: list[CouncilActionItem], *, actor: Actor) -> list[ActionItemSummary]:
    """Action items the actor has read, as frozen values: owners, decisions, meetings and programs read
    together (five queries, whatever the number of items)."""
    if not items:
        return []
    opd_names = {o.id: o.name for o in tenants.list_opds(actor=Actor.system(current_tenant_id()))}
    members = actions.members_by_id(item.owner_member_id for item in items)
    decisions = actions.decisions_of(items)
    programs = actions.program_ids_of(item.id for item in items)
    found = []
    for item in items:
        if item.owner_opd_id is not None:
            owner = ActionItemOwner("opd", item.owner_opd_id, opd_names.get(item.owner_opd_id, ""))
        else:
            member = members.get(item.owner_member_id)
            owner = ActionItemOwner("member", item.owner_member_id, member.name if member else "")
        decision, meeting = decisions[item.decision_id]
        found.append(
            ActionItemSummary(
                id=item.id,
                title=item.title,
                status=item.status,
                due_on=item.due_on,
                note=item.note,
                closed_at=item.closed_at,
                owner=owner,
                decision_id=decision.id,
                decision_number=decision.number,
                decision_text=decision.text,
                meeting_id=meeting.id,
                meeting_title=meeting.title,
                meeting_starts_at=meeting.starts_at,
                program_ids=tuple(programs[item.id]),
            )
        )
    return found


def program_action_items(program_id: uuid.UUID, *, actor: Actor) -> list[ActionItemSummary]:
    """The council's action items on one program that ``actor`` reads, the soonest due first."""
    stmt = actions.action_items_query(actor=actor, program_id=program_id)
    return summarise(list(db.session.scalars(stmt)), actor=actor)


def program_panel(actor: Actor, program_id: uuid.UUID) -> dict | None:
    """The council's action items beside a program (its page, its progress reports); None when there
    is none the member reads."""
    if not policy.can(actor, "action_item.list"):
        return None
    items = program_action_items(program_id, actor=actor)
    if not items:
        return None
    return {"action_items": items, "today": meetings.local_day(utcnow())}


@dataclass(frozen=True)
class PersonToRemind:
    """Someone to remind of an overdue action item: a user of the tenant (with their language) or a
    member of a body who is not a user."""

    name: str
    email: str
    user_id: uuid.UUID | None = None
    locale: str | None = None


@dataclass(frozen=True)
class OverdueActionItem:
    """An action item still open past its due date, with its owner and the people to remind."""

    item: ActionItemSummary
    owner: ActionItemOwner
    people: tuple[PersonToRemind, ...]
    due_on: date
    days_overdue: int


def overdue_action_items(*, actor: Actor, today: date) -> list[OverdueActionItem]:
    """The action items still open after their due date on ``today`` (a day in the tenant's zone) that
    ``actor`` reads, the longest overdue first, each with the people to remind: the operators of the
    owner OPD, or the member who owns it; the secretariat when none of them has an email address."""
    items = list(db.session.scalars(actions.action_items_query(actor=actor, overdue_on=today)))
    if not items:
        return []
    system = Actor.system(current_tenant_id())
    operators = _operators_by_opd(system)
    users = _users_of_members(actions.members_by_id(i.owner_member_id for i in items).values())
    secretariat = tuple(
        PersonToRemind(u.name, u.email, u.id, u.locale) for u in tenants.admins(actor=system) if u.email
    )
    overdue = []
    for summary in summarise(items, actor=actor):
        if summary.owner.kind == "opd":
            people = operators.get(summary.owner.id, ())
        else:
            people = users.get(summary.owner.id, ())
        overdue.append(
            OverdueActionItem(
                item=summary,
                owner=summary.owner,
                people=tuple(people) or secretariat,
                due_on=summary.due_on,
                days_overdue=(today - summary.due_on).days,
            )
        )
    return overdue


def _operators_by_opd(system: Actor) -> dict[uuid.UUID, list[PersonToRemind]]:
    found: dict[uuid.UUID, list[PersonToRemind]] = {}
    for user, opd_ids in tenants.opd_operators(actor=system):
        if not user.email:
            continue
        for opd_id in opd_ids:
            found.setdefault(opd_id, []).append(PersonToRemind(user.name, user.email, user.id, user.locale))
    return found


def _users_of_members(members: Iterable) -> dict[uuid.UUID, list[PersonToRemind]]:
    found = {}
    for member in members:
        user = accounts.find_user(member.user_id) if member.user_id else None
        if user is not None and user.email:
            found[member.id] = [PersonToRemind(user.name, user.email, user.id, user.locale)]
        elif member.email:
            found[member.id] = [PersonToRemind(member.name, member.email)]
    return found

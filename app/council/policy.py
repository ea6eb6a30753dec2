"""Who may do what with the council: the one table the council services check.

Every member of the tenant reads the bodies, their decrees and members, and the meetings with their
minutes (council members above all: the programme is theirs to steer). The secretariat (the tenant
administrator, usually Diskominfo) keeps them: it registers decrees and members, schedules meetings,
sends the invitations and records attendance, minutes and decisions.

A decision's action items are assigned by the secretariat to an OPD or to a member of a body. The
secretariat, the planners (Bappeda) and the viewers read them all; an OPD operator reads and updates
(status, note) those of their own OPDs, and a council member reads their own: anyone else's action item
is not found (404), as another tenant's is.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import false, select, true

from app.core.auth import COUNCIL_MEMBER, OPD_OPERATOR, PLANNER, TENANT_ADMIN, VIEWER, Actor
from app.core.policy import Policy, any_of, concealed, member, own_opd, role_here, tenant_role
from app.council.models import CouncilActionItem, CouncilMember
from app.extensions import db

secretariat = tenant_role(TENANT_ADMIN)
# Who reads every action item of the tenant: the secretariat and who follows the whole programme.
READERS = (TENANT_ADMIN, PLANNER, VIEWER)


def opds_of(item: Any) -> Iterable[uuid.UUID | None]:
    """The OPD an action item is assigned to (none when a member of a body owns it)."""
    yield getattr(item, "owner_opd_id", None)


def _owner_user_id(item: Any) -> uuid.UUID | None:
    member_id = getattr(item, "owner_member_id", None)
    if member_id is None:
        return None
    owner = db.session.get(CouncilMember, (item.tenant_id, member_id))
    return owner.user_id if owner is not None else None


def own_member_item(actor: Actor, item: Any = None) -> bool:
    """A council member on an action item assigned to them (as a member of a body who is a user)."""
    if role_here(actor) != COUNCIL_MEMBER or item is None or actor.user_id is None:
        return False
    return _owner_user_id(item) == actor.user_id


POLICY = Policy(
    "council",
    {
        "council.read": member,
        # bodies, the tenant's own kinds of body, decrees, positions and members
        "body.manage": secretariat,
        # meetings: scheduling, agenda, invitees, invitations
        "meeting.manage": secretariat,
        # what a meeting leaves: attendance, minutes, files and decisions
        "meeting.record": secretariat,
        # the list of action items: every member asks, and sees what ``action_items_visible`` lets through
        "action_item.list": member,
        "action_item.read": concealed(any_of(tenant_role(*READERS), own_opd(opds_of), own_member_item)),
        # assigning, rewording, moving the due date, relinking programs, removing
        "action_item.manage": secretariat,
        # the status (closing, reopening) and the note
        "action_item.update": any_of(secretariat, own_opd(opds_of)),
    },
)

can = POLICY.can
require = POLICY.require


def action_items_visible(actor: Actor):
    """The SQL condition of the action items ``actor`` reads: the same rule as ``action_item.read``,
    for lists."""
    role = role_here(actor)
    if role in READERS:
        return true()
    if role == OPD_OPERATOR:
        return CouncilActionItem.owner_opd_id.in_(list(actor.opd_ids)) if actor.opd_ids else false()
    if role == COUNCIL_MEMBER and actor.user_id is not None:
        own = select(CouncilMember.id).where(CouncilMember.user_id == actor.user_id)
        return CouncilActionItem.owner_member_id.in_(own)
    return false()

"""Who may do what with the council: the one table the council services check.

Every member of the tenant reads the bodies, their decrees and members, and the meetings with their
minutes (council members above all: the programme is theirs to steer). The secretariat (the tenant
administrator, usually Diskominfo) keeps them: it registers decrees and members, schedules meetings,
sends the invitations and records attendance, minutes and decisions.
"""

from app.core.auth import TENANT_ADMIN
from app.core.policy import Policy, member, tenant_role

secretariat = tenant_role(TENANT_ADMIN)

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
    },
)

can = POLICY.can
require = POLICY.require

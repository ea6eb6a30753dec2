"""Who may do what with accounts, sessions and API tokens: the one table the accounts services check.

A person manages their own account (language, password, email, sessions, tokens); a mailed link
(a password reset, an email confirmation) acts for whoever holds it; a tenant administrator ends
the sessions of a member they remove (and reads members' accounts through the tenants services); the
platform operator reads and suspends accounts and purges old sessions. Only platform roles hold tokens
for the platform API.
"""

from typing import Any

from app.core.auth import PLATFORM_ROLES, TENANT_ADMIN, Actor
from app.core.policy import (
    Policy,
    any_of,
    anyone,
    concealed,
    person,
    platform_admin,
    platform_role,
    tenant_role,
)


def _own_account(actor: Actor, user: Any = None) -> bool:
    return actor.user_id is not None and user is not None and user.id == actor.user_id


def _own_row(actor: Actor, row: Any = None) -> bool:
    """A session or token of the actor's own account."""
    return actor.user_id is not None and row is not None and row.user_id == actor.user_id


def _only_self(actor: Actor, user_ids: Any = None) -> bool:
    return actor.user_id is not None and set(user_ids or ()) <= {actor.user_id}


POLICY = Policy(
    "accounts",
    {
        "user.read": any_of(_own_account, platform_admin),
        "user.set_active": platform_admin,
        # the operator erases a person (UU No. 27/2022); a person downloads what is held about them
        "user.erase": platform_admin,
        "personal_data.read": _own_account,
        "account.update": _own_account,
        # whoever holds a mailed link (or asks for a reset link) acts through it; the link says on whom
        "account_link.use": anyone,
        "session.list": person,
        "session.end": concealed(_own_row),
        # one's own sessions everywhere; a removed member's; the people of a suspended tenant
        "session.end_all": any_of(_only_self, tenant_role(TENANT_ADMIN), platform_admin),
        "session.purge": platform_admin,
        "token.list": person,
        "token.create": person,
        "token.create_platform": platform_role(*PLATFORM_ROLES),
        "token.revoke": concealed(_own_row),
    },
)

can = POLICY.can
require = POLICY.require

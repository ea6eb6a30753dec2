"""Who may start and read jobs: the one table the jobs services check.

A person starts a tenant job of a kind their role may start (the kind lists its roles; the system starts
its own jobs without asking). A run is read by the member who asked for it and by the tenant
administrator, who also sees the system's runs; the platform's runs by the platform operator. Anyone
else finds nothing (404).
"""

from typing import Any

from app.core.auth import TENANT_ADMIN, Actor
from app.core.policy import Policy, all_of, any_of, concealed, member, platform_admin, role_here, tenant_role

admin = tenant_role(TENANT_ADMIN)


def _may_start_kind(actor: Actor, kind: Any = None) -> bool:
    """A person whose tenant role is among the kind's roles; platform kinds are the system's alone."""
    return (
        kind is not None
        and not kind.platform
        and actor.user_id is not None
        and role_here(actor) is not None
        and role_here(actor) in kind.roles
    )


def _requester(actor: Actor, run: Any = None) -> bool:
    return actor.user_id is not None and run is not None and run.requested_by == actor.user_id


POLICY = Policy(
    "jobs",
    {
        "job.start": _may_start_kind,
        "job.list": member,
        "job.list_all": admin,
        "job.read": concealed(all_of(member, any_of(admin, _requester))),
        "platform_run.list": platform_admin,
        "platform_run.read": concealed(platform_admin),
    },
)

can = POLICY.can
require = POLICY.require

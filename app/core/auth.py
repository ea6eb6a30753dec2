"""Who is acting: a person with their roles, the system, or the anonymous public.

Services take an ``Actor`` (never ``request`` or ``g``) and ask their domain's policy whether it may act
(``app.core.policy``): each domain keeps its rules in one table, its ``policy.py``.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PLATFORM_ADMIN = "platform_admin"
MINISTRY_ADMIN = "ministry_admin"
EVALUATOR = "evaluator"
PLATFORM_ROLES = (PLATFORM_ADMIN, MINISTRY_ADMIN, EVALUATOR)

TENANT_ADMIN = "tenant_admin"
PLANNER = "planner"
OPD_OPERATOR = "opd_operator"
COUNCIL_MEMBER = "council_member"
VIEWER = "viewer"
TENANT_ROLES = (TENANT_ADMIN, PLANNER, OPD_OPERATOR, COUNCIL_MEMBER, VIEWER)


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID | None
    platform_role: str | None = None
    tenant_role: str | None = None
    opd_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    # An evaluator's assignments: (cycle_id, tenant_id) pairs, loaded when the actor is built.
    assignments: frozenset[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=frozenset)
    # No person: a scheduled job, a platform job, or the child a platform job started in one tenant.
    is_system: bool = False
    # The tenant ``tenant_role`` holds in, when the actor is bound to one (a system actor of a tenant);
    # None: the tenant being acted in, for which the request or job built the actor.
    tenant_id: uuid.UUID | None = None

    @classmethod
    def system(cls, tenant_id: uuid.UUID | None = None) -> "Actor":
        """The actor of a job nobody asked for: in tenant ``tenant_id`` it may do what that tenant's
        administrator may; with no tenant (a platform job), what the platform operator may."""
        if tenant_id is None:
            return cls(user_id=None, platform_role=PLATFORM_ADMIN, is_system=True)
        return cls(user_id=None, tenant_role=TENANT_ADMIN, is_system=True, tenant_id=tenant_id)

    @property
    def is_platform_admin(self) -> bool:
        return self.platform_role == PLATFORM_ADMIN

    @property
    def assigned_tenant_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(tenant_id for _cycle_id, tenant_id in self.assignments)


# The evaluation domain registers how an evaluator's assignments are read (core names no domain); with
# none registered an evaluator has no assignments, so the ministry access path refuses them.
AssignmentsLoader = Callable[[uuid.UUID], Iterable[tuple[uuid.UUID, uuid.UUID]]]
_assignments_loader: AssignmentsLoader | None = None


def register_assignments_loader(loader: AssignmentsLoader) -> None:
    """Set how an evaluator's (cycle_id, tenant_id) assignments are loaded when their actor is built."""
    global _assignments_loader
    _assignments_loader = loader


def evaluator_assignments(user_id: uuid.UUID) -> frozenset[tuple[uuid.UUID, uuid.UUID]]:
    """The (cycle_id, tenant_id) pairs an evaluator is assigned to; none without a registered loader."""
    if _assignments_loader is None:
        return frozenset()
    return frozenset(_assignments_loader(user_id))


SYSTEM = Actor(user_id=None, platform_role=PLATFORM_ADMIN, tenant_role=TENANT_ADMIN)
"""The actor for CLI commands and seeding, run by an operator with shell access."""

ANONYMOUS = Actor(user_id=None)
"""The actor of the public: login pages, an invitation link, public pages and widgets."""

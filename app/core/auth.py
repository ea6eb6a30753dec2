"""Who is acting, and the role checks services make.

Services take an ``Actor`` (never ``request`` or ``g``) and call its ``require_*`` methods, so every
authorization rule lives next to the business rule it protects.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.core.errors import PermissionDenied

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

    @classmethod
    def system(cls, tenant_id: uuid.UUID | None = None) -> "Actor":
        """The actor of a job nobody asked for: in tenant ``tenant_id`` it may do what that tenant's
        administrator may; with no tenant (a platform job), what the platform operator may."""
        if tenant_id is None:
            return cls(user_id=None, platform_role=PLATFORM_ADMIN, is_system=True)
        return cls(user_id=None, tenant_role=TENANT_ADMIN, is_system=True)

    @property
    def is_platform_admin(self) -> bool:
        return self.platform_role == PLATFORM_ADMIN

    def has_tenant_role(self, *roles: str) -> bool:
        return self.tenant_role in roles

    def require_platform_admin(self) -> None:
        if not self.is_platform_admin:
            raise PermissionDenied()

    def require_tenant_role(self, *roles: str) -> None:
        if not self.has_tenant_role(*roles):
            raise PermissionDenied()

    def require_member(self) -> None:
        if self.tenant_role is None:
            raise PermissionDenied()

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

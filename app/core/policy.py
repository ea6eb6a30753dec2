"""Authorization as data: each domain keeps one table of action -> rule in its ``policy.py``.

A rule answers whether an actor may do an action, optionally on one object. Rules are built from the
pieces below (a tenant role, a platform role, the OPD scope of an OPD operator, the anonymous actor), so
a domain's table reads like the rules people state::

    POLICY = Policy(
        "masterplan",
        {
            "program.read": member,
            "program.update": tenant_role(TENANT_ADMIN, PLANNER),
        },
    )

Services call ``POLICY.require(actor, "program.update", program)`` (one line); pages and views ask
``POLICY.can(...)`` to show or hide a control. An object of a tenant other than the one being acted in
(or, inside ``ministry_read``, outside its tenants) is out of reach whatever the rule: ``require``
answers 404 for it, as for any object the caller cannot reach.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from app.core.auth import OPD_OPERATOR, PLATFORM_ADMIN, Actor
from app.core.errors import NotFound, PermissionDenied
from app.core.reach import within_reach
from app.core.tenancy import current_tenant_id

Rule = Callable[[Actor, Any], bool]


@dataclass(frozen=True)
class Concealed:
    """A rule whose refusal answers 404, not 403: the object exists only for those who may reach it
    (another person's job or file, an operator-only run)."""

    rule: Rule

    def __call__(self, actor: Actor, obj: Any) -> bool:
        return self.rule(actor, obj)


def concealed(rule: Rule) -> Concealed:
    return Concealed(rule)


# --- the pieces rules are made of -------------------------------------------------------------------


def role_here(actor: Actor) -> str | None:
    """The actor's role in the tenant being acted in: none for an actor bound to another tenant (the
    system actor of tenant A has no role in tenant B)."""
    if actor.tenant_id is not None and actor.tenant_id != current_tenant_id():
        return None
    return actor.tenant_role


def anyone(actor: Actor, obj: Any = None) -> bool:
    """Everybody, the anonymous public included (login buttons, an invitation link)."""
    return True


def nobody(actor: Actor, obj: Any = None) -> bool:
    return False


def signed_in(actor: Actor, obj: Any = None) -> bool:
    """A person who logged in (or the system), not the anonymous public."""
    return actor.user_id is not None or actor.is_system


def person(actor: Actor, obj: Any = None) -> bool:
    """A person who logged in; never the system or the anonymous public."""
    return actor.user_id is not None


def member(actor: Actor, obj: Any = None) -> bool:
    """Any role in the tenant being acted in (the system acting for a tenant included)."""
    return role_here(actor) is not None


def tenant_role(*roles: str) -> Rule:
    def rule(actor: Actor, obj: Any = None) -> bool:
        return role_here(actor) in roles

    rule.__name__ = f"tenant_role{roles}"
    return rule


def platform_role(*roles: str) -> Rule:
    def rule(actor: Actor, obj: Any = None) -> bool:
        return actor.platform_role in roles

    rule.__name__ = f"platform_role{roles}"
    return rule


platform_admin = platform_role(PLATFORM_ADMIN)


def own_opd(opds_of: Callable[[Any], Iterable[uuid.UUID | None]]) -> Rule:
    """An OPD operator on an object of one of its own OPDs (``opds_of(obj)`` names the object's OPDs:
    a program's lead OPD, an action item's OPD). An object of no OPD is none of theirs."""

    def rule(actor: Actor, obj: Any = None) -> bool:
        if role_here(actor) != OPD_OPERATOR or obj is None:
            return False
        return bool(actor.opd_ids & {opd_id for opd_id in opds_of(obj) if opd_id is not None})

    return rule


def opd_scoped(rule: Rule, opds_of: Callable[[Any], Iterable[uuid.UUID | None]]) -> Rule:
    """``rule``, narrowed for an OPD operator to objects of its own OPDs; other roles are unchanged."""
    own = own_opd(opds_of)

    def scoped(actor: Actor, obj: Any = None) -> bool:
        if not rule(actor, obj):
            return False
        return role_here(actor) != OPD_OPERATOR or own(actor, obj)

    return scoped


def any_of(*rules: Rule) -> Rule:
    def rule(actor: Actor, obj: Any = None) -> bool:
        return any(r(actor, obj) for r in rules)

    return rule


def all_of(*rules: Rule) -> Rule:
    def rule(actor: Actor, obj: Any = None) -> bool:
        return all(r(actor, obj) for r in rules)

    return rule


# --- a domain's table ---------------------------------------------------------------------------------


class Policy:
    """A domain's authorization rules: one table of action -> rule."""

    def __init__(self, domain: str, rules: dict[str, Rule]):
        self.domain = domain
        self.rules = dict(rules)

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self.rules)

    def _rule(self, action: str) -> Rule:
        try:
            return self.rules[action]
        except KeyError:
            raise LookupError(f"{self.domain} policy has no action {action!r}") from None

    def can(self, actor: Actor, action: str, obj: Any = None) -> bool:
        """Whether ``actor`` may do ``action`` (on ``obj``)."""
        rule = self._rule(action)
        return within_reach(obj) and rule(actor, obj)

    def require(self, actor: Actor, action: str, obj: Any = None) -> None:
        """Refuse unless ``actor`` may do ``action`` (on ``obj``): 404 for an object out of reach or a
        concealed rule, else 403."""
        rule = self._rule(action)
        if not within_reach(obj):
            raise NotFound()
        if not rule(actor, obj):
            raise NotFound() if isinstance(rule, Concealed) else PermissionDenied()

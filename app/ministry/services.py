"""What the ministry reads of tenants: every read goes through ``ministry_read`` (role and assignment
checked, one audit entry) and returns only what a tenant released."""

import uuid
from dataclasses import dataclass

from sqlalchemy import Select

from app.core.auth import EVALUATOR, MINISTRY_ADMIN, Actor
from app.core.errors import NotFound
from app.core.tenancy import ministry_read
from app.masterplan import services as masterplans
from app.tenants import services as tenants

ENACTED_MASTERPLANS_REASON = "ministry: enacted masterplans of tenants"


@dataclass(frozen=True)
class TenantMasterplan:
    """A tenant and its enacted masterplan version (None: it has enacted none)."""

    tenant: object  # the tenant (platform data): slug, name, province_name
    masterplan: masterplans.EnactedMasterplan | None


def reaches_tenants(actor: Actor) -> bool:
    """Whether the actor has tenants to read: a ministry admin always, an evaluator once assigned."""
    return actor.platform_role == MINISTRY_ADMIN or (
        actor.platform_role == EVALUATOR and bool(actor.assignments)
    )


def reachable_tenants_query(actor: Actor) -> Select:
    """The active tenants the actor may read, by name: every one for a ministry admin, the assigned
    ones for an evaluator. Anyone else, and an evaluator with no assignment, finds nothing here (404)."""
    if not reaches_tenants(actor):
        raise NotFound()
    assigned = actor.assigned_tenant_ids if actor.platform_role == EVALUATOR else None
    return tenants.active_tenants_query(assigned, actor=actor)


def enacted_masterplans(actor: Actor, tenant_list: list) -> list[TenantMasterplan]:
    """The enacted masterplan of each tenant in ``tenant_list`` (drafts never), read through the
    ministry access path: refused unless the actor may read every one of them, and audited."""
    if not tenant_list:
        return []
    ids: list[uuid.UUID] = [t.id for t in tenant_list]
    with ministry_read(actor, ids, ENACTED_MASTERPLANS_REASON):
        enacted = masterplans.enacted_masterplans_overview(ids, actor=actor)
        found = {plan.tenant_id: plan for plan in enacted}
    return [TenantMasterplan(tenant, found.get(tenant.id)) for tenant in tenant_list]

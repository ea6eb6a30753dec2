"""Who may do what with tenants, OPDs, members and invitations: the one table the tenants services check.

The platform operator creates and suspends tenants and invites a new tenant's first administrator; a
tenant's administrator (Diskominfo) keeps its OPD list, members and invitations; every member reads the
OPD list. An invitation link is opened by whoever holds it (the token is the key).
"""

from typing import Any

from app.core.auth import EVALUATOR, MINISTRY_ADMIN, TENANT_ADMIN, Actor
from app.core.policy import Policy, any_of, anyone, member, platform_admin, platform_role, tenant_role
from app.core.tenancy import current_tenant_id

admin = tenant_role(TENANT_ADMIN)


def _own_tenant(actor: Actor, tenant: Any = None) -> bool:
    """A member reads the record of the tenant they act in (its name, zone and status)."""
    return member(actor) and tenant is not None and tenant.id == current_tenant_id()


POLICY = Policy(
    "tenants",
    {
        # the platform
        "region.list": platform_admin,
        "tenant.list": platform_admin,
        # the active tenants by name: a platform job fans out to them, the ministry compares them
        "tenant.list_active": any_of(platform_admin, platform_role(MINISTRY_ADMIN, EVALUATOR)),
        "tenant.read": any_of(platform_admin, _own_tenant),
        "tenant.create": platform_admin,
        "tenant.update": platform_admin,
        "tenant.set_status": platform_admin,
        "tenant.seed_admin": platform_admin,
        "tenant.invite_admin": platform_admin,
        # the login page lists the tenants that offer single sign-on; their administrator's provider
        # settings decide whether theirs is one of them
        "tenant.list_sso": anyone,
        "tenant.set_sso_login": admin,
        # OPDs (the operator's page of a tenant names the OPDs of its invitations)
        "opd.list": any_of(member, platform_admin),
        "opd.read": member,
        "opd.create": admin,
        "opd.update": admin,
        "opd.delete": admin,
        # many at once: from pasted lines, a workbook or the usual nomenclature
        "opd.bulk_add": admin,
        # members: the operator sees a tenant's administrators on its page
        "member.list": admin,
        "member.list_admins": any_of(admin, platform_admin),
        "member.read": admin,
        "member.add": admin,
        "member.update": admin,
        "member.remove": admin,
        # invitations: the operator's page of a tenant lists them too
        "invitation.list": any_of(admin, platform_admin),
        "invitation.create": admin,
        "invitation.resend": admin,
        "invitation.revoke": admin,
        "invitation.purge": admin,
        "invitation.open": anyone,
        "invitation.accept": anyone,
    },
)

can = POLICY.can
require = POLICY.require

"""Who may take a tenant's data out, and who may bring one in: the one table the portability services
check.

A tenant administrator exports their own tenant; the platform operator exports any tenant (from the
admin pages or the command line) and alone imports one (the command line: it creates a tenant and
people)."""

from app.core.auth import TENANT_ADMIN
from app.core.policy import Policy, any_of, platform_admin, tenant_role

POLICY = Policy(
    "portability",
    {
        "tenant.export": any_of(tenant_role(TENANT_ADMIN), platform_admin),
        "tenant.export_any": platform_admin,
        "tenant.import": platform_admin,
    },
)

can = POLICY.can
require = POLICY.require

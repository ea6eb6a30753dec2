"""Who reads which audit log: the one table the audit services check. A tenant's administrator reads the
tenant's log; the platform operator the platform's (tenants, accounts, ministry reads)."""

from app.core.auth import TENANT_ADMIN
from app.core.policy import Policy, platform_admin, tenant_role

POLICY = Policy(
    "audit",
    {
        "tenant_log.read": tenant_role(TENANT_ADMIN),
        "platform_log.read": platform_admin,
    },
)

can = POLICY.can
require = POLICY.require

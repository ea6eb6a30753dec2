"""Who may do what with single sign-on: the one table the SSO services check.

A tenant's administrator keeps the tenant's providers and its login policy; the platform operator keeps
the ministry's providers. Anyone, the anonymous visitor of a login page included, sees the enabled
providers as buttons and signs in through one.
"""

from app.core.auth import TENANT_ADMIN
from app.core.policy import Policy, any_of, anyone, platform_admin, tenant_role

admin = tenant_role(TENANT_ADMIN)

POLICY = Policy(
    "sso",
    {
        "provider.list": admin,
        "provider.read": admin,
        "provider.create": admin,
        "provider.update": admin,
        "provider.delete": admin,
        # read a provider's discovery document while filling in a tenant's or the ministry's form
        "provider.check_issuer": any_of(admin, platform_admin),
        "provider.sign_in": anyone,
        "login_policy.read": admin,
        "login_policy.update": admin,
        "ministry_provider.list": platform_admin,
        "ministry_provider.read": platform_admin,
        "ministry_provider.create": platform_admin,
        "ministry_provider.update": platform_admin,
        "ministry_provider.delete": platform_admin,
        "ministry_provider.sign_in": anyone,
    },
)

can = POLICY.can
require = POLICY.require

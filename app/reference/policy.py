"""Who may do what with the national reference data (frameworks, code lists, regions; later evaluation
instruments): the one table the reference services check.

Anyone signed in (the system and the platform's command line too) reads published and retired
versions: every tenant's masterplan names its framework and codes. The platform operator and the
ministry's administrator draft versions, edit drafts, publish and retire them, and read drafts; nobody
changes a published version.
"""

from app.core.auth import MINISTRY_ADMIN
from app.core.policy import Policy, any_of, platform_admin, platform_role, signed_in

reference_admin = any_of(platform_admin, platform_role(MINISTRY_ADMIN))

POLICY = Policy(
    "reference",
    {
        "reference.read": any_of(signed_in, platform_admin),
        "reference.read_drafts": reference_admin,
        "reference.draft": reference_admin,
        "reference.publish": reference_admin,
        "reference.retire": reference_admin,
        "reference.load": platform_admin,
    },
)

can = POLICY.can
require = POLICY.require

"""Who may do what with files: the one table the files services check.

Uploads: evidence by every role that reports or decides (admin, planner, OPD operator, council member),
workbooks to import and signed regulations by those who write the masterplan. A file is read by the
tenant administrator, its uploader, and whoever the owning object's rule lets see it (a domain registers
one rule per owner type, e.g. jobs for their result files); everyone else finds nothing (404).
"""

import uuid
from collections.abc import Callable
from typing import Any

from app.core.auth import COUNCIL_MEMBER, OPD_OPERATOR, PLANNER, TENANT_ADMIN, Actor
from app.core.policy import Policy, all_of, any_of, concealed, member, tenant_role

admin = tenant_role(TENANT_ADMIN)

# owner_type -> may this actor see the owner with this id? (filled by register_owner at start-up)
OWNER_RULES: dict[str, Callable[[uuid.UUID, Actor], bool]] = {}


def _uploader(actor: Actor, stored: Any = None) -> bool:
    return actor.user_id is not None and stored is not None and stored.uploaded_by == actor.user_id


def _owner_lets_see(actor: Actor, stored: Any = None) -> bool:
    rule = OWNER_RULES.get(getattr(stored, "owner_type", None) or "")
    return bool(rule and stored.owner_id and rule(stored.owner_id, actor))


POLICY = Policy(
    "files",
    {
        "upload.evidence": tenant_role(TENANT_ADMIN, PLANNER, OPD_OPERATOR, COUNCIL_MEMBER),
        "upload.import": tenant_role(TENANT_ADMIN, PLANNER),
        "upload.legal": tenant_role(TENANT_ADMIN, PLANNER),
        # a file the platform produced (a job's result), stored on behalf of the member who asked
        "file.store_generated": member,
        "file.list": member,
        "file.list_all": admin,
        "file.read": concealed(all_of(member, any_of(admin, _uploader, _owner_lets_see))),
        "file.attach": any_of(admin, _uploader),
        "file.delete": any_of(admin, _uploader),
        # the owning object's rule was checked by its domain (a replaced signed regulation)
        "file.release": member,
    },
)

can = POLICY.can
require = POLICY.require

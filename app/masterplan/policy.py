"""Who may do what with masterplans: the one table the masterplan services check.

Every member reads the tenant's masterplans, every version and part (the plan is the tenant's shared
document: an OPD operator reads the programs of other OPDs too) and exports them. Tenant administrators
(Diskominfo) and planners (Bappeda) write them. The ministry reads enacted versions across tenants, only
through the ministry access path. (The frameworks and code lists are the reference data's:
``app.reference.policy``.)

Parts with an OPD (a program's lead and supporting OPDs, an indicator's responsible OPD, an action
item's OPD) name it through ``opds_of``, so a rule can be narrowed to an OPD operator's own OPDs with
``app.core.policy.opd_scoped``; no write of an OPD operator exists today.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from app.core.auth import EVALUATOR, MINISTRY_ADMIN, PLANNER, TENANT_ADMIN
from app.core.policy import Policy, member, platform_role, tenant_role

EDITORS = (TENANT_ADMIN, PLANNER)
editor = tenant_role(*EDITORS)

# The parts of a version, each written (created, changed, removed) by the editors of a draft.
PARTS = ("mission", "readiness", "gap", "swot", "goal", "indicator", "strategy", "program", "action_item")


def opds_of(part: Any) -> Iterable[uuid.UUID | None]:
    """The OPDs a part belongs to: a program's lead (and, once loaded, supporting) OPDs, an indicator's
    responsible OPD, an action item's OPD; none for the other parts."""
    yield getattr(part, "lead_opd_id", None)
    yield getattr(part, "responsible_opd_id", None)
    yield getattr(part, "opd_id", None)
    yield from getattr(part, "supporting_opd_ids", None) or ()


POLICY = Policy(
    "masterplan",
    {
        "masterplan.read": member,
        "masterplan.export": member,
        "masterplan.create": editor,
        "masterplan.update": editor,
        "masterplan.change_status": editor,
        "masterplan.revise": editor,
        "masterplan.delete": editor,
        "masterplan.attach_document": editor,
        "masterplan.remove_document": editor,
        "masterplan.import": editor,
        # across tenants, inside ministry_read only (which checks an evaluator's assignments)
        "masterplan.read_enacted": platform_role(MINISTRY_ADMIN, EVALUATOR),
        **{f"{part}.{verb}": editor for part in PARTS for verb in ("create", "update", "delete")},
    },
)

can = POLICY.can
require = POLICY.require

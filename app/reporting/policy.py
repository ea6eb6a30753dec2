"""Who may do what in progress reporting: the one table the reporting services check.

The tenant administrator (Diskominfo's secretariat) keeps the reporting settings and the periods: opens,
closes and reopens them. A program's progress report is written and submitted by the operators of the
program's OPD (the tenant administrator may write one on an OPD's behalf); the tenant administrator or a
planner (Bappeda) verifies it or returns it with a comment. Every member reads the periods and the
reports, except an OPD operator, who sees only the reports of their own OPDs: another OPD's report is
not found (404), as is another tenant's.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from app.core.auth import OPD_OPERATOR, PLANNER, TENANT_ADMIN
from app.core.policy import Policy, concealed, member, opd_scoped, tenant_role

admin = tenant_role(TENANT_ADMIN)
verifier = tenant_role(TENANT_ADMIN, PLANNER)
VERIFIERS = (TENANT_ADMIN, PLANNER)
WRITERS = (TENANT_ADMIN, OPD_OPERATOR)


def opds_of(obj: Any) -> Iterable[uuid.UUID | None]:
    """The OPD a report (or a program being reported on) belongs to: its lead OPD."""
    yield getattr(obj, "opd_id", None)
    yield getattr(obj, "lead_opd_id", None)


POLICY = Policy(
    "reporting",
    {
        "settings.read": member,
        "settings.update": admin,
        "period.read": member,
        "period.manage": admin,
        # another OPD's report is out of an operator's reach: not found, like another tenant's
        "report.read": concealed(opd_scoped(member, opds_of)),
        "report.write": opd_scoped(tenant_role(*WRITERS), opds_of),
        "report.verify": verifier,
        # a published snapshot is what the tenant released: every member reads it
        "snapshot.publish": admin,
        "snapshot.read": member,
    },
)

can = POLICY.can
require = POLICY.require

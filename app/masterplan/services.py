"""The masterplan's interface for other packages: what they may read of a tenant's masterplans."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select

from app.core.auth import Actor
from app.extensions import db
from app.masterplan import policy
from app.masterplan.models import ENACTED, Masterplan, Program


@dataclass(frozen=True)
class EnactedMasterplan:
    """A tenant's enacted masterplan version, as the ministry compares it."""

    tenant_id: uuid.UUID
    masterplan_id: uuid.UUID
    title: str
    version_label: str
    period_start: int
    period_end: int
    legal_type: str | None
    legal_number: str | None
    legal_date: date | None  # the regulation's date: when the tenant enacted it
    enacted_at: datetime | None  # when the version was marked enacted here
    program_count: int
    quick_win_count: int


def enacted_masterplans_overview(tenant_ids: Iterable[uuid.UUID], *, actor: Actor) -> list[EnactedMasterplan]:
    """The enacted version of each of ``tenant_ids`` that has one, with its program counts; never a
    draft, a version in review or an endorsed one (what a tenant has not enacted is not released).

    Reads across tenants only inside ``app.core.tenancy.ministry_read`` for those tenants; one query."""
    policy.require(actor, "masterplan.read_enacted")
    programs = (
        select(
            Program.tenant_id,
            Program.masterplan_id,
            func.count().label("programs"),
            func.sum(case((Program.quick_win.is_(True), 1), else_=0)).label("quick_wins"),
        )
        .group_by(Program.tenant_id, Program.masterplan_id)
        .subquery()
    )
    stmt = (
        select(Masterplan, programs.c.programs, programs.c.quick_wins)
        .outerjoin(
            programs,
            (programs.c.tenant_id == Masterplan.tenant_id) & (programs.c.masterplan_id == Masterplan.id),
        )
        .where(Masterplan.status == ENACTED, Masterplan.tenant_id.in_(list(tenant_ids)))
        .order_by(Masterplan.tenant_id)
    )
    return [
        EnactedMasterplan(
            tenant_id=plan.tenant_id,
            masterplan_id=plan.id,
            title=plan.title,
            version_label=plan.version_label,
            period_start=plan.period_start,
            period_end=plan.period_end,
            legal_type=plan.legal_type,
            legal_number=plan.legal_number,
            legal_date=plan.legal_date,
            enacted_at=plan.enacted_at,
            program_count=count or 0,
            quick_win_count=int(quick_wins or 0),
        )
        for plan, count, quick_wins in db.session.execute(stmt)
    ]

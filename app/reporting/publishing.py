"""Publishing: the tenant administrator releases a period's progress as an immutable published snapshot.

A snapshot holds the roll-up at every level (by the rule in force), each program's status and verified
realisation, the budget realised by funding source and the masterplan version it refers to, as one JSON
document, with the figures the ministry sorts on (overall physical progress, budget absorption) as
columns. It is never changed: publishing the period again writes the next version, which supersedes it
(the highest version is in force), and the earlier ones stay as history.
"""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core.auth import Actor
from app.core.db import utcnow
from app.core.errors import Conflict
from app.core.reach import one_or_404
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import policy
from app.reporting.models import (
    VERIFIED,
    BudgetRealisation,
    ProgressReport,
    PublishedSnapshot,
    ReportingPeriod,
)
from app.reporting.periods import find_period, get_rollup_weights, get_settings, period_label
from app.reporting.reports import period_rollup
from app.reporting.rollup import OWN_WEIGHTS

CENT = Decimal("0.01")


def publish_period(period_id: uuid.UUID, *, actor: Actor) -> PublishedSnapshot:
    """Publish a period's progress as a new snapshot (version 1, or the next one as a correction)."""
    period = find_period(period_id)
    policy.require(actor, "snapshot.publish", period)
    current = masterplans.current_masterplan(actor=actor)
    if current is None:
        raise Conflict(_l("the tenant has no masterplan to report on"))
    tree = period_rollup(period, actor=actor)
    programs, budget = _programs_and_budget(period, actor)
    planned = sum(b["planned"] for b in budget)
    realised = sum(b["realised"] for b in budget)
    absorption = (Decimal(realised) * 100 / planned).quantize(CENT, ROUND_HALF_UP) if planned else None
    settings = get_settings(actor=actor)
    version = (
        db.session.scalar(
            select(func.max(PublishedSnapshot.version)).where(PublishedSnapshot.period_id == period.id)
        )
        or 0
    ) + 1
    snapshot = PublishedSnapshot(
        period_id=period.id,
        version=version,
        masterplan_id=current.id,
        published_at=utcnow(),
        published_by=actor.user_id,
        physical_pct=tree.rounded if tree is not None else None,
        budget_absorption_pct=absorption,
        document={
            "period": {
                "label": period_label(period),
                "year": period.year,
                "frequency": period.frequency,
                "number": period.number,
                "starts_on": period.starts_on.isoformat(),
                "ends_on": period.ends_on.isoformat(),
            },
            "masterplan": {"id": str(current.id), "title": current.title, "version": current.version_label},
            "rule": {
                "rollup": settings.rollup_rule,
                "missing": settings.missing_rule,
                "weights": _own_weights(settings.rollup_rule, actor),
                # A program serving several strategies shows under each, its element counts it once.
                "strategies": "shown_under_each_counted_once",
            },
            "rollup": tree.as_dict() if tree is not None else None,
            "programs": programs,
            "budget_by_source": budget,
            "budget_absorption_pct": None if absorption is None else float(absorption),
        },
    )
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def _programs_and_budget(period: ReportingPeriod, actor: Actor) -> tuple[list[dict], list[dict]]:
    """Each program's verified status and realisation, and the verified budget realised per source."""
    reports = {
        r.program_id: r
        for r in db.session.scalars(
            select(ProgressReport).where(
                ProgressReport.period_id == period.id, ProgressReport.status == VERIFIED
            )
        )
    }
    current = masterplans.current_masterplan(actor=actor)
    programs = []
    for program in masterplans.list_programs(current.id, actor=actor):
        report = reports.get(program.id)
        programs.append(
            {
                "code": program.code,
                "name": program.name,
                "dimension": program.dimension_code,
                "lead_opd": program.lead_opd_name,
                "status": report.progress_status if report else None,
                "physical_pct": float(report.physical_pct)
                if report and report.physical_pct is not None
                else None,
                "verified": report is not None,
            }
        )
    by_source: dict[str, dict] = {}
    for row in db.session.scalars(
        select(BudgetRealisation).where(BudgetRealisation.report_id.in_([r.id for r in reports.values()]))
    ):
        entry = by_source.setdefault(
            row.funding_source, {"funding_source": row.funding_source, "planned": 0, "realised": 0}
        )
        entry["planned"] += row.planned
        entry["realised"] += row.realised or 0
    return programs, [by_source[k] for k in sorted(by_source)]


def snapshots_query(period_id: uuid.UUID | None = None, *, actor: Actor):
    """Published snapshots, newest first (the highest version of a period is the one in force)."""
    policy.require(actor, "snapshot.read")
    stmt = select(PublishedSnapshot).order_by(
        PublishedSnapshot.published_at.desc(), PublishedSnapshot.version.desc()
    )
    if period_id is not None:
        stmt = stmt.where(PublishedSnapshot.period_id == period_id)
    return stmt


def get_snapshot(snapshot_id: uuid.UUID, *, actor: Actor) -> PublishedSnapshot:
    snapshot = one_or_404(select(PublishedSnapshot).where(PublishedSnapshot.id == snapshot_id))
    policy.require(actor, "snapshot.read", snapshot)
    return snapshot


def superseded_ids(snapshots: list[PublishedSnapshot]) -> set[uuid.UUID]:
    """Which of these snapshots a later version of the same period supersedes (one query)."""
    if not snapshots:
        return set()
    latest = dict(
        db.session.execute(
            select(PublishedSnapshot.period_id, func.max(PublishedSnapshot.version))
            .where(PublishedSnapshot.period_id.in_({s.period_id for s in snapshots}))
            .group_by(PublishedSnapshot.period_id)
        ).all()
    )
    return {s.id for s in snapshots if s.version < latest.get(s.period_id, s.version)}


def _own_weights(rule: str, actor: Actor) -> dict | None:
    """The tenant's own weights the snapshot was rolled up with (None under another rule)."""
    if rule != OWN_WEIGHTS:
        return None
    weights = get_rollup_weights(actor=actor)
    return {
        "dimensions": {code: float(w) for code, w in weights.dimensions.items()},
        "elements": {code: float(w) for code, w in weights.elements.items()},
    }

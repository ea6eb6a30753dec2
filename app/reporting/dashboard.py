"""The progress panels of the tenant's dashboard: the masterplan's status, progress by dimension and the
trend over periods (the roll-up, from verified reports only), programs at risk or delayed, reports missing
by OPD this period and budget realisation by funding source.

Everything is read in a fixed number of queries, whatever the number of programs, reports and periods.
The roll-up figures are the city's, as the roll-up page shows them to every member; the lists (programs
at risk, reports missing, budget realised) hold the reports the member may read, so an OPD operator's
hold their own OPDs' only, like the report lists they link to.
"""

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from threading import Lock

from sqlalchemy import exists, select

from app.core.auth import OPD_OPERATOR, Actor
from app.core.policy import role_here
from app.extensions import db
from app.masterplan import policy as masterplan_policy
from app.masterplan import services as masterplans
from app.reporting import policy
from app.reporting.models import (
    AT_RISK,
    CLOSED,
    DELAYED,
    PLANNED,
    SUBMITTED,
    VERIFIED,
    ProgressReport,
    ReportingPeriod,
)
from app.reporting.periods import current_period
from app.reporting.reports import RollupInputs, load_period_reports, rollup_basis, rollup_of
from app.reporting.rollup import Node

# The trend shows the latest periods that have begun: two years of quarters.
TREND_PERIODS = 8
# Programs at risk or delayed listed by name; the counts link to all of them.
AT_RISK_LISTED = 8
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MasterplanStatus:
    """The current masterplan version, its state and how it was enacted."""

    id: uuid.UUID
    title: str
    version_label: str
    status: str
    period_start: int
    period_end: int
    legal_type: str | None
    legal_number: str | None
    legal_date: date | None
    enacted_at: datetime | None


@dataclass(frozen=True)
class ProgramAtRisk:
    """A program whose verified report says it is at risk or delayed."""

    report_id: uuid.UUID
    code: str
    name: str
    opd_name: str | None
    progress_status: str
    physical_pct: Decimal | None


@dataclass(frozen=True)
class OpdReports:
    """An OPD's programs this period: how many reports are still to come, wait for verification, or are
    verified. ``missing``: no report yet, a draft, or returned to the OPD."""

    opd_id: uuid.UUID | None
    name: str
    programs: int
    missing: int
    waiting: int
    verified: int


@dataclass(frozen=True)
class SourceRealisation:
    """Budget realised from one funding source, in verified reports, against what they planned."""

    funding_source: str
    planned: int
    realised: int
    reports: int

    @property
    def absorption(self) -> Decimal | None:
        """Realised ÷ planned, in %, rounded half up to two decimals (None without a plan)."""
        if not self.planned:
            return None
        return (Decimal(self.realised) * 100 / self.planned).quantize(CENT, ROUND_HALF_UP)


@dataclass
class ProgressDashboard:
    """What the progress panels show one member."""

    masterplan: MasterplanStatus | None
    rule: str
    missing_rule: str
    latest: ReportingPeriod | None  # the latest period with verified data
    tree: Node | None  # its roll-up
    trend: list[tuple[ReportingPeriod, Node]]
    at_risk: list[ProgramAtRisk]
    at_risk_counts: dict[str, int]
    current: ReportingPeriod | None  # the period OPDs report on now
    by_opd: list[OpdReports]
    budget: list[SourceRealisation]
    own_opds_only: bool  # an OPD operator: the lists hold their own OPDs' reports
    can_verify: bool
    programs: int = 0
    verified_programs: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    # A dimension's code → its names (Indonesian, English), for the chart's labels.
    dimension_names: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def budget_total(self) -> SourceRealisation | None:
        if not self.budget:
            return None
        return SourceRealisation(
            "",
            sum(b.planned for b in self.budget),
            sum(b.realised for b in self.budget),
            sum(b.reports for b in self.budget),
        )


def progress_dashboard(*, actor: Actor) -> ProgressDashboard | None:
    """The progress panels for ``actor`` (None for a member who may not read the periods)."""
    if not policy.can(actor, "period.read"):
        return None
    begun = list(
        db.session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.status != PLANNED)
            .order_by(ReportingPeriod.starts_on.desc())
            .limit(TREND_PERIODS)
        )
    )
    latest = _latest_verified_period()
    now = current_period(actor=actor)
    inputs = rollup_basis(actor=actor)
    status = None
    if inputs is not None and masterplan_policy.can(actor, "masterplan.read"):
        status = _masterplan_status(inputs.masterplan, actor)
    settled: dict[uuid.UUID, Node] = {}
    if inputs is not None:
        settled = {p.id: tree for p in begun if (tree := _settled_rollup(p, inputs)) is not None}
        # The latest verified period and the current one are read whole: their panels list programs.
        wanted = {p.id: p for p in begun if p.id not in settled}
        wanted.update({p.id: p for p in (latest, now) if p is not None})
        load_period_reports(inputs, list(wanted.values()), actor=actor)
    own = set(actor.opd_ids) if role_here(actor) == OPD_OPERATOR else None
    board = ProgressDashboard(
        masterplan=status,
        rule=inputs.rule if inputs else "",
        missing_rule=inputs.missing_rule if inputs else "",
        latest=latest,
        tree=None,
        trend=[],
        at_risk=[],
        at_risk_counts={AT_RISK: 0, DELAYED: 0},
        current=now,
        by_opd=[],
        budget=[],
        own_opds_only=own is not None,
        can_verify=policy.can(actor, "report.verify"),
    )
    if inputs is None:
        return board
    board.programs = len(inputs.programs)
    board.dimension_names = {d.code: (d.name_id, d.name_en) for d in inputs.masterplan.dimensions}
    trees = {p.id: _remember(p, inputs, rollup_of(p, inputs)) for p in begun if p.id not in settled}
    board.trend = [(p, settled.get(p.id) or trees[p.id]) for p in sorted(begun, key=lambda p: p.starts_on)]
    if latest is not None:
        board.tree = trees.get(latest.id) or rollup_of(latest, inputs)
        board.verified_programs = board.programs - board.tree.missing
        _programs_at_risk(board, inputs, latest, own)
        board.budget = _budget_by_source(inputs, latest, own)
    if now is not None:
        board.by_opd = _reports_by_opd(inputs, now, own)
        board.totals = {
            name: sum(getattr(o, name) for o in board.by_opd)
            for name in ("programs", "missing", "waiting", "verified")
        }
    return board


# The trend's figures of settled periods, by _settled_key: a closed period rolled up against an enacted
# masterplan stays the same until the period is reopened, the rule changes or another version is enacted
# (reports of a closed period cannot change, nor can an enacted version). Only the whole masterplan's node
# is kept, a few hundred bytes per period; the least recently used go first.
_SETTLED: OrderedDict[tuple, Node] = OrderedDict()
_SETTLED_MAX = 10_000
_settled_lock = Lock()


def _settled_key(period: ReportingPeriod, inputs: RollupInputs) -> tuple | None:
    if period.status != CLOSED or inputs.masterplan.status != "enacted":
        return None
    return (
        period.tenant_id,
        period.id,
        period.closed_at,
        period.reopened_at,
        inputs.rule,
        inputs.missing_rule,
        repr(inputs.weights),
        inputs.masterplan.id,
        len(inputs.programs),
    )


def _settled_rollup(period: ReportingPeriod, inputs: RollupInputs) -> Node | None:
    key = _settled_key(period, inputs)
    if key is None:
        return None
    with _settled_lock:
        tree = _SETTLED.get(key)
        if tree is not None:
            _SETTLED.move_to_end(key)
        return tree


def _remember(period: ReportingPeriod, inputs: RollupInputs, tree: Node) -> Node:
    """Keep a settled period's whole-masterplan figure for the next dashboard (the tree is returned)."""
    key = _settled_key(period, inputs)
    if key is not None:
        top = Node(
            key=tree.key,
            label=tree.label,
            value=tree.value,
            weight=tree.weight,
            rule_used=tree.rule_used,
            counted=tree.counted,
            missing=tree.missing,
        )
        with _settled_lock:
            _SETTLED[key] = top
            while len(_SETTLED) > _SETTLED_MAX:
                _SETTLED.popitem(last=False)
    return tree


def _masterplan_status(current: masterplans.MasterplanSummary, actor: Actor) -> MasterplanStatus:
    version = next((m for m in masterplans.list_masterplans(actor=actor) if m.id == current.id), None)
    return MasterplanStatus(
        id=current.id,
        title=current.title,
        version_label=current.version_label,
        status=current.status,
        period_start=current.period_start,
        period_end=current.period_end,
        legal_type=version.legal_type if version else None,
        legal_number=version.legal_number if version else None,
        legal_date=version.legal_date if version else None,
        enacted_at=version.enacted_at if version else None,
    )


def _latest_verified_period() -> ReportingPeriod | None:
    """The latest period (by its start) in which at least one report is verified."""
    verified = exists().where(
        ProgressReport.period_id == ReportingPeriod.id, ProgressReport.status == VERIFIED
    )
    return db.session.scalar(
        select(ReportingPeriod).where(verified).order_by(ReportingPeriod.starts_on.desc()).limit(1)
    )


def _programs_at_risk(board: ProgressDashboard, inputs, period: ReportingPeriod, own) -> None:
    programs = {p.id: p for p in inputs.programs}
    found = []
    for row in inputs.reports.get(period.id, {}).values():
        if row.status != VERIFIED or row.progress_status not in (AT_RISK, DELAYED):
            continue
        if own is not None and row.opd_id not in own:
            continue
        board.at_risk_counts[row.progress_status] += 1
        program = programs.get(row.program_id)
        if program is not None:
            found.append(
                ProgramAtRisk(
                    row.id,
                    program.code,
                    program.name,
                    program.lead_opd_name,
                    row.progress_status,
                    row.physical_pct,
                )
            )
    # Delayed first, then at risk; the least advanced first within each.
    found.sort(key=lambda p: (p.progress_status != DELAYED, p.physical_pct or 0, p.code))
    board.at_risk = found[:AT_RISK_LISTED]


def _reports_by_opd(inputs, period: ReportingPeriod, own) -> list[OpdReports]:
    """Each lead OPD's programs of the current masterplan and where their reports stand this period."""
    found = inputs.reports.get(period.id, {})
    counts: dict[uuid.UUID | None, dict] = {}
    for program in inputs.programs:
        if own is not None and program.lead_opd_id not in own:
            continue
        entry = counts.setdefault(
            program.lead_opd_id,
            {"name": program.lead_opd_name or "", "programs": 0, "missing": 0, "waiting": 0, "verified": 0},
        )
        entry["programs"] += 1
        report = found.get(program.id)
        state = report.status if report is not None else None
        if state == VERIFIED:
            entry["verified"] += 1
        elif state == SUBMITTED:
            entry["waiting"] += 1
        else:
            entry["missing"] += 1
    rows = [OpdReports(opd_id, **values) for opd_id, values in counts.items()]
    # The OPDs with the most reports still to come first.
    return sorted(rows, key=lambda r: (-r.missing, r.opd_id is None, r.name))


def _budget_by_source(inputs: RollupInputs, period: ReportingPeriod, own) -> list[SourceRealisation]:
    """Planned and realised budget per funding source in the period's verified reports."""
    sources: dict[str, list[int]] = {}
    for row in inputs.reports.get(period.id, {}).values():
        if row.status != VERIFIED or (own is not None and row.opd_id not in own):
            continue
        for source, planned, realised in inputs.budget.get(row.id, ()):
            entry = sources.setdefault(source, [0, 0, 0])
            entry[0] += planned
            entry[1] += realised
            entry[2] += 1
    return [SourceRealisation(source, *sources[source]) for source in sorted(sources)]


def dashboard_panel(actor: Actor) -> dict | None:
    """The dashboard's progress panels, for a member who reads the periods."""
    board = progress_dashboard(actor=actor)
    return None if board is None else {"board": board}

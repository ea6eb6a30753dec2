"""The masterplan's interface for other packages: what they may read of a tenant's masterplans.

Progress reporting, the council, evaluation and the widgets call these functions and nothing else of the
masterplan. Each takes the actor it reads for and answers frozen dataclasses, never ORM objects, so a
caller can neither change a masterplan by accident nor trigger a lazy load; each list costs a fixed number
of queries, whatever its size. The writing services a package building a masterplan needs (the demo) are
offered here too: they are the masterplan's own, each checking its actor.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, or_, select

from app.core.auth import Actor
from app.core.reach import one_or_404
from app.extensions import db
from app.masterplan import policy
from app.masterplan.analysis import (  # noqa: F401
    create_gap,
    create_mission,
    create_readiness,
    create_swot_item,
    set_vision,
)
from app.masterplan.goals import create_goal, create_indicator, indicators_query, update_indicator  # noqa: F401
from app.masterplan.models import (
    ENACTED,
    BudgetLine,
    Goal,
    Indicator,
    IndicatorTarget,
    Masterplan,
    Program,
    ProgramOpd,
    ProgramStrategy,
    Strategy,
)
from app.masterplan.programs import create_action_item, create_program, create_strategy  # noqa: F401
from app.masterplan.versions import (  # noqa: F401
    change_status,
    create_masterplan,
    list_masterplans,
    start_revision,
    update_masterplan,
)
from app.reference import services as reference
from app.tenants import services as tenants


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


# --- a tenant's current masterplan, its programs and OPDs --------------------------------------------


@dataclass(frozen=True)
class SubDimension:
    """A sub-dimension of the framework a masterplan follows."""

    id: uuid.UUID
    code: str
    name_id: str
    name_en: str


@dataclass(frozen=True)
class Dimension:
    """A dimension of the framework a masterplan follows, with its sub-dimensions in order."""

    id: uuid.UUID
    code: str
    name_id: str
    name_en: str
    position: int
    sub_dimensions: tuple[SubDimension, ...]


@dataclass(frozen=True)
class MasterplanSummary:
    """A version of the tenant's masterplan with its framework's dimensions."""

    id: uuid.UUID
    title: str
    version_label: str
    status: str
    period_start: int
    period_end: int
    framework_id: uuid.UUID
    dimensions: tuple[Dimension, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.period_start, self.period_end + 1))


@dataclass(frozen=True)
class OpdSummary:
    """An OPD of the tenant."""

    id: uuid.UUID
    code: str
    name: str
    acronym: str | None


@dataclass(frozen=True)
class ProgramSummary:
    """A program of a masterplan. ``lineage_id`` stays the same across the masterplan's versions (a
    revision copies the program under a new id), so it is what a record kept over years points at;
    ``code`` is the code people read, which a later version may change."""

    id: uuid.UUID
    lineage_id: uuid.UUID
    masterplan_id: uuid.UUID
    code: str
    name: str
    dimension_id: uuid.UUID
    dimension_code: str
    sub_dimension_id: uuid.UUID | None
    lead_opd_id: uuid.UUID | None
    lead_opd_name: str | None
    supporting_opd_ids: tuple[uuid.UUID, ...]
    quick_win: bool
    status: str
    years: tuple[int, ...]  # the roadmap: the years the program runs


@dataclass(frozen=True)
class YearTarget:
    year: int
    value: float


@dataclass(frozen=True)
class ProgramIndicator:
    """A success indicator a program answers to, with its target for each year."""

    id: uuid.UUID
    lineage_id: uuid.UUID
    code: str | None
    name: str
    unit: str
    polarity: str  # higher_better, lower_better or neutral
    accumulation: str  # cumulative, annual or fixed
    baseline_value: float | None
    baseline_year: int | None
    responsible_opd_id: uuid.UUID | None
    targets: tuple[YearTarget, ...]

    def target(self, year: int) -> float | None:
        return next((t.value for t in self.targets if t.year == year), None)


@dataclass(frozen=True)
class BudgetAmount:
    """What a program plans to spend in one year from one funding source, in whole Rupiah."""

    year: int
    funding_source: str
    amount: int


@dataclass(frozen=True)
class ProgramDetail:
    """A program with the indicators it answers to and its budget per year and funding source."""

    program: ProgramSummary
    indicators: tuple[ProgramIndicator, ...]
    budget: tuple[BudgetAmount, ...]

    def budget_for(self, year: int) -> int:
        return sum(b.amount for b in self.budget if b.year == year)


def current_masterplan(*, actor: Actor) -> MasterplanSummary | None:
    """The tenant's masterplan as people mean it: the enacted version, else the newest one being
    written; None while the tenant has none."""
    policy.require(actor, "masterplan.read")
    masterplan = db.session.scalar(
        select(Masterplan)
        .order_by(
            (Masterplan.status == ENACTED).desc(),
            Masterplan.period_start.desc(),
            Masterplan.created_at.desc(),
        )
        .limit(1)
    )
    if masterplan is None:
        return None
    return MasterplanSummary(
        id=masterplan.id,
        title=masterplan.title,
        version_label=masterplan.version_label,
        status=masterplan.status,
        period_start=masterplan.period_start,
        period_end=masterplan.period_end,
        framework_id=masterplan.framework_id,
        dimensions=_dimensions(masterplan.framework_id, actor),
    )


def _dimensions(framework_id: uuid.UUID, actor: Actor) -> tuple[Dimension, ...]:
    tree = reference.followed_framework_tree(framework_id, actor=actor)
    return tuple(
        Dimension(
            d.id,
            d.code,
            d.name_id,
            d.name_en,
            d.position,
            tuple(SubDimension(s.id, s.code, s.name_id, s.name_en) for s in tree.sub_dimensions[d.id]),
        )
        for d in tree.dimensions
    )


def list_opds(*, actor: Actor) -> list[OpdSummary]:
    """The tenant's OPDs by code."""
    policy.require(actor, "masterplan.read")
    return [OpdSummary(o.id, o.code, o.name, o.acronym) for o in tenants.list_opds(actor=actor)]


def list_programs(
    masterplan_id: uuid.UUID, *, actor: Actor, opd_ids: Iterable[uuid.UUID] | None = None
) -> list[ProgramSummary]:
    """The programs of a version of the tenant's masterplan by code; with ``opd_ids``, only those led or
    supported by one of these OPDs. Four queries, whatever the number of programs."""
    policy.require(actor, "masterplan.read")
    # The columns a summary shows, not whole programs: a large plan's list loads several times faster.
    stmt = (
        select(*(getattr(Program, name) for name in SUMMARY_COLUMNS))
        .where(Program.masterplan_id == masterplan_id)
        .order_by(Program.code)
    )
    if opd_ids is not None:
        wanted = list(opd_ids)
        supported = select(ProgramOpd.program_id).where(ProgramOpd.opd_id.in_(wanted))
        stmt = stmt.where(or_(Program.lead_opd_id.in_(wanted), Program.id.in_(supported)))
    found = list(db.session.execute(stmt))
    return _summaries(found, actor)


SUMMARY_COLUMNS = (
    "id",
    "lineage_id",
    "masterplan_id",
    "code",
    "name",
    "dimension_id",
    "sub_dimension_id",
    "lead_opd_id",
    "quick_win",
    "status",
    "roadmap_years",
)


def _summaries(found: list, actor: Actor) -> list[ProgramSummary]:
    """Summaries of programs (or rows of their ``SUMMARY_COLUMNS``)."""
    if not found:
        return []
    ids = [p.id for p in found]
    supporting: dict[uuid.UUID, list[uuid.UUID]] = {}
    for program_id, opd_id in db.session.execute(
        select(ProgramOpd.program_id, ProgramOpd.opd_id)
        .where(ProgramOpd.program_id.in_(ids))
        .order_by(ProgramOpd.id)
    ):
        supporting.setdefault(program_id, []).append(opd_id)
    dimensions = reference.dimensions_by_id({p.dimension_id for p in found}, actor=actor)
    opd_names = {o.id: o.name for o in tenants.list_opds(actor=actor)}
    return [
        ProgramSummary(
            id=p.id,
            lineage_id=p.lineage_id or p.id,
            masterplan_id=p.masterplan_id,
            code=p.code,
            name=p.name,
            dimension_id=p.dimension_id,
            dimension_code=dimensions[p.dimension_id].code,
            sub_dimension_id=p.sub_dimension_id,
            lead_opd_id=p.lead_opd_id,
            lead_opd_name=opd_names.get(p.lead_opd_id),
            supporting_opd_ids=tuple(supporting.get(p.id, ())),
            quick_win=p.quick_win,
            status=p.status,
            years=tuple(sorted(p.roadmap_years or ())),
        )
        for p in found
    ]


def get_program(program_id: uuid.UUID, *, actor: Actor) -> ProgramDetail:
    """One program of the tenant's masterplan (404 for anything out of reach), with its indicators and
    its budget per year and funding source.

    A program's indicators are those of the goals of its dimension: the goals set for its sub-dimension,
    or for the dimension as a whole (a program with no sub-dimension answers to every goal of its
    dimension)."""
    program = one_or_404(select(Program).where(Program.id == program_id))
    policy.require(actor, "masterplan.read", program)
    return ProgramDetail(
        program=_summaries([program], actor)[0],
        indicators=_indicators_of(program),
        budget=_budget_of(program),
    )


def _indicators_of(program: Program) -> tuple[ProgramIndicator, ...]:
    goals = select(Goal.id).where(
        Goal.masterplan_id == program.masterplan_id, Goal.dimension_id == program.dimension_id
    )
    if program.sub_dimension_id is not None:
        goals = goals.where(
            or_(Goal.sub_dimension_id.is_(None), Goal.sub_dimension_id == program.sub_dimension_id)
        )
    rows = db.session.execute(
        select(Indicator, IndicatorTarget.year, IndicatorTarget.value)
        .outerjoin(
            IndicatorTarget,
            (IndicatorTarget.tenant_id == Indicator.tenant_id)
            & (IndicatorTarget.indicator_id == Indicator.id),
        )
        .where(Indicator.masterplan_id == program.masterplan_id, Indicator.goal_id.in_(goals))
        .order_by(Indicator.position, Indicator.id, IndicatorTarget.year)
    ).all()
    indicators: dict[uuid.UUID, Indicator] = {}
    targets: dict[uuid.UUID, list[YearTarget]] = {}
    for indicator, year, value in rows:
        indicators[indicator.id] = indicator
        if year is not None:
            targets.setdefault(indicator.id, []).append(YearTarget(year, value))
    return tuple(
        ProgramIndicator(
            id=i.id,
            lineage_id=i.lineage,
            code=i.code,
            name=i.name,
            unit=i.unit,
            polarity=i.polarity,
            accumulation=i.accumulation,
            baseline_value=i.baseline_value,
            baseline_year=i.baseline_year,
            responsible_opd_id=i.responsible_opd_id,
            targets=tuple(targets.get(i.id, ())),
        )
        for i in indicators.values()
    )


def _budget_of(program: Program) -> tuple[BudgetAmount, ...]:
    rows = db.session.execute(
        select(BudgetLine.year, BudgetLine.funding_source, func.sum(BudgetLine.amount))
        .where(BudgetLine.program_id == program.id)
        .group_by(BudgetLine.year, BudgetLine.funding_source)
        .order_by(BudgetLine.year, BudgetLine.funding_source)
    )
    return tuple(BudgetAmount(year, source, int(amount)) for year, source, amount in rows)


def program_budgets(
    masterplan_id: uuid.UUID,
    years: Iterable[int],
    *,
    program_ids: Iterable[uuid.UUID] | None = None,
    actor: Actor,
) -> dict[tuple[uuid.UUID, int], int]:
    """What each program of a version (or only ``program_ids``) plans to spend in each of ``years``, all
    funding sources together, in whole Rupiah, keyed by (program id, year); absent without a budget line.
    One query at any size."""
    policy.require(actor, "masterplan.read")
    stmt = (
        select(BudgetLine.program_id, BudgetLine.year, func.sum(BudgetLine.amount))
        .where(BudgetLine.masterplan_id == masterplan_id, BudgetLine.year.in_(list(years)))
        .group_by(BudgetLine.program_id, BudgetLine.year)
    )
    if program_ids is not None:
        stmt = stmt.where(BudgetLine.program_id.in_(list(program_ids)))
    rows = db.session.execute(stmt)
    return {(program_id, year): int(amount) for program_id, year, amount in rows}


@dataclass(frozen=True)
class ProgramStrategyLink:
    """A strategy a program serves: the lowest one it links to (a child strategy carries its own code)."""

    program_id: uuid.UUID
    strategy_id: uuid.UUID
    code: str
    text: str


def program_strategy_links(masterplan_id: uuid.UUID, *, actor: Actor) -> tuple[ProgramStrategyLink, ...]:
    """Which strategies each program of a version serves, by strategy code. One query at any size."""
    policy.require(actor, "masterplan.read")
    rows = db.session.execute(
        select(ProgramStrategy.program_id, Strategy.id, Strategy.code, Strategy.text)
        .join(
            Strategy,
            (Strategy.tenant_id == ProgramStrategy.tenant_id) & (Strategy.id == ProgramStrategy.strategy_id),
        )
        .where(ProgramStrategy.masterplan_id == masterplan_id)
        .order_by(Strategy.code, ProgramStrategy.program_id)
    )
    return tuple(ProgramStrategyLink(*row) for row in rows)


def indicator_labels(
    masterplan_id: uuid.UUID, *, actor: Actor
) -> dict[uuid.UUID, tuple[str | None, str, str]]:
    """Each indicator of a version by id: its code, name and unit. One query at any size."""
    policy.require(actor, "masterplan.read")
    rows = db.session.execute(
        select(Indicator.id, Indicator.code, Indicator.name, Indicator.unit).where(
            Indicator.masterplan_id == masterplan_id
        )
    )
    return {row.id: (row.code, row.name, row.unit) for row in rows}

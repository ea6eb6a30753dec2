"""The views of a whole masterplan that Diskominfo and Bappeda work from: the overview per dimension,
the tree, the roadmap and the budget summary. Each runs a fixed number of queries, whatever the size."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import bindparam, case, func, select

from app.core.auth import Actor
from app.extensions import db
from app.masterplan.common import MasterplanRefs, get_masterplan
from app.masterplan.models import (
    ActionItem,
    BudgetLine,
    GapAnalysis,
    Goal,
    Indicator,
    IndicatorTarget,
    Masterplan,
    Mission,
    Program,
    ProgramStrategy,
    ReadinessEntry,
    Strategy,
    SwotItem,
)
from app.masterplan.programs import ProgramFilters, programs_query
from app.reference.services import Dimension, SubDimension

# --- overview ----------------------------------------------------------------------------------------


@dataclass
class DimensionTile:
    dimension: Dimension
    programs: int = 0
    quick_wins: int = 0
    budget: int = 0


@dataclass
class Overview:
    masterplan: Masterplan
    refs: MasterplanRefs
    tiles: list[DimensionTile]
    part_counts: dict[str, int]
    outside_period: dict[str, int]

    @property
    def total_budget(self) -> int:
        return sum(t.budget for t in self.tiles)

    @property
    def total_programs(self) -> int:
        return sum(t.programs for t in self.tiles)

    @property
    def total_quick_wins(self) -> int:
        return sum(t.quick_wins for t in self.tiles)

    def chart_data(self, title: str, series_names: tuple[str, str]) -> dict:
        """The figures in the shape of the chart macro: chart(kind, title, labels, series)."""
        return {
            "kind": "bar",
            "title": title,
            "labels": [t.dimension.code for t in self.tiles],
            "series": [
                {"name": series_names[0], "data": [t.budget for t in self.tiles]},
                {"name": series_names[1], "data": [t.programs for t in self.tiles]},
            ],
        }


COUNTED_PARTS = {
    "missions": Mission,
    "readiness": ReadinessEntry,
    "gaps": GapAnalysis,
    "swot": SwotItem,
    "goals": Goal,
    "indicators": Indicator,
    "strategies": Strategy,
    "programs": Program,
    "action_items": ActionItem,
}


YEAR_BOUND_PARTS = {"budget_lines": BudgetLine, "targets": IndicatorTarget, "action_items": ActionItem}


def _count(model, *where):
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


@cache
def _counts_statement():
    """What each part holds and the year-bound entries outside the period: one statement, built once
    (building it cost more than running it)."""
    masterplan_id, start, end = bindparam("masterplan_id"), bindparam("start"), bindparam("end")
    held = [_count(m, m.masterplan_id == masterplan_id).label(name) for name, m in COUNTED_PARTS.items()]
    outside = [
        _count(m, m.masterplan_id == masterplan_id, (m.year < start) | (m.year > end)).label(f"out {name}")
        for name, m in YEAR_BOUND_PARTS.items()
    ]
    return select(*held, *outside)


def part_counts(masterplan: Masterplan) -> tuple[dict[str, int], dict[str, int]]:
    """How many entries each part holds, and how many year-bound entries fall outside the version's
    period (a revision for a new period starts with the old years; they are flagged, never dropped)."""
    row = db.session.execute(
        _counts_statement(),
        {"masterplan_id": masterplan.id, "start": masterplan.period_start, "end": masterplan.period_end},
    ).one()
    counts = row._asdict()
    return (
        {name: counts[name] for name in COUNTED_PARTS},
        {name: counts[f"out {name}"] for name in YEAR_BOUND_PARTS},
    )


@cache
def _tiles_statement():
    """Programs, quick wins and budget per dimension, in one statement built once."""
    masterplan_id = bindparam("masterplan_id")
    budgets = (
        select(BudgetLine.tenant_id, BudgetLine.program_id, func.sum(BudgetLine.amount).label("amount"))
        .where(BudgetLine.masterplan_id == masterplan_id)
        .group_by(BudgetLine.tenant_id, BudgetLine.program_id)
        .subquery()
    )
    return (
        select(
            Program.dimension_id,
            func.count(),
            func.sum(case((Program.quick_win, 1), else_=0)),
            func.sum(budgets.c.amount),
        )
        .outerjoin(budgets, (budgets.c.tenant_id == Program.tenant_id) & (budgets.c.program_id == Program.id))
        .where(Program.masterplan_id == masterplan_id)
        .group_by(Program.dimension_id)
    )


def overview(masterplan_id: uuid.UUID, *, actor: Actor) -> Overview:
    """Programs, quick wins and budget per dimension, what each part holds, and what needs a look."""
    masterplan = get_masterplan(masterplan_id, actor=actor)
    refs = MasterplanRefs(masterplan)
    tiles = {d.id: DimensionTile(d) for d in refs.dimensions}
    for dimension_id, programs, quick_wins, budget in db.session.execute(
        _tiles_statement(), {"masterplan_id": masterplan_id}
    ):
        tile = tiles[dimension_id]
        tile.programs, tile.quick_wins, tile.budget = programs, int(quick_wins or 0), int(budget or 0)
    held, outside = part_counts(masterplan)
    return Overview(masterplan, refs, list(tiles.values()), held, outside)


# --- tree --------------------------------------------------------------------------------------------


@dataclass
class StrategyNode:
    strategy: Strategy
    children: list["StrategyNode"] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)


@dataclass
class BranchNode:
    """A sub-dimension (or the dimension itself, for what is placed on no sub-dimension)."""

    sub_dimension: SubDimension | None
    goals: list[Goal] = field(default_factory=list)
    strategies: list[StrategyNode] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.goals or self.strategies or self.programs)


@dataclass
class DimensionNode:
    dimension: Dimension
    branches: list[BranchNode]
    program_count: int = 0


@dataclass
class Tree:
    masterplan: Masterplan
    refs: MasterplanRefs
    dimensions: list[DimensionNode]
    indicator_counts: dict[uuid.UUID, int]


def tree(masterplan_id: uuid.UUID, dimension_code: str | None = None, *, actor: Actor) -> Tree:
    """Dimension → sub-dimension → goals and strategies (nested) → the programs serving them.

    A program serving several strategies shows under each; one serving none shows under its
    sub-dimension."""
    masterplan = get_masterplan(masterplan_id, actor=actor)
    refs = MasterplanRefs(masterplan)
    dims = [d for d in refs.dimensions if not dimension_code or d.code == dimension_code]
    branches: dict[tuple, BranchNode] = {}
    nodes = []
    for dim in dims:
        subs = [s for s in refs.sub_dimensions if s.dimension_id == dim.id]
        dim_branches = [BranchNode(s) for s in subs] + [BranchNode(None)]
        for branch in dim_branches:
            branches[(dim.id, branch.sub_dimension.id if branch.sub_dimension else None)] = branch
        nodes.append(DimensionNode(dim, dim_branches))

    def branch_of(row) -> BranchNode | None:
        return branches.get((row.dimension_id, row.sub_dimension_id)) or branches.get(
            (row.dimension_id, None)
        )

    for goal in db.session.scalars(
        select(Goal).where(Goal.masterplan_id == masterplan_id).order_by(Goal.position, Goal.id)
    ):
        if branch := branch_of(goal):
            branch.goals.append(goal)
    strategy_nodes = {
        s.id: StrategyNode(s)
        for s in db.session.scalars(
            select(Strategy).where(Strategy.masterplan_id == masterplan_id).order_by(Strategy.code)
        )
    }
    for node in strategy_nodes.values():
        parent = strategy_nodes.get(node.strategy.parent_id)
        if parent is not None:
            parent.children.append(node)
        elif branch := branch_of(node.strategy):
            branch.strategies.append(node)
    programs = {p.id: p for p in db.session.scalars(programs_query(masterplan_id, actor=actor))}
    served = set()
    links = db.session.execute(
        select(ProgramStrategy.program_id, ProgramStrategy.strategy_id).where(
            ProgramStrategy.masterplan_id == masterplan_id
        )
    )
    for program_id, strategy_id in links:
        strategy_nodes[strategy_id].programs.append(programs[program_id])
        served.add(program_id)
    for node in strategy_nodes.values():
        node.programs.sort(key=lambda p: p.code)
    counts = defaultdict(int)
    for program in programs.values():
        counts[program.dimension_id] += 1
        if program.id not in served and (branch := branch_of(program)):
            branch.programs.append(program)
    for node in nodes:
        node.program_count = counts[node.dimension.id]
    indicator_counts = dict(
        db.session.execute(
            select(Indicator.goal_id, func.count())
            .where(Indicator.masterplan_id == masterplan_id)
            .group_by(Indicator.goal_id)
        ).all()
    )
    return Tree(masterplan, refs, nodes, indicator_counts)


# --- roadmap -----------------------------------------------------------------------------------------


@dataclass
class RoadmapRow:
    program: Program
    active_years: set[int]
    budget: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.budget.values())


@dataclass
class Roadmap:
    masterplan: Masterplan
    refs: MasterplanRefs
    years: list[int]
    rows: list[RoadmapRow]

    def year_total(self, year: int) -> int:
        return sum(r.budget.get(year, 0) for r in self.rows)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def roadmap(masterplan_id: uuid.UUID, filters: ProgramFilters | None = None, *, actor: Actor) -> Roadmap:
    """Programs × years: when each program runs and what it costs each year, narrowed by OPD,
    dimension or funding source (then only that source's budget counts)."""
    masterplan = get_masterplan(masterplan_id, actor=actor)
    refs = MasterplanRefs(masterplan)
    filters = filters or ProgramFilters()
    programs = list(db.session.scalars(programs_query(masterplan_id, filters, refs, actor=actor)))
    budget: dict[uuid.UUID, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    stmt = select(BudgetLine.program_id, BudgetLine.year, func.sum(BudgetLine.amount)).where(
        BudgetLine.masterplan_id == masterplan_id
    )
    if filters.funding_source:
        stmt = stmt.where(BudgetLine.funding_source == filters.funding_source)
    for program_id, year, amount in db.session.execute(stmt.group_by(BudgetLine.program_id, BudgetLine.year)):
        budget[program_id][year] += int(amount)
    rows = [RoadmapRow(p, set(p.roadmap_years or []), dict(budget.get(p.id, {}))) for p in programs]
    years = set(masterplan.years)
    for row in rows:
        years |= row.active_years | set(row.budget)
    return Roadmap(masterplan, refs, sorted(years), rows)


# --- budget summary ----------------------------------------------------------------------------------


@dataclass
class BudgetSummary:
    masterplan: Masterplan
    refs: MasterplanRefs
    years: list[int]
    sources: list[str]
    # (year, dimension code, funding source) → Rupiah
    cells: dict[tuple[int, str, str], int]

    def total(self, year: int | None = None, dimension: str | None = None, source: str | None = None) -> int:
        return sum(
            amount
            for (y, d, s), amount in self.cells.items()
            if (year is None or y == year)
            and (dimension is None or d == dimension)
            and (source is None or s == source)
        )


def budget_summary(masterplan_id: uuid.UUID, status: str | None = None, *, actor: Actor) -> BudgetSummary:
    """Budget per year × dimension × funding source in one aggregate query (allocated, indicative or both)."""
    masterplan = get_masterplan(masterplan_id, actor=actor)
    refs = MasterplanRefs(masterplan)
    stmt = (
        select(BudgetLine.year, Program.dimension_id, BudgetLine.funding_source, func.sum(BudgetLine.amount))
        .join(Program, (Program.id == BudgetLine.program_id) & (Program.tenant_id == BudgetLine.tenant_id))
        .where(BudgetLine.masterplan_id == masterplan_id)
        .group_by(BudgetLine.year, Program.dimension_id, BudgetLine.funding_source)
    )
    if status:
        stmt = stmt.where(BudgetLine.status == status)
    cells = {}
    for year, dimension_id, source, amount in db.session.execute(stmt):
        cells[(year, refs.dimension_by_id[dimension_id].code, source)] = int(amount)
    years = sorted(set(masterplan.years) | {y for y, _d, _s in cells})
    known = list(refs.code_lists.get("funding_source", {}))
    used = {s for _y, _d, s in cells}
    sources = [s for s in known if s in used] + sorted(used - set(known))
    return BudgetSummary(masterplan, refs, years, sources, cells)

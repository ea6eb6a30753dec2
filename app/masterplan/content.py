"""A whole masterplan version read at once: one query per table, whatever its size.

This is what a revision copies, what the comparison page compares, and what an export or the official
document reads: ``load_content(masterplan_id)`` returns every part, grouped for lookups.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from app.core.auth import Actor
from app.extensions import db
from app.masterplan.common import MasterplanRefs, get_masterplan
from app.masterplan.models import (
    PART_MODELS,
    ActionItem,
    BudgetLine,
    GapAnalysis,
    Goal,
    Indicator,
    IndicatorTarget,
    Masterplan,
    Mission,
    MissionDimension,
    Program,
    ProgramOpd,
    ProgramPartner,
    ProgramStrategy,
    ReadinessEntry,
    Strategy,
    SwotItem,
)

# How each part table is ordered when read whole.
ORDERING = {
    Mission: (Mission.number,),
    ReadinessEntry: (ReadinessEntry.aspect,),
    GapAnalysis: (GapAnalysis.position, GapAnalysis.id),
    SwotItem: (SwotItem.quadrant, SwotItem.position, SwotItem.id),
    Goal: (Goal.position, Goal.id),
    Indicator: (Indicator.position, Indicator.id),
    IndicatorTarget: (IndicatorTarget.year,),
    Strategy: (Strategy.code,),
    Program: (Program.code,),
    ProgramPartner: (ProgramPartner.position, ProgramPartner.id),
    BudgetLine: (BudgetLine.year, BudgetLine.position, BudgetLine.id),
    ActionItem: (ActionItem.year, ActionItem.position, ActionItem.id),
}


def read_parts(model, masterplan_id: uuid.UUID) -> list:
    stmt = select(model).where(model.masterplan_id == masterplan_id)
    return list(db.session.scalars(stmt.order_by(*ORDERING.get(model, (model.id,)))))


def group_by(rows, attribute: str) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


@dataclass
class MasterplanContent:
    masterplan: Masterplan
    refs: MasterplanRefs
    parts: dict[type, list] = field(default_factory=dict)

    def __getitem__(self, model) -> list:
        return self.parts[model]

    # Lookups the pages, comparison and export share.
    def mission_dimensions(self) -> dict[uuid.UUID, list[uuid.UUID]]:
        grouped = group_by(self.parts[MissionDimension], "mission_id")
        return {k: [link.dimension_id for link in v] for k, v in grouped.items()}

    def indicators_by_goal(self) -> dict[uuid.UUID, list[Indicator]]:
        return group_by(self.parts[Indicator], "goal_id")

    def targets_by_indicator(self) -> dict[uuid.UUID, dict[int, float]]:
        targets: dict[uuid.UUID, dict[int, float]] = defaultdict(dict)
        for target in self.parts[IndicatorTarget]:
            targets[target.indicator_id][target.year] = target.value
        return targets

    def strategies_by_program(self) -> dict[uuid.UUID, list[uuid.UUID]]:
        grouped = group_by(self.parts[ProgramStrategy], "program_id")
        return {k: [link.strategy_id for link in v] for k, v in grouped.items()}

    def opds_by_program(self) -> dict[uuid.UUID, list[uuid.UUID]]:
        grouped = group_by(self.parts[ProgramOpd], "program_id")
        return {k: [link.opd_id for link in v] for k, v in grouped.items()}

    def partners_by_program(self) -> dict[uuid.UUID, list[ProgramPartner]]:
        return group_by(self.parts[ProgramPartner], "program_id")

    def budget_by_program(self) -> dict[uuid.UUID, list[BudgetLine]]:
        return group_by(self.parts[BudgetLine], "program_id")

    def actions_by_program(self) -> dict[uuid.UUID, list[ActionItem]]:
        return group_by(self.parts[ActionItem], "program_id")


def load_content(masterplan_id: uuid.UUID, *, actor: Actor, with_opds: bool = True) -> MasterplanContent:
    """Every part of a masterplan version: one query per part table, plus its framework (and OPDs)."""
    masterplan = get_masterplan(masterplan_id, actor=actor)
    content = MasterplanContent(masterplan, MasterplanRefs(masterplan))
    for model in PART_MODELS:
        content.parts[model] = read_parts(model, masterplan_id)
    content.refs.dimensions  # noqa: B018 - load the framework now, so the query count is fixed
    if with_opds:
        content.refs.opd_by_id  # noqa: B018
    return content

"""Each tenant's masterplan versions with every part. A version follows a framework version of the
reference data (``app.reference``): its parts name the framework's dimensions and sub-dimensions by id.

Every part of a masterplan carries ``masterplan_id``: a whole version is read, copied (revision), compared
or exported with one query per table, whatever its size. Parts also carry ``lineage_id``: the id of the
row they were first copied from, so comparing two versions pairs a program with its own earlier self even
after its code or name changed.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, Timestamps, tenant_fk

# --- code lists the product itself relies on (the others live in the reference code lists) ----------

DRAFT, IN_REVIEW, ENDORSED, ENACTED, SUPERSEDED = "draft", "in_review", "endorsed", "enacted", "superseded"
MASTERPLAN_STATUSES = (DRAFT, IN_REVIEW, ENDORSED, ENACTED, SUPERSEDED)

LEGAL_TYPES = ("PERWALI", "PERBUP", "PERDA", "SK")
READINESS_ASPECTS = ("STRUKTUR", "INFRASTRUKTUR", "SUPRASTRUKTUR")
READINESS_LEVELS = ("LOW", "MEDIUM", "HIGH")
SWOT_QUADRANTS = ("S", "W", "O", "T")
POLARITIES = ("higher_better", "lower_better", "neutral")
ACCUMULATIONS = ("cumulative", "annual", "fixed")
PROGRAM_STATUSES = ("proposed", "planned", "in_progress", "operational", "delayed", "completed", "cancelled")
BUDGET_STATUSES = ("indicative", "allocated")

# The reference code lists masterplans use.
PROGRAM_CLASS, HORIZON, FUNDING_SOURCE, PENTAHELIX = (
    "program_class",
    "horizon",
    "funding_source",
    "pentahelix",
)
CODE_LISTS = (PROGRAM_CLASS, HORIZON, FUNDING_SOURCE, PENTAHELIX)


# --- a tenant's masterplan versions ---------------------------------------------------------------


class Masterplan(TenantOwned, Timestamps, Base):
    """One version of a tenant's smart city masterplan (draft → in review → endorsed → enacted →
    superseded). Only one version per tenant is enacted at a time."""

    __tablename__ = "masterplans"
    __table_args__ = (
        UniqueConstraint("tenant_id", "version_label"),
        tenant_fk("revised_from_id", "masterplans"),
        tenant_fk("signed_document_id", "stored_files"),
        Index(
            "uq_masterplans_one_enacted",
            "tenant_id",
            unique=True,
            postgresql_where=text("status = 'enacted'"),
            sqlite_where=text("status = 'enacted'"),
        ),
    )

    title: Mapped[str] = mapped_column(String(200))
    version_label: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[int]
    period_end: Mapped[int]
    rpjmd_start: Mapped[int | None]
    rpjmd_end: Mapped[int | None]
    framework_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("frameworks.id"))
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    legal_type: Mapped[str | None] = mapped_column(String(10))
    legal_number: Mapped[str | None] = mapped_column(String(100))
    legal_date: Mapped[date | None]
    # The signed regulation (a PDF stored for this version), once uploaded.
    signed_document_id: Mapped[uuid.UUID | None]
    vision: Mapped[str | None] = mapped_column(Text)
    # Dimension code → strategy code prefix, overriding the framework's (e.g. {"SOC": "SS"}).
    strategy_prefixes: Mapped[dict] = mapped_column(JSON, default=dict)
    revised_from_id: Mapped[uuid.UUID | None]
    enacted_at: Mapped[datetime | None]

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))


def _part_args(table: str, *extra):
    """Table arguments every masterplan part shares: the composite key to its masterplan, indexed."""
    return (
        tenant_fk("masterplan_id", "masterplans"),
        Index(f"ix_{table}_masterplan", "tenant_id", "masterplan_id"),
        *extra,
    )


class MasterplanPart(TenantOwned):
    masterplan_id: Mapped[uuid.UUID] = mapped_column(sort_order=-5)
    lineage_id: Mapped[uuid.UUID | None] = mapped_column(sort_order=-4)

    @property
    def lineage(self) -> uuid.UUID:
        return self.lineage_id or self.id


class Mission(MasterplanPart, Timestamps, Base):
    """A numbered mission (misi) under the masterplan's vision."""

    __tablename__ = "missions"
    __table_args__ = _part_args("missions", UniqueConstraint("tenant_id", "masterplan_id", "number"))

    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class MissionDimension(MasterplanPart, Base):
    """A dimension a mission serves."""

    __tablename__ = "mission_dimensions"
    __table_args__ = _part_args(
        "mission_dimensions",
        tenant_fk("mission_id", "missions"),
        UniqueConstraint("tenant_id", "mission_id", "dimension_id"),
    )

    mission_id: Mapped[uuid.UUID]
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_dimensions.id"))


class ReadinessEntry(MasterplanPart, Timestamps, Base):
    """Readiness of one dimension in one aspect: struktur, infrastruktur or suprastruktur."""

    __tablename__ = "readiness_entries"
    __table_args__ = _part_args(
        "readiness_entries",
        UniqueConstraint(
            "tenant_id",
            "masterplan_id",
            "dimension_id",
            "aspect",
            name="uq_readiness_entries_dimension_aspect",
        ),
    )

    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_dimensions.id"))
    aspect: Mapped[str] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(10))
    condition: Mapped[str] = mapped_column(Text)


class GapAnalysis(MasterplanPart, Timestamps, Base):
    """A gap in one sub-dimension: current condition → future condition, and what follows."""

    __tablename__ = "gap_analyses"
    __table_args__ = _part_args("gap_analyses")

    sub_dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_sub_dimensions.id"))
    current_condition: Mapped[str] = mapped_column(Text)
    future_condition: Mapped[str | None] = mapped_column(Text)
    implication: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class SwotItem(MasterplanPart, Timestamps, Base):
    """One line of a dimension's SWOT (kekuatan, kelemahan, peluang, ancaman)."""

    __tablename__ = "swot_items"
    __table_args__ = _part_args("swot_items")

    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_dimensions.id"))
    quadrant: Mapped[str] = mapped_column(String(1))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class Goal(MasterplanPart, Timestamps, Base):
    """A goal (sasaran) of a dimension or one of its sub-dimensions."""

    __tablename__ = "goals"
    __table_args__ = _part_args("goals")

    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_dimensions.id"))
    sub_dimension_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("framework_sub_dimensions.id"))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class Indicator(MasterplanPart, Timestamps, Base):
    """A success indicator of a goal, with its baseline and yearly targets (in indicator_targets)."""

    __tablename__ = "indicators"
    __table_args__ = _part_args(
        "indicators",
        tenant_fk("goal_id", "goals"),
        tenant_fk("responsible_opd_id", "opds"),
        Index("ix_indicators_goal", "tenant_id", "goal_id"),
    )

    goal_id: Mapped[uuid.UUID]
    code: Mapped[str | None] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60))
    polarity: Mapped[str] = mapped_column(String(20))
    accumulation: Mapped[str] = mapped_column(String(20))
    baseline_value: Mapped[float | None]
    baseline_year: Mapped[int | None]
    data_source: Mapped[str | None] = mapped_column(String(300))
    responsible_opd_id: Mapped[uuid.UUID | None]
    position: Mapped[int] = mapped_column(default=0)


class IndicatorTarget(MasterplanPart, Base):
    __tablename__ = "indicator_targets"
    __table_args__ = _part_args(
        "indicator_targets",
        tenant_fk("indicator_id", "indicators"),
        UniqueConstraint("tenant_id", "indicator_id", "year"),
    )

    indicator_id: Mapped[uuid.UUID]
    year: Mapped[int]
    value: Mapped[float]


class Strategy(MasterplanPart, Timestamps, Base):
    """A coded strategy: S.1 for a sub-dimension, S.1.1 beneath it. Codes are unique in a masterplan."""

    __tablename__ = "strategies"
    __table_args__ = _part_args(
        "strategies",
        tenant_fk("parent_id", "strategies"),
        UniqueConstraint("tenant_id", "masterplan_id", "code"),
    )

    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_dimensions.id"))
    sub_dimension_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("framework_sub_dimensions.id"))
    parent_id: Mapped[uuid.UUID | None]
    code: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)


class Program(MasterplanPart, Timestamps, Base):
    """A development program (program pengembangan) of a dimension."""

    __tablename__ = "programs"
    __table_args__ = _part_args(
        "programs",
        tenant_fk("lead_opd_id", "opds"),
        UniqueConstraint("tenant_id", "masterplan_id", "code"),
    )

    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_dimensions.id"))
    sub_dimension_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("framework_sub_dimensions.id"))
    program_class: Mapped[str | None] = mapped_column(String(40))
    horizon: Mapped[str | None] = mapped_column(String(40))
    quick_win: Mapped[bool] = mapped_column(default=False)
    lead_opd_id: Mapped[uuid.UUID | None]
    status: Mapped[str] = mapped_column(String(20), default="planned")
    roadmap_years: Mapped[list] = mapped_column(JSON, default=list)


class ProgramStrategy(MasterplanPart, Base):
    """A strategy a program serves."""

    __tablename__ = "program_strategies"
    __table_args__ = _part_args(
        "program_strategies",
        tenant_fk("program_id", "programs"),
        tenant_fk("strategy_id", "strategies"),
        UniqueConstraint("tenant_id", "program_id", "strategy_id"),
        Index("ix_program_strategies_strategy", "tenant_id", "strategy_id"),
    )

    program_id: Mapped[uuid.UUID]
    strategy_id: Mapped[uuid.UUID]


class ProgramOpd(MasterplanPart, Base):
    """A supporting OPD of a program (the lead OPD is on the program)."""

    __tablename__ = "program_opds"
    __table_args__ = _part_args(
        "program_opds",
        tenant_fk("program_id", "programs"),
        tenant_fk("opd_id", "opds"),
        UniqueConstraint("tenant_id", "program_id", "opd_id"),
    )

    program_id: Mapped[uuid.UUID]
    opd_id: Mapped[uuid.UUID]


class ProgramPartner(MasterplanPart, Base):
    """A partner outside the local government, with its pentahelix sector."""

    __tablename__ = "program_partners"
    __table_args__ = _part_args(
        "program_partners",
        tenant_fk("program_id", "programs"),
        Index("ix_program_partners_program", "tenant_id", "program_id"),
    )

    program_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)


class BudgetLine(MasterplanPart, Base):
    """A program's budget for one year from one funding source, in Rupiah."""

    __tablename__ = "budget_lines"
    __table_args__ = _part_args(
        "budget_lines",
        tenant_fk("program_id", "programs"),
        Index("ix_budget_lines_program", "tenant_id", "program_id"),
    )

    program_id: Mapped[uuid.UUID]
    year: Mapped[int]
    amount: Mapped[int] = mapped_column(BigInteger)
    funding_source: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="indicative")
    position: Mapped[int] = mapped_column(default=0)


class ActionItem(MasterplanPart, Timestamps, Base):
    """A line of the action plan (rencana aksi): what a program does in one year."""

    __tablename__ = "action_items"
    __table_args__ = _part_args(
        "action_items",
        tenant_fk("program_id", "programs"),
        tenant_fk("opd_id", "opds"),
        Index("ix_action_items_program", "tenant_id", "program_id"),
    )

    program_id: Mapped[uuid.UUID]
    year: Mapped[int]
    activity: Mapped[str] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(String(200))
    opd_id: Mapped[uuid.UUID | None]
    budget: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(default=0)


# Every part table, parents before children: the order in which a revision copies them.
PART_MODELS = (
    Mission,
    MissionDimension,
    ReadinessEntry,
    GapAnalysis,
    SwotItem,
    Goal,
    Indicator,
    IndicatorTarget,
    Strategy,
    Program,
    ProgramStrategy,
    ProgramOpd,
    ProgramPartner,
    BudgetLine,
    ActionItem,
)
# Columns that point at another part of the same masterplan: remapped to the copies' ids on revision.
PART_REFERENCES = {
    MissionDimension: ("mission_id",),
    Indicator: ("goal_id",),
    IndicatorTarget: ("indicator_id",),
    Strategy: ("parent_id",),
    ProgramStrategy: ("program_id", "strategy_id"),
    ProgramOpd: ("program_id",),
    ProgramPartner: ("program_id",),
    BudgetLine: ("program_id",),
    ActionItem: ("program_id",),
}

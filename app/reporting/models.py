"""Reporting periods, each program's progress report per period with its figures and evidence, and the
published snapshots a tenant releases.

A progress report states where a program stands at the end of its period, counted from the start of the
year: physical realisation in %, each indicator's actual value, the budget realised per funding source.
The year's target and planned budget are copied onto the report when it is written, so a report keeps
meaning what it meant after the masterplan is revised.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, Timestamps, tenant_fk

# How often a tenant reports; quarterly (triwulan) is what regional governments do already.
MONTHLY, QUARTERLY, SEMESTER, YEARLY = "monthly", "quarterly", "semester", "yearly"
FREQUENCIES = (MONTHLY, QUARTERLY, SEMESTER, YEARLY)
PERIODS_PER_YEAR = {MONTHLY: 12, QUARTERLY: 4, SEMESTER: 2, YEARLY: 1}

# A period is planned, then opened for reports, then closed (locked); a reopen (with a reason) opens it again.
PLANNED, OPEN, CLOSED = "planned", "open", "closed"
PERIOD_STATUSES = (PLANNED, OPEN, CLOSED)

# A report's place in the workflow: written by its OPD, checked by the secretariat.
DRAFT, SUBMITTED, VERIFIED, RETURNED = "draft", "submitted", "verified", "returned"
REPORT_STATUSES = (DRAFT, SUBMITTED, VERIFIED, RETURNED)
# Its OPD changes a report while it is a draft or returned; a submitted one waits, a verified one is locked.
EDITABLE_STATUSES = (DRAFT, RETURNED)

# How the program itself stands, as its OPD judges it.
NOT_STARTED, ON_TRACK, AT_RISK, DELAYED, DONE = "not_started", "on_track", "at_risk", "delayed", "done"
PROGRESS_STATUSES = (NOT_STARTED, ON_TRACK, AT_RISK, DELAYED, DONE)

# How verified progress rolls up to the city (chosen by the tenant; the roll-up page states it).
ROLLUP_RULES = ("budget_weighted", "equal", "own_weights")
# The levels the tenant weighs itself under "own_weights", by their framework code.
DIMENSION_LEVEL, ELEMENT_LEVEL = "dimension", "element"
WEIGHT_LEVELS = (DIMENSION_LEVEL, ELEMENT_LEVEL)
# How a program without a verified report counts in the roll-up.
MISSING_RULES = ("as_zero", "left_out")


class ReportingSettings(TenantOwned, Timestamps, Base):
    """A tenant's reporting rules: how often it reports, when reminders go out, how progress rolls up."""

    __tablename__ = "reporting_settings"
    __table_args__ = (UniqueConstraint("tenant_id", name="uq_reporting_settings_tenant_id"),)

    frequency: Mapped[str] = mapped_column(String(12), default=QUARTERLY)
    # Reminders go to OPD operators this many days before a period's due date (and again once overdue).
    reminder_days: Mapped[int] = mapped_column(default=7)
    rollup_rule: Mapped[str] = mapped_column(String(20), default="budget_weighted")
    missing_rule: Mapped[str] = mapped_column(String(20), default="as_zero")


class RollupWeight(TenantOwned, Timestamps, Base):
    """The weight the tenant gives a dimension or an element (sub-dimension) under its own weights. Keyed by
    the framework's code, so a weight holds across the masterplan's versions."""

    __tablename__ = "rollup_weights"
    __table_args__ = (UniqueConstraint("tenant_id", "level", "code"),)

    level: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(30))
    weight: Mapped[Decimal] = mapped_column(Numeric(12, 4))


class ReportingPeriod(TenantOwned, Timestamps, Base):
    """A period OPDs report on (Triwulan I 2025), with the dates it opens and is due, in the tenant's zone."""

    __tablename__ = "reporting_periods"
    __table_args__ = (
        UniqueConstraint("tenant_id", "year", "frequency", "number"),
        Index("ix_reporting_periods_tenant_starts", "tenant_id", "starts_on"),
    )

    year: Mapped[int]
    frequency: Mapped[str] = mapped_column(String(12))
    # 1..12 (monthly), 1..4 (quarterly), 1..2 (semester), 1 (yearly)
    number: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    opens_on: Mapped[date]
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=PLANNED)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    reopen_reason: Mapped[str | None] = mapped_column(String(500))


class ProgressReport(TenantOwned, Timestamps, Base):
    """One program's progress in one period, from its OPD: draft → submitted → verified, or returned."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        tenant_fk("period_id", "reporting_periods"),
        tenant_fk("masterplan_id", "masterplans"),
        tenant_fk("program_id", "programs"),
        tenant_fk("opd_id", "opds"),
        UniqueConstraint("tenant_id", "period_id", "program_id"),
        Index("ix_progress_reports_tenant_opd_period", "tenant_id", "opd_id", "period_id"),
        Index("ix_progress_reports_tenant_period_status", "tenant_id", "period_id", "status"),
    )

    period_id: Mapped[uuid.UUID]
    # The masterplan version the program belongs to (a revision copies programs under new ids).
    masterplan_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID]
    # The program's lead OPD when the report was started: whose operators write it.
    opd_id: Mapped[uuid.UUID | None]
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    progress_status: Mapped[str | None] = mapped_column(String(12))
    physical_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    narrative: Mapped[str | None] = mapped_column(Text)
    obstacles: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None]
    returned_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    return_comment: Mapped[str | None] = mapped_column(Text)


class IndicatorActual(TenantOwned, Base):
    """An indicator's actual value in a report, beside that year's target as the masterplan set it."""

    __tablename__ = "progress_indicator_actuals"
    __table_args__ = (
        tenant_fk("report_id", "progress_reports", ondelete="CASCADE"),
        tenant_fk("indicator_id", "indicators"),
        UniqueConstraint("tenant_id", "report_id", "indicator_id"),
    )

    report_id: Mapped[uuid.UUID]
    indicator_id: Mapped[uuid.UUID]
    target: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    actual: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))


class BudgetRealisation(TenantOwned, Base):
    """Rupiah realised from one funding source so far this year, beside what the plan budgeted."""

    __tablename__ = "progress_budget_realisations"
    __table_args__ = (
        tenant_fk("report_id", "progress_reports", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "report_id", "funding_source"),
    )

    report_id: Mapped[uuid.UUID]
    funding_source: Mapped[str] = mapped_column(String(40))
    planned: Mapped[int] = mapped_column(BigInteger, default=0)
    realised: Mapped[int | None] = mapped_column(BigInteger)


class Evidence(TenantOwned, Timestamps, Base):
    """Evidence (bukti dukung) of a report: an uploaded photo or document, or a link."""

    __tablename__ = "progress_evidence"
    __table_args__ = (
        tenant_fk("report_id", "progress_reports", ondelete="CASCADE"),
        tenant_fk("stored_file_id", "stored_files"),
        Index("ix_progress_evidence_report", "tenant_id", "report_id"),
    )

    report_id: Mapped[uuid.UUID]
    stored_file_id: Mapped[uuid.UUID | None]
    url: Mapped[str | None] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class PublishedSnapshot(TenantOwned, Base):
    """What a tenant released for a period, never changed: a correction publishes the next version, which
    supersedes it (the highest version is the one in force). The whole tree is one JSON document; the
    figures the ministry sorts on are columns."""

    __tablename__ = "published_snapshots"
    __audit__ = frozenset({"create"})
    __table_args__ = (
        tenant_fk("period_id", "reporting_periods"),
        tenant_fk("masterplan_id", "masterplans"),
        UniqueConstraint("tenant_id", "period_id", "version"),
        Index("ix_published_snapshots_tenant_published", "tenant_id", "published_at"),
    )

    period_id: Mapped[uuid.UUID]
    version: Mapped[int]
    masterplan_id: Mapped[uuid.UUID]
    published_at: Mapped[datetime]
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    physical_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    budget_absorption_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    document: Mapped[dict] = mapped_column(JSON, default=dict)

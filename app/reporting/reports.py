"""Progress reports: one per program per period, written by the program's OPD and checked by the
secretariat.

A report starts as a draft with the year's indicator targets and planned budget per funding source copied
from the masterplan. Its OPD fills in the figures (counted from the start of the year), the narrative,
the obstacles, the follow-up and its evidence, then submits it; the tenant administrator or a planner
verifies it (it is locked from then on) or returns it with a comment, and the OPD fixes it and submits
again. Nothing is written on a period that is not open (409). Every step is audited (the row's before and
after values, who and when) and mails the people concerned once it commits.
"""

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from threading import Lock
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import bounds
from app.core.auth import OPD_OPERATOR, Actor
from app.core.db import utcnow
from app.core.errors import Conflict, DomainError, ValidationFailed
from app.core.policy import role_here
from app.core.reach import one_or_404
from app.core.tenancy import current_tenant_id
from app.extensions import db
from app.files import services as files
from app.masterplan import services as masterplans
from app.reporting import notices, policy
from app.reporting.models import (
    DRAFT,
    EDITABLE_STATUSES,
    OPEN,
    PROGRESS_STATUSES,
    RETURNED,
    SUBMITTED,
    VERIFIED,
    BudgetRealisation,
    Evidence,
    IndicatorActual,
    ProgressReport,
    ReportingPeriod,
)
from app.reporting.periods import find_period, period_label

EVIDENCE_OWNER = "progress_report"
TEXT_FIELDS = ("narrative", "obstacles", "follow_up")
PCT_MAX = Decimal(100)
ACTUAL_LIMIT = Decimal(10) ** 14


# --- reading -------------------------------------------------------------------------------------------


def reports_query(
    period_id: uuid.UUID | None = None,
    *,
    opd_id: uuid.UUID | None = None,
    status: str | None = None,
    progress_status: str | None = None,
    program_ids: list[uuid.UUID] | None = None,
    funding_source: str | None = None,
    actor: Actor,
):
    """Reports by period, newest first, optionally of one OPD, workflow status, program status, set of
    programs (a dimension's) or funding source; an OPD operator's list holds only their own OPDs'."""
    policy.require(actor, "period.read")
    stmt = select(ProgressReport).order_by(ProgressReport.period_id.desc(), ProgressReport.program_id)
    if role_here(actor) == OPD_OPERATOR:
        stmt = stmt.where(ProgressReport.opd_id.in_(list(actor.opd_ids)))
    if period_id is not None:
        stmt = stmt.where(ProgressReport.period_id == period_id)
    if opd_id is not None:
        stmt = stmt.where(ProgressReport.opd_id == opd_id)
    if status is not None:
        stmt = stmt.where(ProgressReport.status == status)
    if progress_status is not None:
        stmt = stmt.where(ProgressReport.progress_status == progress_status)
    if program_ids is not None:
        stmt = stmt.where(ProgressReport.program_id.in_(program_ids))
    if funding_source is not None:
        stmt = stmt.where(
            ProgressReport.id.in_(
                select(BudgetRealisation.report_id).where(BudgetRealisation.funding_source == funding_source)
            )
        )
    return stmt


def get_report(report_id: uuid.UUID, *, actor: Actor) -> ProgressReport:
    """A report, for whoever may read it (another OPD's report is not found for an OPD operator)."""
    report = find_report(report_id)
    policy.require(actor, "report.read", report)
    return report


def find_report(report_id: uuid.UUID) -> ProgressReport:
    return one_or_404(select(ProgressReport).where(ProgressReport.id == report_id))


def indicator_actuals(report_ids: list[uuid.UUID], *, actor: Actor) -> dict[uuid.UUID, list[IndicatorActual]]:
    """Each report's indicator rows, in one query."""
    policy.require(actor, "period.read")
    return _rows_by_report(IndicatorActual, report_ids)


def budget_realisations(
    report_ids: list[uuid.UUID], *, actor: Actor
) -> dict[uuid.UUID, list[BudgetRealisation]]:
    """Each report's budget rows by funding source, in one query."""
    policy.require(actor, "period.read")
    return _rows_by_report(BudgetRealisation, report_ids, order=BudgetRealisation.funding_source)


def evidence_of(report_ids: list[uuid.UUID], *, actor: Actor) -> dict[uuid.UUID, list[Evidence]]:
    """Each report's evidence, oldest first, in one query."""
    policy.require(actor, "period.read")
    return _rows_by_report(Evidence, report_ids, order=Evidence.created_at)


def _rows_by_report(model, report_ids: list[uuid.UUID], order=None) -> dict:
    found: dict[uuid.UUID, list] = {rid: [] for rid in report_ids}
    if not report_ids:
        return found
    stmt = (
        select(model)
        .where(model.report_id.in_(report_ids))
        .order_by(order if order is not None else model.id)
    )
    for row in db.session.scalars(stmt):
        found[row.report_id].append(row)
    return found


# --- the programs a person reports on -----------------------------------------------------------------


@dataclass
class ProgramLine:
    """A program of the current masterplan in a period, with its report (None before one is started) and
    what is still missing from it."""

    program: masterplans.ProgramSummary
    report: ProgressReport | None
    missing: list[str] = field(default_factory=list)


def program_lines(
    period: ReportingPeriod, *, actor: Actor, opd_id: uuid.UUID | None = None
) -> list[ProgramLine]:
    """The programs the actor reports on in ``period``: an OPD operator's own OPDs' programs, everyone
    else's all of them (or one OPD's), each with its report and what it lacks. A fixed number of queries."""
    policy.require(actor, "period.read", period)
    current = masterplans.current_masterplan(actor=actor)
    if current is None:
        return []
    opd_ids = set(actor.opd_ids) if role_here(actor) == OPD_OPERATOR else None
    if opd_id is not None:
        opd_ids = {opd_id} if opd_ids is None else opd_ids & {opd_id}
    # Every program of the current masterplan reports each period (one not running yet says "not
    # started"): secretariats follow the whole plan, and a plan stays in force until the next is enacted.
    programs = [
        p
        for p in masterplans.list_programs(current.id, actor=actor, opd_ids=opd_ids)
        if opd_ids is None or p.lead_opd_id in opd_ids
    ]
    reports = {
        r.program_id: r
        for r in db.session.scalars(
            select(ProgressReport).where(
                ProgressReport.period_id == period.id,
                ProgressReport.program_id.in_([p.id for p in programs]),
            )
        )
    }
    return [ProgramLine(p, reports.get(p.id), _missing(reports.get(p.id))) for p in programs]


def _missing(report: ProgressReport | None) -> list[str]:
    """What a report still lacks before it can be submitted, in words (lazy)."""
    if report is None:
        return [_l("no report yet")]
    missing = []
    if report.progress_status is None:
        missing.append(_l("status"))
    if report.physical_pct is None:
        missing.append(_l("physical progress"))
    if not report.narrative:
        missing.append(_l("narrative"))
    return missing


# --- writing -------------------------------------------------------------------------------------------


def start_report(period_id: uuid.UUID, program_id: uuid.UUID, *, actor: Actor) -> ProgressReport:
    """The program's report for the period, started as a draft when it has none: the year's indicator
    targets and planned budget per funding source are copied from the masterplan."""
    period = find_period(period_id)
    policy.require(actor, "period.read", period)
    existing = db.session.scalar(
        select(ProgressReport).where(
            ProgressReport.period_id == period.id, ProgressReport.program_id == program_id
        )
    )
    if existing is not None:
        policy.require(actor, "report.read", existing)
        policy.require(actor, "report.write", existing)
        return existing
    detail = _program(program_id, actor)
    policy.require(actor, "report.read", detail.program)
    policy.require(actor, "report.write", detail.program)
    _ensure_open(period)
    report = ProgressReport(
        period_id=period.id,
        masterplan_id=detail.program.masterplan_id,
        program_id=detail.program.id,
        opd_id=detail.program.lead_opd_id,
        status=DRAFT,
    )
    db.session.add(report)
    db.session.flush()
    for indicator in detail.indicators:
        target = indicator.target(period.year)
        db.session.add(
            IndicatorActual(
                report_id=report.id,
                indicator_id=indicator.id,
                target=None if target is None else Decimal(str(target)),
            )
        )
    planned: dict[str, int] = {}
    for line in detail.budget:
        if line.year == period.year:
            planned[line.funding_source] = planned.get(line.funding_source, 0) + line.amount
    for source, amount in sorted(planned.items()):
        db.session.add(BudgetRealisation(report_id=report.id, funding_source=source, planned=amount))
    db.session.flush()
    return report


def _program(program_id: uuid.UUID, actor: Actor) -> masterplans.ProgramDetail:
    current = masterplans.current_masterplan(actor=actor)
    try:
        detail = masterplans.get_program(program_id, actor=actor)
    except DomainError:
        detail = None
    if detail is None or current is None or detail.program.masterplan_id != current.id:
        raise ValidationFailed.field("program_id", _l("not a program of the tenant's current masterplan"))
    return detail


def update_report(report_id: uuid.UUID, data: dict, *, actor: Actor) -> ProgressReport:
    """Change a draft or returned report: status, physical progress, narrative, obstacles, follow-up,
    indicator actuals (``indicator_actuals``: indicator_id and actual) and budget realised per funding
    source (``budget_realisations``: funding_source and realised). 422 naming the field for a bad value;
    409 when the period is not open or the report is with the secretariat or verified."""
    report = _editable(report_id, actor)
    values = clean_report(data)
    for name in ("progress_status", "physical_pct", *TEXT_FIELDS):
        if name in values:
            setattr(report, name, values[name])
    if "indicator_actuals" in data:
        rows = {row.indicator_id: row for row in _rows_by_report(IndicatorActual, [report.id])[report.id]}
        for index, item in enumerate(data["indicator_actuals"] or []):
            row = rows.get(_uuid(item.get("indicator_id")))
            if row is None:
                raise ValidationFailed.field(
                    f"indicator_actuals.{index}.indicator_id", _l("not an indicator of this report")
                )
            row.actual = clean_decimal(item.get("actual"), f"indicator_actuals.{index}.actual")
    if "budget_realisations" in data:
        rows = {row.funding_source: row for row in _rows_by_report(BudgetRealisation, [report.id])[report.id]}
        for index, item in enumerate(data["budget_realisations"] or []):
            row = rows.get(item.get("funding_source"))
            if row is None:
                raise ValidationFailed.field(
                    f"budget_realisations.{index}.funding_source",
                    _l("not a funding source this program plans for this year"),
                )
            row.realised = clean_rupiah(item.get("realised"), f"budget_realisations.{index}.realised")
    db.session.flush()
    return report


def clean_report(data: dict) -> dict:
    """A report's own fields, checked: the status from the list, physical progress from 0 to 100 with at
    most two decimals, the texts without control characters."""
    values: dict = {}
    if "progress_status" in data:
        status = data["progress_status"] or None
        if status is not None and status not in PROGRESS_STATUSES:
            raise ValidationFailed.field(
                "progress_status", _l("one of %(choices)s", choices=", ".join(PROGRESS_STATUSES))
            )
        values["progress_status"] = status
    if "physical_pct" in data:
        pct = clean_decimal(data["physical_pct"], "physical_pct", places=2)
        if pct is not None and not Decimal(0) <= pct <= PCT_MAX:
            raise ValidationFailed.field("physical_pct", _l("a percentage from 0 to 100"))
        values["physical_pct"] = pct
    for name in TEXT_FIELDS:
        if name in data:
            text = (data[name] or "").strip() or None
            if text is not None:
                if len(text) > bounds.NARRATIVE_MAX:
                    raise ValidationFailed.field(
                        name, _l("at most %(count)d characters", count=bounds.NARRATIVE_MAX)
                    )
                problem = bounds.text_problem(text, multiline=True)
                if problem is not None:
                    raise ValidationFailed.field(name, problem)
            values[name] = text
    return values


def clean_decimal(value, name: str, *, places: int = 4) -> Decimal | None:
    """A number as typed in either language (12,5 or 12.5), at most ``places`` decimals; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(" ", "")
    if isinstance(value, str) and "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed.field(name, _l("not a number")) from None
    if not number.is_finite() or abs(number) >= ACTUAL_LIMIT:
        raise ValidationFailed.field(name, _l("not a number"))
    if number.normalize().as_tuple().exponent < -places:
        raise ValidationFailed.field(name, _l("at most %(places)d decimals", places=places))
    return number


def clean_rupiah(value, name: str) -> int | None:
    """Whole Rupiah as typed (1.250.000, Rp 1.250.000,00 or 1250000); negative amounts are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationFailed.field(name, _l("a whole amount in Rupiah"))
    if isinstance(value, int):
        amount = value
    else:
        text = str(value).strip().removeprefix("Rp").strip().replace(" ", "")
        text = text.removesuffix(",00")
        negative = text.startswith("-")
        digits = text.lstrip("-").replace(".", "")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 16:
            raise ValidationFailed.field(name, _l("a whole amount in Rupiah"))
        amount = -int(digits) if negative else int(digits)
    if amount < 0:
        raise ValidationFailed.field(name, _l("not a negative amount"))
    if amount > bounds.RUPIAH_MAX:
        raise ValidationFailed.field(name, _l("at most Rp 1,000 trillion"))
    return amount


def _uuid(value) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def _editable(report_id: uuid.UUID, actor: Actor) -> ProgressReport:
    report = find_report(report_id)
    policy.require(actor, "report.read", report)
    policy.require(actor, "report.write", report)
    _ensure_open(find_period(report.period_id))
    if report.status not in EDITABLE_STATUSES:
        raise Conflict(
            _l("this report is verified and locked")
            if report.status == VERIFIED
            else _l("this report is with the secretariat; it can be changed once it is returned")
        )
    return report


def _ensure_open(period: ReportingPeriod) -> None:
    if period.status != OPEN:
        raise Conflict(
            _l("%(period)s is not open for reports", period=period_label(period)),
        )


# --- the workflow --------------------------------------------------------------------------------------


def submit_report(report_id: uuid.UUID, *, actor: Actor) -> ProgressReport:
    """Hand a draft or returned report to the secretariat: it needs a status and the physical progress.
    The verifiers (tenant administrators and planners) are mailed."""
    report = _editable(report_id, actor)
    lacking = {
        name: [_l("required before the report is submitted")]
        for name in ("progress_status", "physical_pct")
        if getattr(report, name) is None
    }
    if lacking:
        raise ValidationFailed(_l("the report is not complete"), lacking)
    report.status, report.submitted_at, report.submitted_by = SUBMITTED, utcnow(), actor.user_id
    db.session.flush()
    notices.report_submitted(report, actor=actor)
    return report


def verify_report(report_id: uuid.UUID, *, actor: Actor) -> ProgressReport:
    """Verify a submitted report: it counts from now on and is locked. Its OPD's operators are mailed."""
    report = _submitted(report_id, actor)
    report.status, report.verified_at, report.verified_by = VERIFIED, utcnow(), actor.user_id
    db.session.flush()
    notices.report_decided(report, actor=actor)
    return report


def return_report(report_id: uuid.UUID, comment: str | None, *, actor: Actor) -> ProgressReport:
    """Return a submitted report to its OPD with a comment saying what to fix; its operators are mailed."""
    report = _submitted(report_id, actor)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed.field("comment", _l("say what the OPD should fix"))
    if len(comment) > bounds.NARRATIVE_MAX or bounds.text_problem(comment, multiline=True):
        raise ValidationFailed.field(
            "comment", bounds.text_problem(comment, multiline=True) or _l("too long")
        )
    report.status, report.returned_at, report.returned_by = RETURNED, utcnow(), actor.user_id
    report.return_comment = comment
    db.session.flush()
    notices.report_decided(report, actor=actor)
    return report


def _submitted(report_id: uuid.UUID, actor: Actor) -> ProgressReport:
    report = find_report(report_id)
    policy.require(actor, "report.read", report)
    policy.require(actor, "report.verify", report)
    _ensure_open(find_period(report.period_id))
    if report.status != SUBMITTED:
        raise Conflict(_l("only a submitted report can be verified or returned"))
    return report


# --- evidence ------------------------------------------------------------------------------------------


def add_evidence_file(
    report_id: uuid.UUID, stream: BinaryIO, filename: str | None, title: str | None, *, actor: Actor
) -> Evidence:
    """Attach a photo or a document (PDF, image, Office file) as evidence; 413 past the size limit."""
    report = _editable(report_id, actor)
    stored = files.store_upload(stream, filename, purpose="evidence", actor=actor)
    files.attach(stored.id, EVIDENCE_OWNER, report.id, actor=actor)
    evidence = Evidence(
        report_id=report.id,
        stored_file_id=stored.id,
        title=_title(title, stored.filename),
        added_by=actor.user_id,
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence


def add_evidence_link(report_id: uuid.UUID, url: str | None, title: str | None, *, actor: Actor) -> Evidence:
    """Add a link as evidence (a news item, a dashboard, a shared folder): http or https only."""
    report = _editable(report_id, actor)
    url = (url or "").strip()
    if not url.lower().startswith(("https://", "http://")) or len(url) > 500 or bounds.text_problem(url):
        raise ValidationFailed.field(
            "url", _l("a web address starting with https:// (at most 500 characters)")
        )
    evidence = Evidence(report_id=report.id, url=url, title=_title(title, url), added_by=actor.user_id)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def _title(title: str | None, fallback: str) -> str:
    text = (title or "").strip() or fallback
    problem = bounds.text_problem(text)
    if problem is not None:
        raise ValidationFailed.field("title", problem)
    return text[:200]


def get_evidence(report_id: uuid.UUID, evidence_id: uuid.UUID, *, actor: Actor) -> Evidence:
    get_report(report_id, actor=actor)
    return one_or_404(select(Evidence).where(Evidence.id == evidence_id, Evidence.report_id == report_id))


def remove_evidence(report_id: uuid.UUID, evidence_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a piece of evidence from a report that can still change; its file goes with it."""
    report = _editable(report_id, actor)
    evidence = one_or_404(select(Evidence).where(Evidence.id == evidence_id, Evidence.report_id == report.id))
    stored_file_id = evidence.stored_file_id
    db.session.delete(evidence)
    db.session.flush()
    if stored_file_id is not None:
        files.release(stored_file_id, EVIDENCE_OWNER, report.id, actor=actor)


def evidence_readable(report_id: uuid.UUID, actor: Actor) -> bool:
    """Whether ``actor`` may read the files attached to a report: whoever may read the report."""
    report = db.session.scalar(select(ProgressReport).where(ProgressReport.id == report_id))
    return report is not None and policy.can(actor, "report.read", report)


# --- the secretariat's queue ---------------------------------------------------------------------------


@dataclass
class QueueLine:
    """A report in the verification queue, with its program and how it stood the period before."""

    report: ProgressReport
    program: masterplans.ProgramSummary | None
    previous_pct: Decimal | None
    previous_status: str | None

    @property
    def change(self) -> Decimal | None:
        """Physical progress gained since the previous period's verified report (None without one)."""
        if self.report.physical_pct is None or self.previous_pct is None:
            return None
        return self.report.physical_pct - self.previous_pct


def verification_queue(
    period: ReportingPeriod,
    *,
    actor: Actor,
    opd_id: uuid.UUID | None = None,
    dimension_code: str | None = None,
    status: str | None = SUBMITTED,
) -> list[QueueLine]:
    """The period's reports for the secretariat, by OPD, dimension and status (submitted by default),
    each beside the same program's verified report of the period before. A fixed number of queries."""
    policy.require(actor, "report.verify")
    found = list(db.session.scalars(reports_query(period.id, opd_id=opd_id, status=status, actor=actor)))
    programs: dict[uuid.UUID, masterplans.ProgramSummary] = {}
    for masterplan_id in {r.masterplan_id for r in found}:
        programs.update({p.id: p for p in masterplans.list_programs(masterplan_id, actor=actor)})
    if dimension_code:
        found = [r for r in found if (p := programs.get(r.program_id)) and p.dimension_code == dimension_code]
    previous = db.session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.starts_on < period.starts_on)
        .order_by(ReportingPeriod.starts_on.desc())
        .limit(1)
    )
    before: dict[uuid.UUID, ProgressReport] = {}
    if previous is not None and found:
        before = {
            r.program_id: r
            for r in db.session.scalars(
                select(ProgressReport).where(
                    ProgressReport.period_id == previous.id,
                    ProgressReport.status == VERIFIED,
                    ProgressReport.program_id.in_([r.program_id for r in found]),
                )
            )
        }
    lines = []
    for report in found:
        earlier = before.get(report.program_id)
        lines.append(
            QueueLine(
                report,
                programs.get(report.program_id),
                earlier.physical_pct if earlier else None,
                earlier.progress_status if earlier else None,
            )
        )
    return sorted(lines, key=lambda line: line.program.code if line.program else "")


def decide_reports(
    report_ids: list[uuid.UUID], action: str, comment: str | None, *, actor: Actor
) -> list[ProgressReport]:
    """Verify, or return with one comment, several submitted reports at once: all of them or none (a
    report that is not submitted, or out of reach, refuses the whole batch)."""
    if action not in ("verify", "return"):
        raise ValidationFailed.field("action", _l("one of %(choices)s", choices="verify, return"))
    if not report_ids:
        raise ValidationFailed.field("report_ids", _l("choose at least one report"))
    decided = []
    for report_id in dict.fromkeys(report_ids):
        if action == "verify":
            decided.append(verify_report(report_id, actor=actor))
        else:
            decided.append(return_report(report_id, comment, actor=actor))
    return decided


# --- the roll-up ---------------------------------------------------------------------------------------


def period_rollup(period: ReportingPeriod, *, actor: Actor):
    """The period's roll-up by the tenant's rule, from verified reports only: the tree of
    ``rollup.Node`` with the rule and the names of the levels. Budgets are the year's plan as copied
    into each report; a program without a report reads it from the masterplan."""
    return period_rollups([period], actor=actor).get(period.id)


@dataclass
class RollupInputs:
    """What the roll-ups of some periods are computed from, read once: the current masterplan with its
    programs, the tenant's rule, and the reports of the periods loaded (as plain rows)."""

    masterplan: masterplans.MasterplanSummary
    programs: list[masterplans.ProgramSummary]
    rule: str
    missing_rule: str
    # The strategies each program serves, as (code, text), and the tenant's own weights (own_weights rule).
    strategies: dict[uuid.UUID, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    weights: object = None
    # Each loaded period's reports by program, as rows: id, period_id, program_id, opd_id, status,
    # progress_status, physical_pct.
    reports: dict[uuid.UUID, dict[uuid.UUID, object]] = field(default_factory=dict)
    # A report's planned budget (all funding sources), and the masterplan's per (program, year).
    planned: dict[uuid.UUID, int] = field(default_factory=dict)
    plan: dict[tuple[uuid.UUID, int], int] = field(default_factory=dict)
    # A report's budget rows: (funding source, planned, realised so far).
    budget: dict[uuid.UUID, list[tuple[str, int, int]]] = field(default_factory=dict)


def rollup_inputs(periods: list[ReportingPeriod], *, actor: Actor) -> RollupInputs | None:
    """Read what the roll-ups of ``periods`` need in a fixed number of queries, whatever the number of
    periods, programs and reports (None while the tenant has no masterplan)."""
    inputs = rollup_basis(actor=actor)
    if inputs is not None:
        load_period_reports(inputs, periods, actor=actor)
    return inputs


def rollup_basis(*, actor: Actor) -> RollupInputs | None:
    """The current masterplan, its programs and the tenant's rule, without any period's reports yet."""
    from app.reporting.periods import get_settings

    policy.require(actor, "period.read")
    current = masterplans.current_masterplan(actor=actor)
    if current is None:
        return None
    settings = get_settings(actor=actor)
    return RollupInputs(
        masterplan=current,
        programs=_programs_of(current, actor),
        rule=settings.rollup_rule,
        missing_rule=settings.missing_rule,
        strategies=_strategies_of(current, actor),
        weights=_weights_for(settings.rollup_rule, actor),
    )


def _weights_for(rule: str, actor: Actor):
    """The tenant's own weights when its rule uses them (no query otherwise)."""
    from app.reporting import rollup
    from app.reporting.periods import get_rollup_weights

    if rule != rollup.OWN_WEIGHTS:
        return rollup.Weights()
    found = get_rollup_weights(actor=actor)
    return rollup.Weights(dimensions=found.dimensions, elements=found.elements)


# The programs of enacted versions, by (tenant, version): an enacted version is read-only, so its list
# never changes but for the OPDs' names, which are read again each time. The least recently used go first.
_ENACTED_PROGRAMS: OrderedDict[tuple, list[masterplans.ProgramSummary]] = OrderedDict()
_ENACTED_PROGRAMS_MAX = 64
_enacted_lock = Lock()


def _programs_of(current: masterplans.MasterplanSummary, actor: Actor) -> list[masterplans.ProgramSummary]:
    """The programs of the current version: read once for an enacted version (then its OPDs' names only)."""
    if current.status != "enacted":
        return masterplans.list_programs(current.id, actor=actor)
    key = (current_tenant_id(), current.id)
    with _enacted_lock:
        kept = _ENACTED_PROGRAMS.get(key)
        if kept is not None:
            _ENACTED_PROGRAMS.move_to_end(key)
    if kept is None:
        programs = masterplans.list_programs(current.id, actor=actor)
        with _enacted_lock:
            _ENACTED_PROGRAMS[key] = programs
            while len(_ENACTED_PROGRAMS) > _ENACTED_PROGRAMS_MAX:
                _ENACTED_PROGRAMS.popitem(last=False)
        return programs
    names = {opd.id: opd.name for opd in masterplans.list_opds(actor=actor)}
    fresh = []
    for program in kept:
        name = names.get(program.lead_opd_id)
        fresh.append(program if program.lead_opd_name == name else replace(program, lead_opd_name=name))
    return fresh


# The strategies each program of an enacted version serves, by (tenant, version): read-only like its programs.
_ENACTED_STRATEGIES: OrderedDict[tuple, dict] = OrderedDict()


def _strategies_of(current: masterplans.MasterplanSummary, actor: Actor) -> dict:
    """Each program's strategies as (code, text), in code order: read once for an enacted version."""
    key = (current_tenant_id(), current.id)
    if current.status == "enacted":
        with _enacted_lock:
            kept = _ENACTED_STRATEGIES.get(key)
            if kept is not None:
                _ENACTED_STRATEGIES.move_to_end(key)
                return kept
    strategies: dict[uuid.UUID, tuple[tuple[str, str], ...]] = {}
    for link in masterplans.program_strategy_links(current.id, actor=actor):
        strategies[link.program_id] = (*strategies.get(link.program_id, ()), (link.code, link.text))
    if current.status == "enacted":
        with _enacted_lock:
            _ENACTED_STRATEGIES[key] = strategies
            while len(_ENACTED_STRATEGIES) > _ENACTED_PROGRAMS_MAX:
                _ENACTED_STRATEGIES.popitem(last=False)
    return strategies


def load_period_reports(inputs: RollupInputs, periods: list[ReportingPeriod], *, actor: Actor) -> None:
    """Add the reports of ``periods`` to ``inputs``, with their budget rows and the masterplan's budget for
    those years: three queries, whatever the number of periods and reports."""
    for period in periods:
        policy.require(actor, "period.read", period)
    period_ids = [p.id for p in periods]
    for period_id in period_ids:
        inputs.reports.setdefault(period_id, {})
    rows = db.session.execute(
        select(
            ProgressReport.id,
            ProgressReport.period_id,
            ProgressReport.program_id,
            ProgressReport.opd_id,
            ProgressReport.status,
            ProgressReport.progress_status,
            ProgressReport.physical_pct,
        ).where(ProgressReport.period_id.in_(period_ids))
    ).all()
    for row in rows:
        inputs.reports[row.period_id][row.program_id] = row
    for report_id, source, planned, realised in db.session.execute(
        select(
            BudgetRealisation.report_id,
            BudgetRealisation.funding_source,
            BudgetRealisation.planned,
            BudgetRealisation.realised,
        )
        # A subquery, not a join: the database reads the periods' reports first, then their budget rows.
        .where(
            BudgetRealisation.report_id.in_(
                select(ProgressReport.id).where(ProgressReport.period_id.in_(period_ids))
            )
        )
    ):
        inputs.planned[report_id] = inputs.planned.get(report_id, 0) + (planned or 0)
        inputs.budget.setdefault(report_id, []).append((source, planned or 0, realised or 0))
    # The masterplan's budget counts only for the programs without a report in one of these periods.
    unreported = {
        program.id
        for period_id in period_ids
        for program in inputs.programs
        if program.id not in inputs.reports[period_id]
    }
    inputs.plan.update(
        masterplans.program_budgets(
            inputs.masterplan.id, {p.year for p in periods}, program_ids=unreported, actor=actor
        )
    )


def period_rollups(periods: list[ReportingPeriod], *, actor: Actor) -> dict:
    """Each period's roll-up (``rollup.Node`` by period id), read in a fixed number of queries."""
    inputs = rollup_inputs(periods, actor=actor)
    if inputs is None:
        return {}
    return {period.id: rollup_of(period, inputs) for period in periods}


def rollup_of(period: ReportingPeriod, inputs: RollupInputs):
    """One period's roll-up from inputs read already: only verified reports count; a program's weight
    is its report's planned budget, or the masterplan's for the year when it has no report."""
    from app.reporting import rollup

    found = inputs.reports.get(period.id, {})
    subs = {s.id: s.code for d in inputs.masterplan.dimensions for s in d.sub_dimensions}
    figures = []
    for program in inputs.programs:
        report = found.get(program.id)
        if report is not None:
            budget = inputs.planned.get(report.id, 0)
        else:
            budget = inputs.plan.get((program.id, period.year), 0)
        verified = report is not None and report.status == VERIFIED
        figures.append(
            rollup.ProgramFigure(
                code=program.code,
                name=program.name,
                dimension=program.dimension_code,
                sub_dimension=subs.get(program.sub_dimension_id),
                physical_pct=report.physical_pct if verified else None,
                budget=budget,
                strategies=inputs.strategies.get(program.id, ()),
            )
        )
    return rollup.roll_up(
        figures, inputs.rule, inputs.missing_rule, label=inputs.masterplan.title, weights=inputs.weights
    )

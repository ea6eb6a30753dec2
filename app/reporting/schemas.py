"""API shapes for reporting settings, periods, progress reports and their evidence.

Load schemas never take tenant_id and reject unknown fields. Percentages and figures are decimals,
Rupiah whole integers; dates are calendar dates in the tenant's zone, instants RFC 3339 in UTC.
"""

from marshmallow import Schema, fields, validate

from app.core.bounds import Date, Integer, Line, Narrative, Number, Rupiah
from app.reporting.models import (
    FREQUENCIES,
    MISSING_RULES,
    PERIOD_STATUSES,
    PROGRESS_STATUSES,
    REPORT_STATUSES,
    ROLLUP_RULES,
    BudgetRealisation,
    Evidence,
)
from app.reporting.periods import MAX_YEAR, MIN_YEAR, REMINDER_DAYS_MAX, WEIGHT_MAX

# Figures go out as JSON numbers (a Decimal would be written as text).
_figure = {"dump_only": True, "allow_none": True}


class ReportingSettingsSchema(Schema):
    frequency = Line(40, validate=validate.OneOf(FREQUENCIES))
    reminder_days = Integer(minimum=0, maximum=REMINDER_DAYS_MAX)
    rollup_rule = Line(40, validate=validate.OneOf(ROLLUP_RULES))
    missing_rule = Line(40, validate=validate.OneOf(MISSING_RULES))


def _weight() -> Number:
    """A weight: a number from 0 up (text as the request's language writes it), or null for none."""
    return Number(allow_none=True, validate=validate.Range(min=0, max=float(WEIGHT_MAX)))


class RollupWeightsSchema(Schema):
    """The tenant's own roll-up weights (rule "own_weights"), by framework code: a dimension's weight among
    the dimensions, an element's (sub-dimension's) among its dimension's elements. Weights are relative,
    non-negative numbers; a code left out has no weight, and a level without any falls back to equal
    weights."""

    dimensions = fields.Dict(keys=Line(30), values=_weight(), metadata={"example": {"SOC": 2, "ENV": 1}})
    elements = fields.Dict(keys=Line(30), values=_weight(), metadata={"example": {"SOC.1": 1, "SOC.2": 3}})


class ReportingPeriodSchema(Schema):
    id = fields.UUID(dump_only=True)
    label = fields.String(dump_only=True)
    year = fields.Integer(dump_only=True)
    frequency = fields.String(dump_only=True)
    number = fields.Integer(dump_only=True)
    starts_on = fields.Date(dump_only=True)
    ends_on = fields.Date(dump_only=True)
    opens_on = fields.Date(dump_only=True)
    due_on = fields.Date(dump_only=True)
    status = fields.String(dump_only=True)
    opened_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    reopened_at = fields.DateTime(dump_only=True, allow_none=True)
    reopen_reason = fields.String(dump_only=True, allow_none=True)


class ReportingPeriodsCreateSchema(Schema):
    year = Integer(minimum=MIN_YEAR, maximum=MAX_YEAR, required=True)


class ReportingPeriodUpdateSchema(Schema):
    opens_on = Date()
    due_on = Date()


class ReportingPeriodQueryArgsSchema(Schema):
    year = Integer(minimum=MIN_YEAR, maximum=MAX_YEAR)
    status = Line(40, validate=validate.OneOf(PERIOD_STATUSES))


class ReportingPeriodTransitionSchema(Schema):
    """open, close, or reopen (with a reason)."""

    action = Line(40, required=True, validate=validate.OneOf(("open", "close", "reopen")))
    reason = Line(500)


class IndicatorActualSchema(Schema):
    indicator_id = fields.UUID(dump_only=True)
    indicator_code = fields.String(dump_only=True, allow_none=True)
    indicator_name = fields.String(dump_only=True)
    unit = fields.String(dump_only=True)
    polarity = fields.String(dump_only=True)
    target = fields.Float(**_figure)
    actual = fields.Float(**_figure)


class IndicatorActualInputSchema(Schema):
    """An indicator's actual value, by the indicator's id (one of the report's indicators)."""

    indicator_id = fields.UUID(required=True)
    # At most four decimals (checked by the service, which names the field); a JSON number, never text.
    actual = fields.Float(allow_none=True, validate=validate.Range(min=-1e14, max=1e14))


class BudgetRealisationSchema(Schema):
    funding_source = Line(BudgetRealisation.funding_source, required=True)
    planned = fields.Integer(dump_only=True)
    realised = Rupiah(allow_none=True)


class ReportEvidenceSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(dump_only=True)
    url = fields.String(dump_only=True, allow_none=True)
    stored_file_id = fields.UUID(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class ReportEvidenceLinkSchema(Schema):
    url = Line(Evidence.url, required=True)
    title = Line(Evidence.title)


class ProgressReportSchema(Schema):
    id = fields.UUID(dump_only=True)
    period_id = fields.UUID(dump_only=True)
    program_id = fields.UUID(dump_only=True)
    program_code = fields.String(dump_only=True)
    program_name = fields.String(dump_only=True)
    opd_id = fields.UUID(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    progress_status = fields.String(dump_only=True, allow_none=True)
    physical_pct = fields.Float(**_figure)
    narrative = fields.String(dump_only=True, allow_none=True)
    obstacles = fields.String(dump_only=True, allow_none=True)
    follow_up = fields.String(dump_only=True, allow_none=True)
    indicator_actuals = fields.List(fields.Nested(IndicatorActualSchema), dump_only=True)
    budget_realisations = fields.List(fields.Nested(BudgetRealisationSchema), dump_only=True)
    evidence = fields.List(fields.Nested(ReportEvidenceSchema), dump_only=True)
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    verified_at = fields.DateTime(dump_only=True, allow_none=True)
    returned_at = fields.DateTime(dump_only=True, allow_none=True)
    return_comment = fields.String(dump_only=True, allow_none=True)
    updated_at = fields.DateTime(dump_only=True)


class ProgressReportCreateSchema(Schema):
    period_id = fields.UUID(required=True)
    program_id = fields.UUID(required=True)


class ProgressReportUpdateSchema(Schema):
    progress_status = Line(40, allow_none=True, validate=validate.OneOf(PROGRESS_STATUSES))
    physical_pct = fields.Float(allow_none=True, validate=validate.Range(min=0, max=100))
    narrative = Narrative(allow_none=True)
    obstacles = Narrative(allow_none=True)
    follow_up = Narrative(allow_none=True)
    indicator_actuals = fields.List(fields.Nested(IndicatorActualInputSchema))
    budget_realisations = fields.List(fields.Nested(BudgetRealisationSchema))


class ProgressReportQueryArgsSchema(Schema):
    period_id = fields.UUID()
    opd_id = fields.UUID()
    status = Line(40, validate=validate.OneOf(REPORT_STATUSES))


class ProgressReportTransitionSchema(Schema):
    """submit (the OPD), verify or return with a comment (the secretariat)."""

    action = Line(40, required=True, validate=validate.OneOf(("submit", "verify", "return")))
    comment = Narrative()


class ProgressReportDecisionSchema(Schema):
    """Several submitted reports verified, or returned with one comment, together (all or none)."""

    report_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=500))
    action = Line(40, required=True, validate=validate.OneOf(("verify", "return")))
    comment = Narrative()


class RollupNodeSchema(Schema):
    """A level of the roll-up: the masterplan, a dimension, a sub-dimension or a program (by code)."""

    key = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    physical_pct = fields.Float(dump_only=True, allow_none=True)
    weight = fields.Float(dump_only=True)
    budget = fields.Integer(dump_only=True, metadata={"format": "int64", "description": "Whole Rupiah"})
    share_pct = fields.Float(dump_only=True, allow_none=True)
    contribution_pct = fields.Float(dump_only=True, allow_none=True)
    rule_used = fields.String(dump_only=True)
    counted = fields.Integer(dump_only=True)
    missing = fields.Integer(dump_only=True)
    children = fields.List(fields.Nested(lambda: RollupNodeSchema()), dump_only=True)
    # An element's strategies, each with its programs (a program serving two shows under both).
    strategies = fields.List(fields.Nested(lambda: RollupNodeSchema()), dump_only=True)


class PublishedSnapshotSchema(Schema):
    """What the tenant released for a period; ``superseded`` once a later version was published."""

    id = fields.UUID(dump_only=True)
    period_id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    masterplan_id = fields.UUID(dump_only=True)
    published_at = fields.DateTime(dump_only=True)
    published_by = fields.UUID(dump_only=True, allow_none=True)
    physical_pct = fields.Float(dump_only=True, allow_none=True)
    budget_absorption_pct = fields.Float(dump_only=True, allow_none=True)
    superseded = fields.Boolean(dump_only=True)
    document = fields.Dict(dump_only=True)


class SnapshotQueryArgsSchema(Schema):
    period_id = fields.UUID()


class PeriodWorkbookQueryArgsSchema(Schema):
    opd_id = fields.UUID(
        metadata={"description": "Only this OPD's programs (an OPD operator gets their own)"}
    )
    lang = Line(2, validate=validate.OneOf(("id", "en")), metadata={"description": "Headers' language"})


class RollupWorkbookQueryArgsSchema(Schema):
    lang = Line(2, validate=validate.OneOf(("id", "en")), metadata={"description": "Headers' language"})


class PeriodWorkbookImportSchema(Schema):
    file_id = fields.UUID(
        required=True,
        metadata={"description": "A filled-in period workbook (.xlsx) uploaded to POST /files"},
    )


class PeriodWorkbookOutcomeSchema(Schema):
    """What an upload did: reports started, reports changed, programs whose rows were already so."""

    started = fields.Integer(dump_only=True)
    updated = fields.Integer(dump_only=True)
    unchanged = fields.Integer(dump_only=True)

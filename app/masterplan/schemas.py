"""API shapes for masterplan versions and their parts.

Load schemas never take tenant_id and reject unknown fields. Dimensions and sub-dimensions are named by
their framework codes (SOC, SOC.1), code list entries by their codes (APBD, INFRASTRUKTUR); objects of the
tenant (OPDs, goals, strategies, programs) by their ids.
"""

from marshmallow import Schema, fields, validate

from app.core.bounds import SEARCH_MAX, Date, Integer, Line, Narrative, Number, Rupiah
from app.masterplan.common import MAX_YEAR, MIN_YEAR
from app.masterplan.models import (
    ACCUMULATIONS,
    BUDGET_STATUSES,
    DRAFT,
    ENACTED,
    ENDORSED,
    IN_REVIEW,
    LEGAL_TYPES,
    MASTERPLAN_STATUSES,
    POLARITIES,
    PROGRAM_STATUSES,
    READINESS_ASPECTS,
    READINESS_LEVELS,
    SWOT_QUADRANTS,
    ActionItem,
    BudgetLine,
    Indicator,
    Masterplan,
    Program,
    ProgramPartner,
    ReadinessEntry,
    Strategy,
    SwotItem,
)
from app.reference import services as reference

# Parts name a dimension, a sub-dimension or a code list entry of the reference data by its code.
DIMENSION_CODE = SUB_DIMENSION_CODE = reference.DIMENSION_CODE_LENGTH
ENTRY_CODE = reference.ENTRY_CODE_LENGTH


def _year(**kwargs):
    return Integer(minimum=MIN_YEAR, maximum=MAX_YEAR, **kwargs)


def _choice(column, choices, **kwargs):
    return Line(column, validate=validate.OneOf(choices), **kwargs)


def _required_line(column):
    return Line(column, required=True, min_length=1)


def _required_narrative():
    return Narrative(required=True, min_length=1)


# --- masterplan versions ---------------------------------------------------------------------------


class MasterplanSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(dump_only=True)
    version_label = fields.String(dump_only=True)
    period_start = fields.Integer(dump_only=True)
    period_end = fields.Integer(dump_only=True)
    rpjmd_start = fields.Integer(dump_only=True, allow_none=True)
    rpjmd_end = fields.Integer(dump_only=True, allow_none=True)
    framework_id = fields.UUID(dump_only=True)
    status = fields.String(dump_only=True)
    legal_type = fields.String(dump_only=True, allow_none=True)
    legal_number = fields.String(dump_only=True, allow_none=True)
    legal_date = fields.Date(dump_only=True, allow_none=True)
    signed_document_id = fields.UUID(dump_only=True, allow_none=True)
    vision = fields.String(dump_only=True, allow_none=True)
    strategy_prefixes = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    revised_from_id = fields.UUID(dump_only=True, allow_none=True)
    enacted_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class MasterplanUpdateSchema(Schema):
    title = Line(Masterplan.title, min_length=1)
    version_label = Line(Masterplan.version_label, min_length=1)
    period_start = _year()
    period_end = _year()
    rpjmd_start = _year(allow_none=True)
    rpjmd_end = _year(allow_none=True)
    framework_id = fields.UUID()
    legal_type = _choice(Masterplan.legal_type, LEGAL_TYPES, allow_none=True)
    legal_number = Line(Masterplan.legal_number, allow_none=True)
    legal_date = Date(allow_none=True)
    vision = Narrative(allow_none=True)
    strategy_prefixes = fields.Dict(keys=Line(DIMENSION_CODE), values=Line(reference.STRATEGY_PREFIX_LENGTH))


class MasterplanCreateSchema(MasterplanUpdateSchema):
    title = _required_line(Masterplan.title)
    version_label = _required_line(Masterplan.version_label)
    period_start = _year(required=True)
    period_end = _year(required=True)
    framework_id = fields.UUID(required=True)


class MasterplanQueryArgsSchema(Schema):
    status = _choice(Masterplan.status, MASTERPLAN_STATUSES)


class TransitionSchema(Schema):
    status = _choice(Masterplan.status, (DRAFT, IN_REVIEW, ENDORSED, ENACTED), required=True)
    legal_type = _choice(Masterplan.legal_type, LEGAL_TYPES)
    legal_number = Line(Masterplan.legal_number)
    legal_date = Date()


class RevisionCreateSchema(Schema):
    version_label = Line(Masterplan.version_label, min_length=1)
    title = Line(Masterplan.title, min_length=1)


class ComparisonQueryArgsSchema(Schema):
    against = fields.UUID()


class FieldChangeSchema(Schema):
    field = fields.String()
    old = fields.String(allow_none=True)
    new = fields.String(allow_none=True)


class ChangeSchema(Schema):
    change = fields.String()
    label = fields.String()
    fields = fields.List(fields.Nested(FieldChangeSchema))


class ComparisonSchema(Schema):
    base_id = fields.UUID(allow_none=True)
    base_version_label = fields.String(allow_none=True)
    other_id = fields.UUID()
    other_version_label = fields.String()
    added = fields.Integer()
    removed = fields.Integer()
    changed = fields.Integer()
    sections = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(ChangeSchema)))


# --- parts -----------------------------------------------------------------------------------------


class MissionSchema(Schema):
    id = fields.UUID(dump_only=True)
    number = Integer(minimum=1)
    text = Narrative(min_length=1)
    dimension_codes = fields.List(Line(DIMENSION_CODE))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class MissionCreateSchema(MissionSchema):
    text = _required_narrative()


class ReadinessSchema(Schema):
    id = fields.UUID(dump_only=True)
    dimension_code = Line(DIMENSION_CODE)
    aspect = _choice(ReadinessEntry.aspect, READINESS_ASPECTS)
    level = _choice(ReadinessEntry.level, READINESS_LEVELS, allow_none=True)
    condition = Narrative(min_length=1)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ReadinessCreateSchema(ReadinessSchema):
    dimension_code = Line(DIMENSION_CODE, required=True)
    aspect = _choice(ReadinessEntry.aspect, READINESS_ASPECTS, required=True)
    condition = _required_narrative()


class GapSchema(Schema):
    id = fields.UUID(dump_only=True)
    dimension_code = fields.String(dump_only=True)
    sub_dimension_code = Line(SUB_DIMENSION_CODE)
    current_condition = Narrative(min_length=1)
    future_condition = Narrative(allow_none=True)
    implication = Narrative(allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class GapCreateSchema(GapSchema):
    sub_dimension_code = Line(SUB_DIMENSION_CODE, required=True)
    current_condition = _required_narrative()


class SwotItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    dimension_code = Line(DIMENSION_CODE)
    quadrant = _choice(SwotItem.quadrant, SWOT_QUADRANTS)
    text = Narrative(min_length=1)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class SwotItemCreateSchema(SwotItemSchema):
    dimension_code = Line(DIMENSION_CODE, required=True)
    quadrant = _choice(SwotItem.quadrant, SWOT_QUADRANTS, required=True)
    text = _required_narrative()


class GoalSchema(Schema):
    id = fields.UUID(dump_only=True)
    dimension_code = Line(DIMENSION_CODE, allow_none=True)
    sub_dimension_code = Line(SUB_DIMENSION_CODE, allow_none=True)
    text = Narrative(min_length=1)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class GoalCreateSchema(GoalSchema):
    text = _required_narrative()


class GoalQueryArgsSchema(Schema):
    dimension_code = Line(DIMENSION_CODE)


class TargetSchema(Schema):
    year = _year(required=True)
    value = Number(required=True)


class IndicatorSchema(Schema):
    id = fields.UUID(dump_only=True)
    goal_id = fields.UUID()
    code = Line(Indicator.code, allow_none=True)
    name = Line(Indicator.name, min_length=1)
    unit = Line(Indicator.unit, min_length=1)
    polarity = _choice(Indicator.polarity, POLARITIES)
    accumulation = _choice(Indicator.accumulation, ACCUMULATIONS)
    baseline_value = Number(allow_none=True)
    baseline_year = _year(allow_none=True)
    data_source = Line(Indicator.data_source, allow_none=True)
    responsible_opd_id = fields.UUID(allow_none=True)
    targets = fields.List(fields.Nested(TargetSchema))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class IndicatorCreateSchema(IndicatorSchema):
    goal_id = fields.UUID(required=True)
    name = _required_line(Indicator.name)
    unit = _required_line(Indicator.unit)


class IndicatorQueryArgsSchema(Schema):
    goal_id = fields.UUID()


class StrategySchema(Schema):
    id = fields.UUID(dump_only=True)
    code = Line(Strategy.code)
    text = Narrative(min_length=1)
    dimension_code = Line(DIMENSION_CODE, allow_none=True)
    sub_dimension_code = Line(SUB_DIMENSION_CODE, allow_none=True)
    parent_id = fields.UUID(allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class StrategyCreateSchema(StrategySchema):
    text = _required_narrative()


class StrategyCodeSchema(Schema):
    dimension_code = fields.String()
    sub_dimension_code = fields.String(allow_none=True)
    parent_id = fields.UUID(allow_none=True)
    parent_code = fields.String(allow_none=True)
    code = fields.String()


class PartnerSchema(Schema):
    name = _required_line(ProgramPartner.name)
    sector = Line(ProgramPartner.sector, required=True)


class BudgetLineSchema(Schema):
    year = _year(required=True)
    amount = Rupiah(required=True)
    funding_source = Line(BudgetLine.funding_source, required=True)
    status = _choice(BudgetLine.status, BUDGET_STATUSES, load_default="indicative")


class ProgramSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = Line(Program.code, min_length=1)
    name = Line(Program.name, min_length=1)
    description = Narrative(allow_none=True)
    dimension_code = Line(DIMENSION_CODE, allow_none=True)
    sub_dimension_code = Line(SUB_DIMENSION_CODE, allow_none=True)
    strategy_ids = fields.List(fields.UUID())
    strategy_codes = fields.List(fields.String(), dump_only=True)
    program_class = Line(Program.program_class, allow_none=True)
    horizon = Line(Program.horizon, allow_none=True)
    quick_win = fields.Boolean()
    lead_opd_id = fields.UUID(allow_none=True)
    supporting_opd_ids = fields.List(fields.UUID())
    partners = fields.List(fields.Nested(PartnerSchema))
    roadmap_years = fields.List(_year())
    budget_lines = fields.List(fields.Nested(BudgetLineSchema))
    budget_total = fields.Integer(dump_only=True, metadata={"format": "int64", "description": "Whole Rupiah"})
    status = _choice(Program.status, PROGRAM_STATUSES)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ProgramCreateSchema(ProgramSchema):
    code = _required_line(Program.code)
    name = _required_line(Program.name)


class ProgramQueryArgsSchema(Schema):
    dimension_code = Line(DIMENSION_CODE)
    sub_dimension_code = Line(SUB_DIMENSION_CODE)
    opd_id = fields.UUID()
    funding_source = Line(ENTRY_CODE)
    quick_win = fields.Boolean()
    status = _choice(Program.status, PROGRAM_STATUSES)
    q = Line(SEARCH_MAX)


class ActionItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    program_id = fields.UUID()
    year = _year()
    activity = Narrative(min_length=1)
    output = Narrative(allow_none=True)
    target = Line(ActionItem.target, allow_none=True)
    opd_id = fields.UUID(allow_none=True)
    budget = Rupiah(allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ActionItemCreateSchema(ActionItemSchema):
    program_id = fields.UUID(required=True)
    year = _year(required=True)
    activity = _required_narrative()


class ActionItemQueryArgsSchema(Schema):
    program_id = fields.UUID()
    year = _year()

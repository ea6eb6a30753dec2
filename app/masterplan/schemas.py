"""API shapes for frameworks, code lists, masterplan versions and their parts.

Load schemas never take tenant_id and reject unknown fields. Dimensions and sub-dimensions are named by
their framework codes (SOC, SOC.1), code list entries by their codes (APBD, INFRASTRUKTUR); objects of the
tenant (OPDs, goals, strategies, programs) by their ids.
"""

from marshmallow import Schema, fields, validate

from app.masterplan.models import (
    ACCUMULATIONS,
    BUDGET_STATUSES,
    CODE_LISTS,
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
)


def _year(**kwargs):
    return fields.Integer(validate=validate.Range(min=1990, max=2100), **kwargs)


def _text(max_length=None, **kwargs):
    return fields.String(validate=validate.Length(max=max_length) if max_length else None, **kwargs)


def _required_text(max_length=None):
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length))


# --- frameworks and code lists ---------------------------------------------------------------------


class SubDimensionSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = _required_text(20)
    name_id = _required_text(200)
    name_en = _required_text(200)


class DimensionSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = _required_text(20)
    name_id = _required_text(200)
    name_en = _required_text(200)
    strategy_prefix = _text(10, allow_none=True)
    goal = fields.String(allow_none=True)
    sub_dimensions = fields.List(fields.Nested(SubDimensionSchema), load_default=list)


class FrameworkSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    name_id = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)
    issuer = fields.String(dump_only=True)
    source = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    published_at = fields.DateTime(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    dimensions = fields.List(fields.Nested(DimensionSchema), dump_only=True)


class FrameworkCreateSchema(Schema):
    code = _required_text(60)
    name_id = _required_text(200)
    name_en = _required_text(200)
    issuer = _text(200, allow_none=True)
    source = fields.String(allow_none=True)
    dimensions = fields.List(fields.Nested(DimensionSchema))


class FrameworkUpdateSchema(Schema):
    name_id = fields.String(validate=validate.Length(min=1, max=200))
    name_en = fields.String(validate=validate.Length(min=1, max=200))
    issuer = _text(200, allow_none=True)
    source = fields.String(allow_none=True)
    dimensions = fields.List(fields.Nested(DimensionSchema))


class FrameworkQueryArgsSchema(Schema):
    state = fields.String(validate=validate.OneOf(("draft", "published", "retired")))


class CodeListItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    list_name = fields.String(dump_only=True)
    code = fields.String(dump_only=True)
    name_id = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)
    position = fields.Integer(dump_only=True)
    retired = fields.Boolean(dump_only=True)


class CodeListItemCreateSchema(Schema):
    list_name = fields.String(required=True, validate=validate.OneOf(CODE_LISTS))
    code = _required_text(40)
    name_id = _required_text(200)
    name_en = _required_text(200)


class CodeListItemUpdateSchema(Schema):
    name_id = fields.String(validate=validate.Length(min=1, max=200))
    name_en = fields.String(validate=validate.Length(min=1, max=200))
    retired = fields.Boolean()


class CodeListQueryArgsSchema(Schema):
    list_name = fields.String(validate=validate.OneOf(CODE_LISTS))


# --- masterplan versions ---------------------------------------------------------------------------


class MasterplanSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(dump_only=True)
    version_label = fields.String(dump_only=True)
    period_start = fields.Integer(dump_only=True)
    period_end = fields.Integer(dump_only=True)
    rpjmd_start = fields.Integer(dump_only=True)
    rpjmd_end = fields.Integer(dump_only=True)
    framework_id = fields.UUID(dump_only=True)
    status = fields.String(dump_only=True)
    legal_type = fields.String(dump_only=True)
    legal_number = fields.String(dump_only=True)
    legal_date = fields.Date(dump_only=True)
    signed_document_id = fields.UUID(dump_only=True)
    vision = fields.String(dump_only=True)
    strategy_prefixes = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    revised_from_id = fields.UUID(dump_only=True)
    enacted_at = fields.DateTime(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class MasterplanUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    version_label = fields.String(validate=validate.Length(min=1, max=20))
    period_start = _year()
    period_end = _year()
    rpjmd_start = _year(allow_none=True)
    rpjmd_end = _year(allow_none=True)
    framework_id = fields.UUID()
    legal_type = fields.String(allow_none=True, validate=validate.OneOf(LEGAL_TYPES))
    legal_number = _text(100, allow_none=True)
    legal_date = fields.Date(allow_none=True)
    vision = fields.String(allow_none=True)
    strategy_prefixes = fields.Dict(
        keys=fields.String(), values=fields.String(validate=validate.Length(max=10))
    )


class MasterplanCreateSchema(MasterplanUpdateSchema):
    title = _required_text(200)
    version_label = _required_text(20)
    period_start = _year(required=True)
    period_end = _year(required=True)
    framework_id = fields.UUID(required=True)


class MasterplanQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(MASTERPLAN_STATUSES))


class TransitionSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf((DRAFT, IN_REVIEW, ENDORSED, ENACTED)))
    legal_type = fields.String(validate=validate.OneOf(LEGAL_TYPES))
    legal_number = _text(100)
    legal_date = fields.Date()


class RevisionCreateSchema(Schema):
    version_label = fields.String(validate=validate.Length(min=1, max=20))
    title = fields.String(validate=validate.Length(min=1, max=200))


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
    number = fields.Integer(validate=validate.Range(min=1))
    text = fields.String(validate=validate.Length(min=1))
    dimension_codes = fields.List(fields.String())
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class MissionCreateSchema(MissionSchema):
    text = _required_text()


class ReadinessSchema(Schema):
    id = fields.UUID(dump_only=True)
    dimension_code = fields.String()
    aspect = fields.String(validate=validate.OneOf(READINESS_ASPECTS))
    level = fields.String(allow_none=True, validate=validate.OneOf(READINESS_LEVELS))
    condition = fields.String(validate=validate.Length(min=1))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ReadinessCreateSchema(ReadinessSchema):
    dimension_code = fields.String(required=True)
    aspect = fields.String(required=True, validate=validate.OneOf(READINESS_ASPECTS))
    condition = _required_text()


class GapSchema(Schema):
    id = fields.UUID(dump_only=True)
    dimension_code = fields.String(dump_only=True)
    sub_dimension_code = fields.String()
    current_condition = fields.String(validate=validate.Length(min=1))
    future_condition = fields.String(allow_none=True)
    implication = fields.String(allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class GapCreateSchema(GapSchema):
    sub_dimension_code = fields.String(required=True)
    current_condition = _required_text()


class SwotItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    dimension_code = fields.String()
    quadrant = fields.String(validate=validate.OneOf(SWOT_QUADRANTS))
    text = fields.String(validate=validate.Length(min=1))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class SwotItemCreateSchema(SwotItemSchema):
    dimension_code = fields.String(required=True)
    quadrant = fields.String(required=True, validate=validate.OneOf(SWOT_QUADRANTS))
    text = _required_text()


class GoalSchema(Schema):
    id = fields.UUID(dump_only=True)
    dimension_code = fields.String(allow_none=True)
    sub_dimension_code = fields.String(allow_none=True)
    text = fields.String(validate=validate.Length(min=1))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class GoalCreateSchema(GoalSchema):
    text = _required_text()


class GoalQueryArgsSchema(Schema):
    dimension_code = fields.String()


class TargetSchema(Schema):
    year = _year(required=True)
    value = fields.Float(required=True)


class IndicatorSchema(Schema):
    id = fields.UUID(dump_only=True)
    goal_id = fields.UUID()
    code = _text(30, allow_none=True)
    name = fields.String(validate=validate.Length(min=1, max=300))
    unit = fields.String(validate=validate.Length(min=1, max=60))
    polarity = fields.String(validate=validate.OneOf(POLARITIES))
    accumulation = fields.String(validate=validate.OneOf(ACCUMULATIONS))
    baseline_value = fields.Float(allow_none=True)
    baseline_year = _year(allow_none=True)
    data_source = _text(300, allow_none=True)
    responsible_opd_id = fields.UUID(allow_none=True)
    targets = fields.List(fields.Nested(TargetSchema))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class IndicatorCreateSchema(IndicatorSchema):
    goal_id = fields.UUID(required=True)
    name = _required_text(300)
    unit = _required_text(60)


class IndicatorQueryArgsSchema(Schema):
    goal_id = fields.UUID()


class StrategySchema(Schema):
    id = fields.UUID(dump_only=True)
    code = _text(30)
    text = fields.String(validate=validate.Length(min=1))
    dimension_code = fields.String(allow_none=True)
    sub_dimension_code = fields.String(allow_none=True)
    parent_id = fields.UUID(allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class StrategyCreateSchema(StrategySchema):
    text = _required_text()


class StrategyCodeSchema(Schema):
    dimension_code = fields.String()
    sub_dimension_code = fields.String(allow_none=True)
    parent_id = fields.UUID(allow_none=True)
    parent_code = fields.String(allow_none=True)
    code = fields.String()


class PartnerSchema(Schema):
    name = _required_text(200)
    sector = fields.String(required=True)


class BudgetLineSchema(Schema):
    year = _year(required=True)
    amount = fields.Integer(required=True, validate=validate.Range(min=0))
    funding_source = fields.String(required=True)
    status = fields.String(load_default="indicative", validate=validate.OneOf(BUDGET_STATUSES))


class ProgramSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = fields.String(validate=validate.Length(min=1, max=30))
    name = fields.String(validate=validate.Length(min=1, max=300))
    description = fields.String(allow_none=True)
    dimension_code = fields.String(allow_none=True)
    sub_dimension_code = fields.String(allow_none=True)
    strategy_ids = fields.List(fields.UUID())
    strategy_codes = fields.List(fields.String(), dump_only=True)
    program_class = fields.String(allow_none=True)
    horizon = fields.String(allow_none=True)
    quick_win = fields.Boolean()
    lead_opd_id = fields.UUID(allow_none=True)
    supporting_opd_ids = fields.List(fields.UUID())
    partners = fields.List(fields.Nested(PartnerSchema))
    roadmap_years = fields.List(_year())
    budget_lines = fields.List(fields.Nested(BudgetLineSchema))
    budget_total = fields.Integer(dump_only=True)
    status = fields.String(validate=validate.OneOf(PROGRAM_STATUSES))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ProgramCreateSchema(ProgramSchema):
    code = _required_text(30)
    name = _required_text(300)


class ProgramQueryArgsSchema(Schema):
    dimension_code = fields.String()
    sub_dimension_code = fields.String()
    opd_id = fields.UUID()
    funding_source = fields.String()
    quick_win = fields.Boolean()
    status = fields.String(validate=validate.OneOf(PROGRAM_STATUSES))
    q = fields.String(validate=validate.Length(max=100))


class ActionItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    program_id = fields.UUID()
    year = _year()
    activity = fields.String(validate=validate.Length(min=1))
    output = fields.String(allow_none=True)
    target = _text(200, allow_none=True)
    opd_id = fields.UUID(allow_none=True)
    budget = fields.Integer(allow_none=True, validate=validate.Range(min=0))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ActionItemCreateSchema(ActionItemSchema):
    program_id = fields.UUID(required=True)
    year = _year(required=True)
    activity = _required_text()


class ActionItemQueryArgsSchema(Schema):
    program_id = fields.UUID()
    year = _year()

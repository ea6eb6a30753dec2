"""API shapes of the national reference data: framework versions with their dimensions, code list
versions and entries. Load schemas reject unknown fields."""

from marshmallow import Schema, fields, validate

from app.core.bounds import Line, Narrative
from app.reference.loader import LOADED_CODE_LISTS
from app.reference.models import STATES, CodeListItem, Framework, FrameworkDimension, FrameworkSubDimension

LIST_NAMES = tuple(LOADED_CODE_LISTS)


def _required_line(column):
    return Line(column, required=True, min_length=1)


class SubDimensionSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = _required_line(FrameworkSubDimension.code)
    name_id = _required_line(FrameworkSubDimension.name_id)
    name_en = _required_line(FrameworkSubDimension.name_en)


class DimensionSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = _required_line(FrameworkDimension.code)
    name_id = _required_line(FrameworkDimension.name_id)
    name_en = _required_line(FrameworkDimension.name_en)
    strategy_prefix = Line(FrameworkDimension.strategy_prefix, allow_none=True)
    goal = Narrative(allow_none=True)
    sub_dimensions = fields.List(fields.Nested(SubDimensionSchema), load_default=list)


class FrameworkSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    name_id = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)
    issuer = fields.String(dump_only=True, allow_none=True)
    source = fields.String(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    dimensions = fields.List(fields.Nested(DimensionSchema), dump_only=True)


class FrameworkCreateSchema(Schema):
    code = _required_line(Framework.code)
    name_id = _required_line(Framework.name_id)
    name_en = _required_line(Framework.name_en)
    issuer = Line(Framework.issuer, allow_none=True)
    source = Narrative(allow_none=True)
    dimensions = fields.List(fields.Nested(DimensionSchema))


class FrameworkUpdateSchema(Schema):
    name_id = Line(Framework.name_id, min_length=1)
    name_en = Line(Framework.name_en, min_length=1)
    issuer = Line(Framework.issuer, allow_none=True)
    source = Narrative(allow_none=True)
    dimensions = fields.List(fields.Nested(DimensionSchema))


class FrameworkQueryArgsSchema(Schema):
    state = Line(Framework.state, validate=validate.OneOf(STATES))


class CodeListItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    list_name = fields.String(dump_only=True)
    code = fields.String(dump_only=True)
    name_id = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)
    position = fields.Integer(dump_only=True)
    retired = fields.Boolean(dump_only=True)


class CodeListItemCreateSchema(Schema):
    list_name = Line(CodeListItem.list_name, validate=validate.OneOf(LIST_NAMES), required=True)
    code = _required_line(CodeListItem.code)
    name_id = _required_line(CodeListItem.name_id)
    name_en = _required_line(CodeListItem.name_en)


class CodeListItemUpdateSchema(Schema):
    name_id = Line(CodeListItem.name_id, min_length=1)
    name_en = Line(CodeListItem.name_en, min_length=1)
    retired = fields.Boolean()


class CodeListQueryArgsSchema(Schema):
    list_name = Line(CodeListItem.list_name, validate=validate.OneOf(LIST_NAMES))


class CodeListVersionSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = fields.String(dump_only=True, metadata={"description": "the list's name, e.g. funding_source"})
    version = fields.Integer(dump_only=True)
    name_id = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)

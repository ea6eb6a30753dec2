"""API shapes for tenants, regions, OPDs, members and invitations. Load schemas never take tenant_id."""

from marshmallow import Schema, fields, validate

from app.core.auth import TENANT_ROLES
from app.tenants.models import TENANT_STATUSES, TIMEZONES


class RegionSchema(Schema):
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    province_code = fields.String(dump_only=True)
    province_name = fields.String(dump_only=True)
    population = fields.Integer(dump_only=True)


class RegionQueryArgsSchema(Schema):
    unassigned = fields.Boolean(load_default=False)
    province_code = fields.String()


class TenantSchema(Schema):
    id = fields.UUID(dump_only=True)
    slug = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    region_code = fields.String(dump_only=True)
    province_name = fields.String(dump_only=True)
    timezone = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class TenantCreateSchema(Schema):
    region_code = fields.String(required=True)
    slug = fields.String()
    name = fields.String(validate=validate.Length(min=1, max=120))
    timezone = fields.String(validate=validate.OneOf(list(TIMEZONES)))


class TenantUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    timezone = fields.String(validate=validate.OneOf(list(TIMEZONES)))
    status = fields.String(validate=validate.OneOf(TENANT_STATUSES))


class TenantQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(TENANT_STATUSES))


class AdminInvitationSchema(Schema):
    email = fields.Email(required=True)


class OpdSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    acronym = fields.String(allow_none=True, validate=validate.Length(max=40))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class OpdUpdateSchema(Schema):
    code = fields.String(validate=validate.Length(min=1, max=40))
    name = fields.String(validate=validate.Length(min=1, max=200))
    acronym = fields.String(allow_none=True, validate=validate.Length(max=40))


class MemberSchema(Schema):
    id = fields.UUID(dump_only=True)
    user_id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    opd_ids = fields.List(fields.UUID(), dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class MemberUpdateSchema(Schema):
    role = fields.String(validate=validate.OneOf(TENANT_ROLES))
    opd_ids = fields.List(fields.UUID())


class InvitationCreateSchema(Schema):
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=validate.OneOf(TENANT_ROLES))
    opd_ids = fields.List(fields.UUID(), load_default=list)


class InvitationSchema(Schema):
    id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    opd_ids = fields.List(fields.UUID(), attribute="opd_id_list", dump_only=True)
    invited_by = fields.UUID(dump_only=True, metadata={"description": "The user who sent it"})
    sent_at = fields.DateTime(dump_only=True, metadata={"description": "When it was last mailed"})
    expires_at = fields.DateTime(dump_only=True)
    expired = fields.Boolean(attribute="is_expired", dump_only=True)
    created_at = fields.DateTime(dump_only=True)

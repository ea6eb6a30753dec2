"""API shapes for tenants, regions, OPDs, members and invitations. Load schemas never take tenant_id."""

from marshmallow import Schema, fields, validate

from app.accounts.models import User
from app.core.auth import TENANT_ROLES
from app.core.bounds import Email, Line, column_length
from app.reference import services as reference
from app.tenants.models import TENANT_STATUSES, TIMEZONES, Invitation, Membership, Opd, Tenant

# An invitation keeps its OPD ids in one column, each taking 36 characters and a comma.
INVITATION_OPDS_MAX = column_length(Invitation.opd_ids) // 37
# The most OPDs one bulk add takes (a kabupaten has 40 or so; 500 leaves room for UPTD lists).
OPD_BULK_MAX = 500


class RegionSchema(Schema):
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    province_code = fields.String(dump_only=True)
    province_name = fields.String(dump_only=True)
    population = fields.Integer(dump_only=True, allow_none=True)


class RegionQueryArgsSchema(Schema):
    unassigned = fields.Boolean(load_default=False)
    province_code = Line(reference.PROVINCE_CODE_LENGTH)


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
    region_code = Line(reference.REGION_CODE_LENGTH, required=True)
    slug = Line(Tenant.slug)
    name = Line(Tenant.name, min_length=1)
    timezone = Line(Tenant.timezone, validate=validate.OneOf(list(TIMEZONES)))


class TenantUpdateSchema(Schema):
    name = Line(Tenant.name, min_length=1)
    timezone = Line(Tenant.timezone, validate=validate.OneOf(list(TIMEZONES)))
    status = Line(Tenant.status, validate=validate.OneOf(TENANT_STATUSES))


class TenantQueryArgsSchema(Schema):
    status = Line(Tenant.status, validate=validate.OneOf(TENANT_STATUSES))


class AdminInvitationSchema(Schema):
    email = Email(Invitation.email, required=True)


class OpdSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = Line(Opd.code, required=True, min_length=1)
    name = Line(Opd.name, required=True, min_length=1)
    acronym = Line(Opd.acronym, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class OpdUpdateSchema(Schema):
    code = Line(Opd.code, min_length=1)
    name = Line(Opd.name, min_length=1)
    acronym = Line(Opd.acronym, allow_none=True)


class OpdBulkItemSchema(Schema):
    code = Line(
        Opd.code,
        load_default="",
        metadata={"description": "Empty: taken from the usual nomenclature by the name, when it is there"},
    )
    name = Line(Opd.name, required=True)
    acronym = Line(Opd.acronym, allow_none=True)


class OpdBulkSchema(Schema):
    opds = fields.List(
        fields.Nested(OpdBulkItemSchema), required=True, validate=validate.Length(min=1, max=OPD_BULK_MAX)
    )
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Only say what would be added; add nothing"}
    )


class OpdBulkEntrySchema(Schema):
    index = fields.Integer(dump_only=True, metadata={"description": "Position in the list sent, from 0"})
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    code_suggested = fields.Boolean(
        dump_only=True, metadata={"description": "The code came from the usual nomenclature"}
    )
    id = fields.UUID(dump_only=True, allow_none=True, metadata={"description": "Null on a dry run"})


class OpdBulkExistingSchema(Schema):
    index = fields.Integer(dump_only=True, metadata={"description": "Position in the list sent, from 0"})
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    opd = fields.Nested(OpdSchema, dump_only=True, metadata={"description": "The OPD the tenant has"})


class OpdBulkResultSchema(Schema):
    dry_run = fields.Boolean(dump_only=True)
    added = fields.List(
        fields.Nested(OpdBulkEntrySchema),
        dump_only=True,
        metadata={"description": "Added, or on a dry run to be added"},
    )
    existing = fields.List(
        fields.Nested(OpdBulkExistingSchema),
        dump_only=True,
        metadata={"description": "Already in the tenant (same code in any case, or same name), left as is"},
    )


class UsualOpdSchema(Schema):
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    present = fields.Boolean(dump_only=True, metadata={"description": "The tenant has it (code or name)"})


class MemberSchema(Schema):
    id = fields.UUID(dump_only=True)
    user_id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    opd_ids = fields.List(fields.UUID(), dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class MemberUpdateSchema(Schema):
    role = Line(Membership.role, validate=validate.OneOf(TENANT_ROLES))
    opd_ids = fields.List(fields.UUID())


class InvitationCreateSchema(Schema):
    email = Email(Invitation.email, required=True)
    role = Line(Invitation.role, required=True, validate=validate.OneOf(TENANT_ROLES))
    opd_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=INVITATION_OPDS_MAX))


class InvitationFormSchema(Schema):
    """An invitation typed on a page: the email as typed (the service trims it and checks its form, in the
    page's words), within what its column holds."""

    email = Line(Invitation.email)
    role = Line(Invitation.role)


class InvitationAcceptanceSchema(Schema):
    """What a newcomer types on the invitation page (the password is checked by the accounts service)."""

    name = Line(User.name)


class InvitationSchema(Schema):
    id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    opd_ids = fields.List(fields.UUID(), attribute="opd_id_list", dump_only=True)
    invited_by = fields.UUID(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The user who sent it; null when the platform did"},
    )
    sent_at = fields.DateTime(dump_only=True, metadata={"description": "When it was last mailed"})
    expires_at = fields.DateTime(dump_only=True)
    expired = fields.Boolean(attribute="is_expired", dump_only=True)
    created_at = fields.DateTime(dump_only=True)

"""API shapes for identity providers and the login policy. The client secret is write-only: no schema
ever dumps it. Load schemas never take tenant_id and reject unknown fields."""

from flask import url_for
from marshmallow import Schema, fields, validate

from app.core.auth import EVALUATOR, MINISTRY_ADMIN, TENANT_ROLES
from app.sso.services import DEFAULT_SCOPES

MINISTRY_ROLES = (MINISTRY_ADMIN, EVALUATOR)


class _ProviderFields(Schema):
    label = fields.String(validate=validate.Length(min=1, max=80))
    issuer = fields.String(validate=validate.Length(min=1, max=500))
    client_id = fields.String(validate=validate.Length(min=1, max=255))
    client_secret = fields.String(load_only=True, validate=validate.Length(min=1, max=1000))
    scopes = fields.String(validate=validate.Length(min=6, max=500))
    allowed_email_domains = fields.List(fields.String(validate=validate.Length(min=3, max=253)))
    provision_users = fields.Boolean()
    link_by_email = fields.Boolean()
    role_claim = fields.String(allow_none=True, validate=validate.Length(max=80))
    enabled = fields.Boolean()


class _TenantProviderFields(_ProviderFields):
    default_role = fields.String(validate=validate.OneOf(TENANT_ROLES))
    role_map = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.OneOf(TENANT_ROLES)))
    opd_claim = fields.String(allow_none=True, validate=validate.Length(max=80))
    opd_required = fields.Boolean()


class _MinistryProviderFields(_ProviderFields):
    default_role = fields.String(validate=validate.OneOf(MINISTRY_ROLES))
    role_map = fields.Dict(
        keys=fields.String(), values=fields.String(validate=validate.OneOf(MINISTRY_ROLES))
    )


class _RequiredConnection:
    """On creation the connection and the default role must be given; scopes default to the standard ones."""

    label = fields.String(required=True, validate=validate.Length(min=1, max=80))
    issuer = fields.String(required=True, validate=validate.Length(min=1, max=500))
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    client_secret = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1000))
    # An update that leaves scopes out keeps the stored ones, so only creation has a default.
    scopes = fields.String(load_default=DEFAULT_SCOPES, validate=validate.Length(min=6, max=500))


class ProviderCreateSchema(_TenantProviderFields):
    label = _RequiredConnection.label
    issuer = _RequiredConnection.issuer
    client_id = _RequiredConnection.client_id
    client_secret = _RequiredConnection.client_secret
    scopes = _RequiredConnection.scopes
    default_role = fields.String(required=True, validate=validate.OneOf(TENANT_ROLES))


class ProviderUpdateSchema(_TenantProviderFields):
    pass


class MinistryProviderCreateSchema(_MinistryProviderFields):
    label = _RequiredConnection.label
    issuer = _RequiredConnection.issuer
    client_id = _RequiredConnection.client_id
    client_secret = _RequiredConnection.client_secret
    scopes = _RequiredConnection.scopes
    default_role = fields.String(required=True, validate=validate.OneOf(MINISTRY_ROLES))


class MinistryProviderUpdateSchema(_MinistryProviderFields):
    pass


class ProviderSchema(_TenantProviderFields):
    id = fields.UUID(dump_only=True)
    client_secret_set = fields.Function(lambda p: bool(p.client_secret_encrypted), dump_only=True)
    redirect_uri = fields.Function(
        lambda p: url_for("sso.callback", provider_id=p.id, _external=True), dump_only=True
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class MinistryProviderSchema(_MinistryProviderFields):
    id = fields.UUID(dump_only=True)
    client_secret_set = fields.Function(lambda p: bool(p.client_secret_encrypted), dump_only=True)
    redirect_uri = fields.Function(
        lambda p: url_for("ministry_sso.ministry_callback", provider_id=p.id, _external=True), dump_only=True
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class LoginPolicySchema(Schema):
    password_login_for_staff = fields.Boolean(required=True)

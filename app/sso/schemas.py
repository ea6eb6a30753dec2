"""API shapes for identity providers and the login policy. The client secret is write-only: no schema
ever dumps it. Load schemas never take tenant_id and reject unknown fields."""

from flask import url_for
from marshmallow import Schema, fields, validate

from app.core.auth import EVALUATOR, MINISTRY_ADMIN, TENANT_ROLES
from app.core.bounds import Line
from app.sso.models import IdentityProvider
from app.sso.services import DEFAULT_SCOPES

MINISTRY_ROLES = (MINISTRY_ADMIN, EVALUATOR)
# Kept encrypted in a Text column; a client secret is a short token.
CLIENT_SECRET_MAX = 1000
# A domain name has at most 253 characters.
DOMAIN_MAX = 253
# A value of the role claim (a group or role name the provider sends): a key of the role map.
CLAIM_VALUE_MAX = 200


def _role(roles, **kwargs) -> Line:
    return Line(IdentityProvider.default_role, validate=validate.OneOf(roles), **kwargs)


class _ProviderFields(Schema):
    label = Line(IdentityProvider.label, min_length=1)
    issuer = Line(IdentityProvider.issuer, min_length=1)
    client_id = Line(IdentityProvider.client_id, min_length=1)
    client_secret = Line(CLIENT_SECRET_MAX, load_only=True, min_length=1)
    scopes = Line(IdentityProvider.scopes, min_length=6)
    allowed_email_domains = fields.List(Line(DOMAIN_MAX, min_length=3))
    provision_users = fields.Boolean()
    link_by_email = fields.Boolean()
    role_claim = Line(IdentityProvider.role_claim, allow_none=True)
    enabled = fields.Boolean()


class _TenantProviderFields(_ProviderFields):
    default_role = _role(TENANT_ROLES)
    role_map = fields.Dict(keys=Line(CLAIM_VALUE_MAX), values=_role(TENANT_ROLES))
    opd_claim = Line(IdentityProvider.opd_claim, allow_none=True)
    opd_required = fields.Boolean()


class _MinistryProviderFields(_ProviderFields):
    default_role = _role(MINISTRY_ROLES)
    role_map = fields.Dict(keys=Line(CLAIM_VALUE_MAX), values=_role(MINISTRY_ROLES))


class _RequiredConnection:
    """On creation the connection and the default role must be given; scopes default to the standard ones."""

    label = Line(IdentityProvider.label, required=True, min_length=1)
    issuer = Line(IdentityProvider.issuer, required=True, min_length=1)
    client_id = Line(IdentityProvider.client_id, required=True, min_length=1)
    client_secret = Line(CLIENT_SECRET_MAX, required=True, load_only=True, min_length=1)
    # An update that leaves scopes out keeps the stored ones, so only creation has a default.
    scopes = Line(IdentityProvider.scopes, load_default=DEFAULT_SCOPES, min_length=6)


class ProviderCreateSchema(_TenantProviderFields):
    label = _RequiredConnection.label
    issuer = _RequiredConnection.issuer
    client_id = _RequiredConnection.client_id
    client_secret = _RequiredConnection.client_secret
    scopes = _RequiredConnection.scopes
    default_role = _role(TENANT_ROLES, required=True)


class ProviderUpdateSchema(_TenantProviderFields):
    pass


class MinistryProviderCreateSchema(_MinistryProviderFields):
    label = _RequiredConnection.label
    issuer = _RequiredConnection.issuer
    client_id = _RequiredConnection.client_id
    client_secret = _RequiredConnection.client_secret
    scopes = _RequiredConnection.scopes
    default_role = _role(MINISTRY_ROLES, required=True)


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

"""REST resources: a tenant's identity providers and login policy (tenant admin), the ministry's
identity providers (platform admin). Saving reads the issuer's discovery document first."""

from flask import g
from flask.views import MethodView

from app.core.api import Blueprint, paginate_query
from app.extensions import db
from app.sso import services
from app.sso.schemas import (
    LoginPolicySchema,
    MinistryProviderCreateSchema,
    MinistryProviderSchema,
    MinistryProviderUpdateSchema,
    ProviderCreateSchema,
    ProviderSchema,
    ProviderUpdateSchema,
)

tenant_blp = Blueprint(
    "sso_api", __name__, url_prefix="/api/v1/t/<tenant>/sso", description="Single sign-on of a tenant"
)
ministry_blp = Blueprint(
    "ministry_sso_api",
    __name__,
    url_prefix="/api/v1/ministry/sso",
    description="The ministry's single sign-on",
)
blueprints = (tenant_blp, ministry_blp)


@tenant_blp.route("/providers")
class Providers(MethodView):
    @tenant_blp.response(200, ProviderSchema(many=True))
    @tenant_blp.paginate()
    def get(self, pagination_parameters):
        """List the tenant's OpenID Connect providers"""
        return paginate_query(db.session, services.providers_query(actor=g.actor), pagination_parameters)

    @tenant_blp.arguments(ProviderCreateSchema)
    @tenant_blp.response(201, ProviderSchema)
    def post(self, data):
        """Add an OpenID Connect provider (its discovery document is checked first)"""
        provider = services.create_provider(data, actor=g.actor)
        db.session.commit()
        return provider


@tenant_blp.route("/providers/<uuid:provider_id>")
class ProviderById(MethodView):
    @tenant_blp.etag
    @tenant_blp.response(200, ProviderSchema)
    def get(self, provider_id):
        """Show a provider's settings (never its client secret)"""
        return services.get_provider(provider_id, actor=g.actor)

    @tenant_blp.etag
    @tenant_blp.arguments(ProviderUpdateSchema)
    @tenant_blp.response(200, ProviderSchema)
    def patch(self, data, provider_id):
        """Change a provider's settings; a new issuer is checked first"""
        tenant_blp.check_etag(services.get_provider(provider_id, actor=g.actor), ProviderSchema)
        provider = services.update_provider(provider_id, data, actor=g.actor)
        db.session.commit()
        return provider

    @tenant_blp.etag
    @tenant_blp.response(204)
    def delete(self, provider_id):
        """Remove a provider (accounts it created stay)"""
        tenant_blp.check_etag(services.get_provider(provider_id, actor=g.actor), ProviderSchema)
        services.delete_provider(provider_id, actor=g.actor)
        db.session.commit()


@tenant_blp.route("/login-policy")
class LoginPolicy(MethodView):
    @tenant_blp.etag
    @tenant_blp.response(200, LoginPolicySchema)
    def get(self):
        """Show whether staff may log in with a password besides single sign-on"""
        return services.login_policy(actor=g.actor)

    @tenant_blp.etag
    @tenant_blp.arguments(LoginPolicySchema)
    @tenant_blp.response(200, LoginPolicySchema)
    def patch(self, data):
        """Allow or forbid password login for staff (tenant admins keep theirs)"""
        tenant_blp.check_etag(services.login_policy(actor=g.actor), LoginPolicySchema)
        policy = services.set_login_policy(actor=g.actor, **data)
        db.session.commit()
        return policy


@ministry_blp.route("/providers")
class MinistryProviders(MethodView):
    @ministry_blp.response(200, MinistryProviderSchema(many=True))
    @ministry_blp.paginate()
    def get(self, pagination_parameters):
        """List the ministry's OpenID Connect providers"""
        stmt = services.ministry_providers_query(actor=g.actor)
        return paginate_query(db.session, stmt, pagination_parameters)

    @ministry_blp.arguments(MinistryProviderCreateSchema)
    @ministry_blp.response(201, MinistryProviderSchema)
    def post(self, data):
        """Add the ministry's OpenID Connect provider (its discovery document is checked first)"""
        provider = services.create_ministry_provider(data, actor=g.actor)
        db.session.commit()
        return provider


@ministry_blp.route("/providers/<uuid:provider_id>")
class MinistryProviderById(MethodView):
    @ministry_blp.etag
    @ministry_blp.response(200, MinistryProviderSchema)
    def get(self, provider_id):
        """Show a ministry provider's settings (never its client secret)"""
        return services.get_ministry_provider(provider_id, actor=g.actor)

    @ministry_blp.etag
    @ministry_blp.arguments(MinistryProviderUpdateSchema)
    @ministry_blp.response(200, MinistryProviderSchema)
    def patch(self, data, provider_id):
        """Change a ministry provider's settings; a new issuer is checked first"""
        provider = services.get_ministry_provider(provider_id, actor=g.actor)
        ministry_blp.check_etag(provider, MinistryProviderSchema)
        provider = services.update_ministry_provider(provider_id, data, actor=g.actor)
        db.session.commit()
        return provider

    @ministry_blp.etag
    @ministry_blp.response(204)
    def delete(self, provider_id):
        """Remove a ministry provider (accounts it created stay)"""
        provider = services.get_ministry_provider(provider_id, actor=g.actor)
        ministry_blp.check_etag(provider, MinistryProviderSchema)
        services.delete_ministry_provider(provider_id, actor=g.actor)
        db.session.commit()

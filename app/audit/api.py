"""REST resources: a tenant's audit log (tenant admin) and the platform's (platform admin)."""

from flask import current_app, g
from flask.views import MethodView

from app.audit import services
from app.audit.schemas import AuditEntrySchema, AuditQueryArgsSchema
from app.core.api import Blueprint, paginate_query
from app.extensions import db

tenant_blp = Blueprint(
    "audit_api", __name__, url_prefix="/api/v1/t/<tenant>/audit-entries", description="A tenant's audit log"
)
platform_blp = Blueprint(
    "platform_audit_api", __name__, url_prefix="/api/v1/audit-entries", description="The platform's audit log"
)
blueprints = (tenant_blp, platform_blp)


def _filters(args: dict, timezone: str) -> services.AuditFilter:
    return services.AuditFilter(timezone=timezone, **args)


def _dump(rows) -> list[dict]:
    return [{**_columns(entry), "user_name": user.name if user else None} for entry, user in rows]


def _columns(entry) -> dict:
    return {c.key: getattr(entry, c.key) for c in entry.__table__.columns}


@tenant_blp.route("")
class AuditEntries(MethodView):
    @tenant_blp.arguments(AuditQueryArgsSchema, location="query")
    @tenant_blp.response(200, AuditEntrySchema(many=True))
    @tenant_blp.paginate()
    def get(self, args, pagination_parameters):
        """List the tenant's audit log, newest first, by user, object type, action and day"""
        stmt = services.tenant_log_query(_filters(args, g.tenant.timezone), actor=g.actor)
        return _dump(paginate_query(db.session, stmt, pagination_parameters, rows=True))


@platform_blp.route("")
class PlatformAuditEntries(MethodView):
    @platform_blp.arguments(AuditQueryArgsSchema, location="query")
    @platform_blp.response(200, AuditEntrySchema(many=True))
    @platform_blp.paginate()
    def get(self, args, pagination_parameters):
        """List platform-level audit entries (tenants, users, tokens), newest first"""
        stmt = services.platform_log_query(
            _filters(args, current_app.config["BABEL_DEFAULT_TIMEZONE"]), actor=g.actor
        )
        return _dump(paginate_query(db.session, stmt, pagination_parameters, rows=True))

"""REST resources of the ministry area: tenants' released data, read through the audited ministry
access path (a platform token of a ministry admin, or of an evaluator for their assigned tenants)."""

from flask import g
from flask.views import MethodView

from app.core.api import Blueprint, paginate_query
from app.extensions import db
from app.ministry import services
from app.ministry.schemas import TenantMasterplanSchema

blp = Blueprint(
    "ministry_api",
    __name__,
    url_prefix="/api/v1/ministry",
    description="Tenants' released data, for the ministry",
)
blueprints = (blp,)


@blp.route("/masterplans")
class EnactedMasterplans(MethodView):
    @blp.response(200, TenantMasterplanSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List each tenant's enacted masterplan (never a draft); every call is recorded in the audit log"""
        stmt = services.reachable_tenants_query(g.actor)
        tenants = paginate_query(db.session, stmt, pagination_parameters)
        return services.enacted_masterplans(g.actor, tenants)

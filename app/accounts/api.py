"""REST resources about the caller."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from app.core.api import Blueprint

me_blp = Blueprint("me_api", __name__, url_prefix="/api/v1/t/<tenant>/me", description="The caller")
blueprints = (me_blp,)


class MeSchema(Schema):
    user_id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    tenant = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    opd_ids = fields.List(fields.UUID(), dump_only=True)


@me_blp.route("")
class Me(MethodView):
    @me_blp.response(200, MeSchema)
    def get(self):
        """Show who the token belongs to and their role in this tenant"""
        return {
            "user_id": g.user.id,
            "email": g.user.email,
            "name": g.user.name,
            "tenant": g.tenant.slug,
            "role": g.actor.tenant_role,
            "opd_ids": sorted(g.actor.opd_ids),
        }

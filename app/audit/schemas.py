"""API shapes for the audit logs."""

from marshmallow import Schema, ValidationError, fields, validates_schema

from app.audit.models import AuditEntry
from app.core.bounds import Date, Line


class AuditQueryArgsSchema(Schema):
    user_id = fields.UUID()
    object_type = Line(AuditEntry.object_type)
    action = Line(AuditEntry.action)
    since = Date(metadata={"description": "first day, in the tenant's time zone"})
    until = Date(metadata={"description": "last day (included), in the tenant's time zone"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("must not be before since", "until")


class AuditEntrySchema(Schema):
    id = fields.UUID(dump_only=True)
    at = fields.DateTime(dump_only=True)
    user_id = fields.UUID(dump_only=True, allow_none=True)
    user_name = fields.String(dump_only=True, allow_none=True)
    origin = fields.String(dump_only=True, metadata={"description": "web, api, job, cli or system"})
    reference = fields.String(dump_only=True, allow_none=True)
    action = fields.String(dump_only=True, metadata={"description": "create, update, delete or an event"})
    object_type = fields.String(dump_only=True, allow_none=True)
    object_id = fields.String(dump_only=True, allow_none=True)
    before = fields.Dict(dump_only=True, allow_none=True)
    after = fields.Dict(dump_only=True, allow_none=True)
    details = fields.Dict(dump_only=True, allow_none=True)

"""API shapes of the ministry area (read-only)."""

from marshmallow import Schema, fields


class EnactedMasterplanSchema(Schema):
    id = fields.UUID(dump_only=True, attribute="masterplan_id")
    title = fields.String(dump_only=True)
    version_label = fields.String(dump_only=True)
    period_start = fields.Integer(dump_only=True)
    period_end = fields.Integer(dump_only=True)
    legal_type = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "PERWALI, PERBUP, PERDA or SK"}
    )
    legal_number = fields.String(dump_only=True, allow_none=True)
    legal_date = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "The regulation's date"}
    )
    enacted_at = fields.DateTime(
        dump_only=True, allow_none=True, metadata={"description": "When the version was marked enacted here"}
    )
    program_count = fields.Integer(dump_only=True)
    quick_win_count = fields.Integer(dump_only=True)


class TenantMasterplanSchema(Schema):
    tenant_id = fields.UUID(dump_only=True, attribute="tenant.id")
    tenant_slug = fields.String(dump_only=True, attribute="tenant.slug")
    tenant_name = fields.String(dump_only=True, attribute="tenant.name")
    province_name = fields.String(dump_only=True, attribute="tenant.province_name")
    masterplan = fields.Nested(
        EnactedMasterplanSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "The tenant's enacted version; null while it has enacted none"},
    )

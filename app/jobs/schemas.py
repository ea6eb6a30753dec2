"""API shapes for job runs."""

from marshmallow import Schema, fields

from app.core.bounds import Line
from app.core.jobs import get_kind
from app.jobs.models import STATUSES, JobRun


def _label(run) -> str:
    spec = get_kind(run.kind)
    return str(spec.label) if spec else run.kind


class JobRunSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True)
    kind_label = fields.Function(_label, dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(STATUSES)})
    progress = fields.Integer(dump_only=True, metadata={"description": "0 to 100"})
    message = fields.String(dump_only=True, allow_none=True)
    error = fields.String(dump_only=True, allow_none=True)
    attempts = fields.Integer(dump_only=True)
    max_attempts = fields.Integer(dump_only=True)
    requested_by = fields.UUID(dump_only=True, allow_none=True, metadata={"description": "null: the system"})
    result_file_id = fields.UUID(dump_only=True, allow_none=True)
    result_url = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    started_at = fields.DateTime(dump_only=True, allow_none=True)
    finished_at = fields.DateTime(dump_only=True, allow_none=True)


class JobCreateSchema(Schema):
    kind = Line(JobRun.kind, required=True, min_length=1)

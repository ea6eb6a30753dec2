"""API shapes for stored files."""

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.core.bounds import Line
from app.files.models import StoredFile
from app.files.services import UPLOAD_PURPOSES


class StoredFileSchema(Schema):
    id = fields.UUID(dump_only=True)
    purpose = fields.String(dump_only=True)
    filename = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    sha256 = fields.String(dump_only=True)
    uploaded_by = fields.UUID(dump_only=True, allow_none=True)
    owner_type = fields.String(dump_only=True, allow_none=True)
    owner_id = fields.UUID(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class FileUploadFormSchema(Schema):
    """An upload: one multipart body holding the purpose and the file."""

    purpose = Line(StoredFile.purpose, required=True, validate=validate.OneOf(UPLOAD_PURPOSES))
    file = Upload(required=True)


class FileUploadSchema(Schema):
    file = Upload(required=True)

"""REST resources: upload a file, list and read one's files, download, remove an unattached upload."""

from flask import g
from flask.views import MethodView

from app.core.api import Blueprint, paginate_query
from app.extensions import db
from app.files import services
from app.files.download import send_stored
from app.files.schemas import FileUploadFormSchema, StoredFileSchema

blp = Blueprint("files_api", __name__, url_prefix="/api/v1/t/<tenant>/files", description="Stored files")
blueprints = (blp,)


@blp.route("")
class Files(MethodView):
    @blp.response(200, StoredFileSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List the caller's uploads and results (a tenant admin: every file), newest first"""
        return paginate_query(db.session, services.files_query(actor=g.actor), pagination_parameters)

    @blp.doc(operationId="uploadFile")
    @blp.arguments(FileUploadFormSchema, location="multipart")
    @blp.response(201, StoredFileSchema)
    def post(self, form):
        """Upload evidence or a sheet to import (multipart); checked by content, 413 past the size limit"""
        upload = form["file"]
        stored = services.store_upload(upload.stream, upload.filename, purpose=form["purpose"], actor=g.actor)
        db.session.commit()
        return stored


@blp.route("/<uuid:stored_file_id>")
class FileById(MethodView):
    @blp.etag
    @blp.response(200, StoredFileSchema)
    def get(self, stored_file_id):
        """Show a file's name, kind, size and SHA-256"""
        return services.get_file(stored_file_id, actor=g.actor)

    @blp.etag
    @blp.response(204)
    def delete(self, stored_file_id):
        """Remove an upload that is not attached to anything yet"""
        blp.check_etag(services.get_file(stored_file_id, actor=g.actor), StoredFileSchema)
        services.delete_file(stored_file_id, actor=g.actor)
        db.session.commit()


@blp.route("/<uuid:stored_file_id>/content")
class FileContent(MethodView):
    @blp.doc(operationId="downloadFile")
    @blp.response(200, content_type="application/octet-stream")
    def get(self, stored_file_id):
        """Download the file"""
        return send_stored(services.get_file(stored_file_id, actor=g.actor))

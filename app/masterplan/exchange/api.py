"""REST resources: a masterplan version as an Excel workbook (template, export, import) and as the
official PDF document. Exports and imports answer 202 with the job run; follow it at /jobs/{id} and
download its result at /jobs/{id}/result."""

from io import BytesIO

from flask import g, make_response, send_file
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from app.core.api import Blueprint
from app.core.bounds import Line
from app.extensions import db
from app.jobs.schemas import JobRunSchema
from app.masterplan.exchange import services
from app.masterplan.exchange.workbook import XLSX_TYPE

blp = Blueprint(
    "masterplan_exchange_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>/masterplans/<uuid:masterplan_id>",
    description="A masterplan as an Excel workbook (template, export, import) and as the official PDF",
)
blueprints = (blp,)


class ImportCreateSchema(Schema):
    file_id = fields.UUID(
        required=True,
        metadata={"description": "An .xlsx uploaded to POST /files with purpose=import"},
    )


class ExportCreateSchema(Schema):
    format = Line(
        max(len(kind) for kind in services.EXPORT_KINDS),
        required=True,
        validate=validate.OneOf(tuple(services.EXPORT_KINDS)),
        metadata={"description": "xlsx: the workbook (importable again); pdf: the official document"},
    )


def _locale() -> str:
    return g.user.locale or "id"


@blp.route("/workbook-template")
class WorkbookTemplate(MethodView):
    @blp.doc(operationId="downloadWorkbookTemplate")
    @blp.response(200, content_type=XLSX_TYPE)
    def get(self, masterplan_id):
        """Download the empty Excel template of this version: its dimensions, code lists, OPDs and years"""
        data, filename = services.template_workbook(masterplan_id, actor=g.actor)
        response = make_response(
            send_file(BytesIO(data), mimetype=XLSX_TYPE, as_attachment=True, download_name=filename)
        )
        response.headers["Cache-Control"] = "private, no-store"
        return response


@blp.route("/imports")
class WorkbookImports(MethodView):
    @blp.doc(operationId="importWorkbook")
    @blp.arguments(ImportCreateSchema)
    @blp.response(202, JobRunSchema)
    def post(self, data, masterplan_id):
        """Import an uploaded workbook into this draft as a job: all rows or none (409 unless a draft)"""
        run = services.start_import(masterplan_id, data["file_id"], actor=g.actor, locale=_locale())
        db.session.commit()
        return run


@blp.route("/exports")
class MasterplanExports(MethodView):
    @blp.doc(operationId="exportMasterplan")
    @blp.arguments(ExportCreateSchema)
    @blp.response(202, JobRunSchema)
    def post(self, data, masterplan_id):
        """Export this version as an Excel workbook or as the official PDF document, as a job"""
        run = services.start_export(masterplan_id, data["format"], actor=g.actor, locale=_locale())
        db.session.commit()
        return run

"""REST resources: reporting settings, periods (open, close, reopen), progress reports with their
workflow (submit, verify, return) and evidence."""

from io import BytesIO

from flask import g, make_response, send_file
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import Schema

from app.core.api import Blueprint, paginate_query
from app.core.bounds import Line
from app.core.errors import NotFound, ValidationFailed
from app.core.workbooks import check_workbook, received_workbook
from app.extensions import db
from app.files import services as files
from app.reporting import periods, presenters, publishing, reports, workbook
from app.reporting.models import Evidence
from app.reporting.schemas import (
    PeriodWorkbookImportSchema,
    PeriodWorkbookOutcomeSchema,
    PeriodWorkbookQueryArgsSchema,
    ProgressReportCreateSchema,
    ProgressReportDecisionSchema,
    ProgressReportQueryArgsSchema,
    ProgressReportSchema,
    ProgressReportTransitionSchema,
    ProgressReportUpdateSchema,
    PublishedSnapshotSchema,
    ReportEvidenceLinkSchema,
    ReportEvidenceSchema,
    ReportingPeriodQueryArgsSchema,
    ReportingPeriodSchema,
    ReportingPeriodsCreateSchema,
    ReportingPeriodTransitionSchema,
    ReportingPeriodUpdateSchema,
    ReportingSettingsSchema,
    RollupNodeSchema,
    RollupWeightsSchema,
    RollupWorkbookQueryArgsSchema,
    SnapshotQueryArgsSchema,
)

blp = Blueprint(
    "reporting_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>/reporting",
    description="Progress reporting: periods, each program's progress report, verification, evidence",
)
blueprints = (blp,)


class ProgressReportSummarySchema(ProgressReportSchema):
    class Meta:
        exclude = ("indicator_actuals", "budget_realisations", "evidence")


class PeriodWorkbookUploadFormSchema(Schema):
    """A filled-in period workbook: one multipart body holding the file."""

    file = Upload(required=True)


class ReportEvidenceUploadFormSchema(Schema):
    """Evidence to upload: one multipart body holding the file and its title."""

    file = Upload(required=True)
    title = Line(Evidence.title)


# --- settings ------------------------------------------------------------------------------------------


@blp.route("/settings")
class ReportingSettings(MethodView):
    @blp.doc(operationId="getReportingSettings")
    @blp.etag
    @blp.response(200, ReportingSettingsSchema)
    def get(self):
        """Show how often the tenant reports, when reminders go out and how progress rolls up"""
        return periods.get_settings(actor=g.actor)

    @blp.doc(operationId="updateReportingSettings")
    @blp.etag
    @blp.arguments(ReportingSettingsSchema)
    @blp.response(200, ReportingSettingsSchema)
    def patch(self, data):
        """Change the reporting frequency (for years not planned yet), the reminder lead time in days or the
        roll-up rule (tenant administrator)"""
        blp.check_etag(periods.get_settings(actor=g.actor), ReportingSettingsSchema)
        settings = periods.update_settings(data, actor=g.actor)
        db.session.commit()
        return settings


@blp.route("/settings/rollup-weights")
class RollupWeights(MethodView):
    @blp.doc(operationId="getRollupWeights")
    @blp.etag
    @blp.response(200, RollupWeightsSchema)
    def get(self):
        """Show the tenant's own roll-up weights by dimension and element code"""
        return _weights_dict(periods.get_rollup_weights(actor=g.actor))

    @blp.doc(operationId="replaceRollupWeights")
    @blp.etag
    @blp.arguments(RollupWeightsSchema)
    @blp.response(200, RollupWeightsSchema)
    def put(self, data):
        """Replace the tenant's own roll-up weights (tenant administrator): 422 for a negative weight, a
        non-number or a code that is not the framework's"""
        blp.check_etag(_weights_dict(periods.get_rollup_weights(actor=g.actor)), RollupWeightsSchema)
        weights = periods.set_rollup_weights(data, actor=g.actor)
        db.session.commit()
        return _weights_dict(weights)


def _weights_dict(weights) -> dict:
    # JSON numbers: a whole weight as an integer, a fraction as a float.
    def number(value):
        return int(value) if value == value.to_integral_value() else float(value)

    return {
        "dimensions": {code: number(w) for code, w in weights.dimensions.items()},
        "elements": {code: number(w) for code, w in weights.elements.items()},
    }


# --- periods -------------------------------------------------------------------------------------------


@blp.route("/periods")
class Periods(MethodView):
    @blp.doc(operationId="listReportingPeriods")
    @blp.arguments(ReportingPeriodQueryArgsSchema, location="query")
    @blp.response(200, ReportingPeriodSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List the reporting periods, newest first"""
        stmt = periods.periods_query(args.get("year"), args.get("status"), actor=g.actor)
        return [presenters.period_dict(p) for p in paginate_query(db.session, stmt, pagination_parameters)]

    @blp.doc(operationId="planReportingPeriods")
    @blp.arguments(ReportingPeriodsCreateSchema)
    @blp.response(201, ReportingPeriodSchema(many=True))
    def post(self, data):
        """Plan a year's periods at the tenant's frequency (tenant administrator); 409 when planned already"""
        created = periods.create_periods(data["year"], actor=g.actor)
        db.session.commit()
        return [presenters.period_dict(p) for p in created]


@blp.route("/periods/<uuid:period_id>")
class PeriodById(MethodView):
    @blp.doc(operationId="getReportingPeriod")
    @blp.etag
    @blp.response(200, ReportingPeriodSchema)
    def get(self, period_id):
        """Show a period with its dates (in the tenant's zone) and state"""
        return presenters.period_dict(periods.get_period(period_id, actor=g.actor))

    @blp.doc(operationId="updateReportingPeriod")
    @blp.etag
    @blp.arguments(ReportingPeriodUpdateSchema)
    @blp.response(200, ReportingPeriodSchema)
    def patch(self, data, period_id):
        """Move a period's opening or due date (tenant administrator)"""
        blp.check_etag(
            presenters.period_dict(periods.get_period(period_id, actor=g.actor)), ReportingPeriodSchema
        )
        period = periods.update_period(period_id, data, actor=g.actor)
        db.session.commit()
        return presenters.period_dict(period)


@blp.route("/periods/<uuid:period_id>/transitions")
class PeriodTransitions(MethodView):
    @blp.doc(operationId="changeReportingPeriodStatus")
    @blp.arguments(ReportingPeriodTransitionSchema)
    @blp.response(200, ReportingPeriodSchema)
    def post(self, data, period_id):
        """Open a planned period, close (lock) an open one, or reopen a closed one with a reason; 409 when
        the period is not in the state the step needs"""
        action = data["action"]
        if action == "open":
            period = periods.open_period(period_id, actor=g.actor)
        elif action == "close":
            period = periods.close_period(period_id, actor=g.actor)
        else:
            period = periods.reopen_period(period_id, data.get("reason"), actor=g.actor)
        db.session.commit()
        return presenters.period_dict(period)


# --- reports -------------------------------------------------------------------------------------------


@blp.route("/reports")
class Reports(MethodView):
    @blp.doc(operationId="listProgressReports")
    @blp.arguments(ProgressReportQueryArgsSchema, location="query")
    @blp.response(200, ProgressReportSummarySchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List progress reports, by period, OPD or workflow status (an OPD operator sees their own OPDs')"""
        stmt = reports.reports_query(
            args.get("period_id"), opd_id=args.get("opd_id"), status=args.get("status"), actor=g.actor
        )
        found = paginate_query(db.session, stmt, pagination_parameters)
        return presenters.report_summaries(found, g.actor)

    @blp.doc(operationId="startProgressReport")
    @blp.arguments(ProgressReportCreateSchema)
    @blp.response(201, ProgressReportSchema)
    def post(self, data):
        """Start a program's report for an open period as a draft, with the year's targets and planned budget
        copied from the masterplan (the existing report when it has one)"""
        report = reports.start_report(data["period_id"], data["program_id"], actor=g.actor)
        db.session.commit()
        return presenters.report_detail(report, g.actor)


@blp.route("/reports/decisions")
class ReportDecisions(MethodView):
    @blp.doc(operationId="decideProgressReports")
    @blp.arguments(ProgressReportDecisionSchema)
    @blp.response(200, ProgressReportSummarySchema(many=True))
    def post(self, data):
        """Verify several submitted reports, or return them with one comment, in one step (tenant
        administrator or planner): all of them or none; the people concerned are mailed"""
        decided = reports.decide_reports(
            data["report_ids"], data["action"], data.get("comment"), actor=g.actor
        )
        db.session.commit()
        return presenters.report_summaries(decided, g.actor)


@blp.route("/reports/<uuid:report_id>")
class ReportById(MethodView):
    @blp.doc(operationId="getProgressReport")
    @blp.etag
    @blp.response(200, ProgressReportSchema)
    def get(self, report_id):
        """Show a report with its indicator actuals against targets, budget realisation and evidence"""
        return presenters.report_detail(reports.get_report(report_id, actor=g.actor), g.actor)

    @blp.doc(operationId="updateProgressReport")
    @blp.etag
    @blp.arguments(ProgressReportUpdateSchema)
    @blp.response(200, ProgressReportSchema)
    def patch(self, data, report_id):
        """Change a draft or returned report; 422 naming the field for a bad value, 409 when the period is
        not open or the report is submitted or verified"""
        blp.check_etag(
            presenters.report_detail(reports.get_report(report_id, actor=g.actor), g.actor),
            ProgressReportSchema,
        )
        report = reports.update_report(report_id, data, actor=g.actor)
        db.session.commit()
        return presenters.report_detail(report, g.actor)


@blp.route("/reports/<uuid:report_id>/transitions")
class ReportTransitions(MethodView):
    @blp.doc(operationId="changeProgressReportStatus")
    @blp.arguments(ProgressReportTransitionSchema)
    @blp.response(200, ProgressReportSchema)
    def post(self, data, report_id):
        """Submit a report (its OPD), verify it or return it with a comment (tenant administrator or
        planner); the people concerned are mailed"""
        action = data["action"]
        if action == "submit":
            report = reports.submit_report(report_id, actor=g.actor)
        elif action == "verify":
            report = reports.verify_report(report_id, actor=g.actor)
        else:
            report = reports.return_report(report_id, data.get("comment"), actor=g.actor)
        db.session.commit()
        return presenters.report_detail(report, g.actor)


@blp.route("/reports/<uuid:report_id>/evidence")
class ReportEvidence(MethodView):
    @blp.doc(operationId="listReportEvidence")
    @blp.response(200, ReportEvidenceSchema(many=True))
    @blp.paginate()
    def get(self, report_id, pagination_parameters):
        """List a report's evidence: files (downloaded from /files/{stored_file_id}/content) and links"""
        reports.get_report(report_id, actor=g.actor)
        found = reports.evidence_of([report_id], actor=g.actor)[report_id]
        pagination_parameters.item_count = len(found)
        start = (pagination_parameters.page - 1) * pagination_parameters.page_size
        return found[start : start + pagination_parameters.page_size]

    @blp.doc(operationId="uploadReportEvidence")
    @blp.arguments(ReportEvidenceUploadFormSchema, location="multipart")
    @blp.response(201, ReportEvidenceSchema)
    def post(self, form, report_id):
        """Attach a photo or document as evidence (multipart: ``file``, optional ``title``); 413 past the
        size limit"""
        upload = form["file"]
        evidence = reports.add_evidence_file(
            report_id, upload.stream, upload.filename, form.get("title"), actor=g.actor
        )
        db.session.commit()
        return evidence


@blp.route("/reports/<uuid:report_id>/links")
class ReportLinks(MethodView):
    @blp.doc(operationId="addReportLink")
    @blp.arguments(ReportEvidenceLinkSchema)
    @blp.response(201, ReportEvidenceSchema)
    def post(self, data, report_id):
        """Add a link (https) as evidence"""
        evidence = reports.add_evidence_link(report_id, data["url"], data.get("title"), actor=g.actor)
        db.session.commit()
        return evidence


@blp.route("/reports/<uuid:report_id>/evidence/<uuid:evidence_id>")
class ReportEvidenceById(MethodView):
    @blp.doc(operationId="getReportEvidence")
    @blp.response(200, ReportEvidenceSchema)
    def get(self, report_id, evidence_id):
        """Show a piece of evidence"""
        return reports.get_evidence(report_id, evidence_id, actor=g.actor)

    @blp.doc(operationId="deleteReportEvidence")
    @blp.response(204)
    def delete(self, report_id, evidence_id):
        """Remove a piece of evidence (and its file) from a report that can still change"""
        reports.remove_evidence(report_id, evidence_id, actor=g.actor)
        db.session.commit()


@blp.route("/periods/<uuid:period_id>/rollup")
class PeriodRollup(MethodView):
    @blp.doc(operationId="getReportingPeriodRollup")
    @blp.response(200, RollupNodeSchema)
    def get(self, period_id):
        """Verified physical progress rolled up: the masterplan, each dimension, each sub-dimension and each
        program, with the rule each level used (budget-weighted or equal) and how many programs counted"""
        tree = reports.period_rollup(periods.get_period(period_id, actor=g.actor), actor=g.actor)
        return tree.as_dict() if tree is not None else {"key": "masterplan", "label": "", "children": []}


@blp.route("/periods/<uuid:period_id>/rollup/workbook")
class PeriodRollupWorkbook(MethodView):
    @blp.doc(operationId="downloadReportingPeriodRollupWorkbook")
    @blp.arguments(RollupWorkbookQueryArgsSchema, location="query")
    @blp.response(200, content_type=workbook.XLSX_TYPE)
    def get(self, args, period_id):
        """Download the roll-up as an Excel workbook: every level with its progress, weight (budget), share
        of its parent's weight and contribution, and the rule"""
        data, filename = workbook.rollup_workbook(period_id, actor=g.actor, language=args.get("lang", "id"))
        return _xlsx(data, filename)


# --- the period as a workbook --------------------------------------------------------------------------


def _xlsx(data: bytes, filename: str):
    response = make_response(
        send_file(BytesIO(data), mimetype=workbook.XLSX_TYPE, as_attachment=True, download_name=filename)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/periods/<uuid:period_id>/workbook")
class PeriodWorkbook(MethodView):
    @blp.doc(operationId="downloadReportingPeriodWorkbook")
    @blp.arguments(PeriodWorkbookQueryArgsSchema, location="query")
    @blp.response(200, content_type=workbook.XLSX_TYPE)
    def get(self, args, period_id):
        """Download the period's reports as an Excel workbook (all figures, one row per program, with the
        indicator and budget sheets), to read or to fill in and upload back; an OPD operator's holds only
        their own OPDs' programs"""
        data, filename = workbook.period_workbook(
            period_id, actor=g.actor, opd_id=args.get("opd_id"), language=args.get("lang", "id")
        )
        return _xlsx(data, filename)


@blp.route("/periods/<uuid:period_id>/workbook/uploads")
class PeriodWorkbookUploads(MethodView):
    @blp.doc(operationId="uploadReportingPeriodWorkbook")
    @blp.arguments(PeriodWorkbookUploadFormSchema, location="multipart")
    @blp.response(200, PeriodWorkbookOutcomeSchema)
    def post(self, form, period_id):
        """Apply a filled-in period workbook (multipart ``file``), all or nothing: 422 listing every wrong
        cell by sheet, row and column (a stale or locked report, another OPD's program, a bad value), 413
        past the size limit, 409 when the period is not open"""
        with received_workbook(form["file"].stream, workbook.MAX_UPLOAD_BYTES) as path:
            outcome = workbook.import_workbook(period_id, path, actor=g.actor)
        db.session.commit()
        return outcome


@blp.route("/periods/<uuid:period_id>/workbook/imports")
class PeriodWorkbookImports(MethodView):
    @blp.doc(operationId="importReportingPeriodWorkbook")
    @blp.arguments(PeriodWorkbookImportSchema)
    @blp.response(200, PeriodWorkbookOutcomeSchema)
    def post(self, data, period_id):
        """Apply a filled-in period workbook uploaded to POST /files before, all or nothing, as the
        multipart upload does"""
        try:
            stored = files.get_file(data["file_id"], actor=g.actor)
        except NotFound:
            raise ValidationFailed.field("file_id", _l("no upload with this id that you may read")) from None
        path = files.content_path(stored)
        check_workbook(path)
        outcome = workbook.import_workbook(period_id, path, actor=g.actor)
        db.session.commit()
        return outcome


def _snapshot(snapshot) -> dict:
    values = _snapshot_columns(snapshot)
    values["superseded"] = snapshot.id in publishing.superseded_ids([snapshot])
    return values


@blp.route("/periods/<uuid:period_id>/publication")
class PeriodPublication(MethodView):
    @blp.doc(operationId="publishReportingPeriod")
    @blp.response(201, PublishedSnapshotSchema)
    def post(self, period_id):
        """Publish the period's verified progress as an immutable snapshot (tenant administrator); publishing
        again writes the next version, which supersedes the earlier one"""
        snapshot = publishing.publish_period(period_id, actor=g.actor)
        db.session.commit()
        return _snapshot(snapshot)


@blp.route("/snapshots")
class Snapshots(MethodView):
    @blp.doc(operationId="listPublishedSnapshots")
    @blp.arguments(SnapshotQueryArgsSchema, location="query")
    @blp.response(200, PublishedSnapshotSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List the published snapshots, newest first, each saying whether a later version superseded it"""
        stmt = publishing.snapshots_query(args.get("period_id"), actor=g.actor)
        found = paginate_query(db.session, stmt, pagination_parameters)
        superseded = publishing.superseded_ids(found)
        return [{**_snapshot_columns(s), "superseded": s.id in superseded} for s in found]


@blp.route("/snapshots/<uuid:snapshot_id>")
class SnapshotById(MethodView):
    @blp.doc(operationId="getPublishedSnapshot")
    @blp.response(200, PublishedSnapshotSchema)
    def get(self, snapshot_id):
        """Show a published snapshot: the roll-up at every level, each program, budget by funding source"""
        return _snapshot(publishing.get_snapshot(snapshot_id, actor=g.actor))


def _snapshot_columns(snapshot) -> dict:
    return {c.key: getattr(snapshot, c.key) for c in snapshot.__table__.columns}

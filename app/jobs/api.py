"""REST resources: start a job, follow it, download its result."""

from flask import g
from flask.views import MethodView

from app.core.api import Blueprint, paginate_query
from app.core.files import send_stored
from app.extensions import db
from app.files import services as files
from app.jobs import services
from app.jobs.schemas import JobCreateSchema, JobRunSchema

blp = Blueprint("jobs_api", __name__, url_prefix="/api/v1/t/<tenant>/jobs", description="Background jobs")
blueprints = (blp,)


def _locale() -> str:
    return g.user.locale or "id"


@blp.route("")
class Jobs(MethodView):
    @blp.response(200, JobRunSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List the caller's job runs (a tenant admin: everyone's), newest first, with live progress"""
        runs = paginate_query(db.session, services.jobs_query(actor=g.actor), pagination_parameters)
        return services.with_live_progress(runs, actor=g.actor)

    @blp.arguments(JobCreateSchema)
    @blp.response(202, JobRunSchema)
    def post(self, data):
        """Start a job that needs no parameters (e.g. members_export); follow it at its own URL"""
        run = services.start_offered_job(data["kind"], actor=g.actor, locale=_locale())
        db.session.commit()
        return run


@blp.route("/<uuid:job_run_id>")
class JobById(MethodView):
    @blp.response(200, JobRunSchema)
    def get(self, job_run_id):
        """Show a job run: status, progress 0-100, message, error, result"""
        return services.with_live_progress([services.get_job(job_run_id, actor=g.actor)], actor=g.actor)[0]


@blp.route("/<uuid:job_run_id>/result")
class JobResultFile(MethodView):
    @blp.doc(operationId="downloadJobResult")
    @blp.response(200, content_type="application/octet-stream")
    def get(self, job_run_id):
        """Download the job's result file"""
        stored = services.result_file(job_run_id, actor=g.actor)
        return send_stored(stored, files.content_path(stored))

"""Pages: the member's jobs, one job with a progress bar that updates itself, starting and re-running;
for the platform admin, the schedule list and the platform's runs, a fanned-out one with its tenants.

With JavaScript, htmx polls the progress fragment every second until the job ends; without, the page
refreshes itself every few seconds (and has a refresh link).
"""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.jobs import schedules
from app.core.pages import paginate, platform_admin_required
from app.extensions import db
from app.files import services as files
from app.jobs import services
from app.jobs.models import JobRun
from app.jobs.schedules import next_time

bp = Blueprint("jobs", __name__, url_prefix="/t/<tenant>/jobs", template_folder="templates")
platform_bp = Blueprint("platform_jobs", __name__, url_prefix="/admin/jobs", template_folder="templates")

PAGE_SIZE = 25


@bp.get("")
def jobs():
    # A run of the system (requested_by None) is listed too, without a name.
    stmt = (
        services.jobs_query(actor=g.actor).outerjoin(User, User.id == JobRun.requested_by).add_columns(User)
    )
    page = paginate(stmt, per_page=PAGE_SIZE, rows=True)
    services.with_live_progress([run for run, _user in page.items], actor=g.actor)
    return render_template("jobs/jobs.html", page=page, offered=services.offered_kinds(actor=g.actor))


@bp.post("")
def start():
    try:
        run = services.start_offered_job(
            request.form.get("kind", ""), actor=g.actor, locale=str(get_locale())
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.status == 403:
            raise
        flash(_("This job cannot be started here."), "danger")
        return redirect(url_for("jobs.jobs"))
    return redirect(url_for("jobs.job", job_run_id=run.id), code=303)


def _job_context(job_run_id) -> dict:
    run = services.with_live_progress([services.get_job(job_run_id, actor=g.actor)], actor=g.actor)[0]
    result = files.get_file(run.result_file_id, actor=g.actor) if run.result_file_id else None
    return {
        "run": run,
        "result": result,
        "may_run_again": services.may_run_again(run, actor=g.actor),
        "stuck": services.is_stuck(run, actor=g.actor),
    }


@bp.get("/<uuid:job_run_id>")
def job(job_run_id):
    context = _job_context(job_run_id)
    requester = db.session.scalar(select(User).where(User.id == context["run"].requested_by))
    return render_template("jobs/job.html", requester=requester, **context)


@bp.get("/<uuid:job_run_id>/progress")
def progress(job_run_id):
    """The progress card alone, for htmx to swap in."""
    return render_template("jobs/_progress.html", **_job_context(job_run_id))


@bp.post("/<uuid:job_run_id>/again")
def again(job_run_id):
    try:
        run = services.run_again(job_run_id, actor=g.actor, locale=str(get_locale()))
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.status in (403, 404):
            raise
        flash(_("This job has not finished yet and is not stuck: it will end by itself."), "warning")
        return redirect(url_for("jobs.job", job_run_id=job_run_id))
    return redirect(url_for("jobs.job", job_run_id=run.id), code=303)


# --- the platform's runs -----------------------------------------------------------------------------


@platform_bp.get("")
@platform_admin_required
def runs():
    page = paginate(services.platform_runs_query(actor=g.actor), per_page=PAGE_SIZE)
    services.platform_runs_progress(page.items, actor=g.actor)
    now = utcnow()
    planned = [(schedule, next_time(schedule, now)) for schedule in schedules()]
    return render_template("jobs/platform_runs.html", page=page, planned=planned)


def _platform_context(run_id) -> dict:
    run, children = services.platform_run_with_children(run_id, actor=g.actor)
    return {"run": run, "children": children}


@platform_bp.get("/<uuid:run_id>")
@platform_admin_required
def run(run_id):
    return render_template("jobs/platform_run.html", **_platform_context(run_id))


@platform_bp.get("/<uuid:run_id>/progress")
@platform_admin_required
def run_progress(run_id):
    """The run's progress and its tenants alone, for htmx to swap in."""
    return render_template("jobs/_platform_progress.html", **_platform_context(run_id))

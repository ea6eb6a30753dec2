"""Background jobs: a registry of job kinds, runs recorded per tenant, inline or on rq workers; system
jobs for a tenant or the platform, the schedule list, and platform jobs that fan out per tenant.

For a domain: register a kind with ``app.core.jobs.job_kind``, report progress with
``app.core.job_progress.report_progress``, store a result with ``app.files.services.store_job_result``,
start it with ``app.jobs.services.start_job`` and send the member to ``url_for("jobs.job", job_run_id=...)``.
Periodic work: a platform kind with ``@scheduled``, its work recorded under a key with
``app.jobs.idempotency.once``; per tenant through ``app.jobs.platform.fan_out``.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.auth import PLATFORM_ADMIN
from app.core.nav import register_nav
from app.core.paths import register_path_param
from app.jobs.models import JobRun

register_nav("tenant", "jobs.jobs", _l("Jobs"), order=85)
register_nav("platform", "platform_jobs.runs", _l("Scheduled jobs"), (PLATFORM_ADMIN,), order=85)
register_path_param("job_run_id", JobRun)


def job_kind_label(kind: str) -> str:
    from app.core.jobs import get_kind

    spec = get_kind(kind)
    return str(spec.label) if spec else kind


def job_status_label(status: str) -> str:
    labels = {"queued": _("Waiting"), "running": _("Running"), "succeeded": _("Done"), "failed": _("Failed")}
    return labels.get(status, status)


def init_app(app) -> None:
    from app.core.api import register_api
    from app.core.audit import register_object_label, register_value_label
    from app.core.metrics import register_scrape_reader
    from app.files.services import JOB_RUN_OWNER, register_owner
    from app.jobs import (
        api,
        housekeeping,  # noqa: F401 - its kinds and schedules register on import
        reminders,  # noqa: F401 - its kinds and schedule register on import
        schedules,
        services,
        views,
        watch,  # noqa: F401 - the watch list follows every run's status from here on
    )
    from app.jobs.metrics import job_figures

    register_owner(JOB_RUN_OWNER, lambda run_id, actor: services.may_see_job(run_id, actor=actor))
    register_scrape_reader(job_figures)
    register_object_label("JobRun", _l("Job"))
    register_object_label("StoredFile", _l("File"))
    register_value_label("JobRun", "kind", job_kind_label)
    app.jinja_env.globals.update(job_kind_label=job_kind_label, job_status_label=job_status_label)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.platform_bp)
    register_api(app, *api.blueprints)
    if app.config.get("JOBS_TICKER"):
        schedules.start_ticker(app)

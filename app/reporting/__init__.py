"""Progress reporting: reporting periods, each program's progress report from its OPD, verification by
the secretariat, the roll-up to the city and published snapshots."""

from flask_babel import lazy_gettext as _l

from app.core.form_errors import register_field_labels
from app.core.nav import register_nav
from app.core.paths import register_path_param
from app.reporting.models import Evidence, ProgressReport, PublishedSnapshot, ReportingPeriod

register_nav("tenant", "reporting.index", _l("Progress"), order=25)

register_path_param("period_id", ReportingPeriod)
register_path_param("report_id", ProgressReport)
register_path_param("evidence_id", Evidence)
register_path_param("snapshot_id", PublishedSnapshot)

register_field_labels(
    {
        "progress_status": _l("Status"),
        "physical_pct": _l("Physical progress (%)"),
        "narrative": _l("Narrative"),
        "obstacles": _l("Obstacles"),
        "follow_up": _l("Follow-up"),
        "opens_on": _l("Opens on"),
        "due_on": _l("Due on"),
        "reason": _l("Reason"),
        "comment": _l("Comment"),
        "reminder_days": _l("Reminder (days before the due date)"),
        "frequency": _l("Frequency"),
        "rollup_rule": _l("Roll-up rule"),
        "url": _l("Link"),
        "file": _l("File"),
        "program_id": _l("Program"),
        "period_id": _l("Period"),
    }
)

# Stored codes that read as words on the audit pages: (object type, column, views.LABELS group).
AUDITED_CODES = (
    ("ReportingPeriod", "status", "period_status"),
    ("ReportingPeriod", "frequency", "frequency"),
    ("ReportingSettings", "frequency", "frequency"),
    ("ReportingSettings", "rollup_rule", "rollup_rule"),
    ("ProgressReport", "status", "report_status"),
    ("ProgressReport", "progress_status", "progress_status"),
)


def _register_audit_labels() -> None:
    from app.core.audit import register_object_label, register_value_label
    from app.reporting.views import LABELS

    for object_type, column, group in AUDITED_CODES:
        register_value_label(object_type, column, lambda code, group=group: LABELS[group].get(code, code))
    for object_type, label in {
        "ReportingSettings": _l("Reporting settings"),
        "RollupWeight": _l("Roll-up weight"),
        "ReportingPeriod": _l("Reporting period"),
        "ProgressReport": _l("Progress report"),
        "IndicatorActual": _l("Indicator actual"),
        "BudgetRealisation": _l("Budget realisation"),
        "Evidence": _l("Evidence"),
        "PublishedSnapshot": _l("Published snapshot"),
    }.items():
        register_object_label(object_type, label)


def _opd_reports(opd_id) -> str | None:
    """What in progress reporting still names an OPD: the reports it wrote (an OPD with reports stays)."""
    from sqlalchemy import func, select

    from app.extensions import db

    count = db.session.scalar(select(func.count()).where(ProgressReport.opd_id == opd_id))
    return _l("progress reports name this OPD (%(count)d)", count=count) if count else None


def init_app(app) -> None:
    """Progress reporting registers its pages, API, jobs and commands here."""
    from app.core.api import register_api
    from app.core.dashboard import register_panel
    from app.core.reminders import register_reminders
    from app.files.services import register_owner
    from app.reporting import api, reminders, reports, views
    from app.tenants.services import register_opd_reference

    app.register_blueprint(views.bp)
    register_api(app, *api.blueprints)
    register_owner(reports.EVIDENCE_OWNER, reports.evidence_readable)
    register_opd_reference(_opd_reports)
    register_reminders("progress_reports", reminders.LABEL, reminders.send_reminders)
    # The dashboard's first panels: progress is what the secretariat opens the product for.
    register_panel("reporting/_dashboard.html", views.dashboard_panel, order=10)
    _register_audit_labels()

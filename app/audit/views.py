"""Pages: a tenant admin browses the tenant's audit log; a platform admin the platform's. Both export
what the filter shows to Excel.

Filtering and paging work as plain GET forms and links; with htmx only the results are swapped.
"""

from flask import Blueprint, g, render_template, request, send_file
from flask_babel import get_timezone
from marshmallow import ValidationError

from app.audit import export, services
from app.audit.readable import action_label
from app.audit.schemas import AuditQueryArgsSchema
from app.core import audit
from app.core.errors import ValidationFailed
from app.core.form_errors import page_errors
from app.core.pages import paginate, platform_admin_required, wants_fragment

bp = Blueprint("audit", __name__, url_prefix="/t/<tenant>/audit", template_folder="templates")
admin_bp = Blueprint("platform_audit", __name__, url_prefix="/admin/audit", template_folder="templates")

PAGE_SIZE = 50
# The element holding the results, which htmx swaps while filtering and paging.
RESULTS = "audit-results"
FILTER_KEYS = ("user_id", "object_type", "action", "since", "until")


def _filters(timezone: str) -> tuple[services.AuditFilter, dict]:
    """The filter from the query string (empty fields ignored) and the errors, by field, if any."""
    raw = {k: v for k, v in request.args.items() if k in FILTER_KEYS and v}
    try:
        return services.AuditFilter(timezone=timezone, **AuditQueryArgsSchema().load(raw)), {}
    except ValidationError as error:
        return services.AuditFilter(timezone=timezone), page_errors(error.messages)


def _render(template: str, log: str, timezone: str, export_endpoint: str):
    """The log's page (or, for htmx, its results alone), filtered and paged as the query string says."""
    filters, errors = _filters(timezone)
    page = paginate(services.log_query(log, filters, actor=g.actor), per_page=PAGE_SIZE, rows=True)
    object_types = services.log_object_types(log, actor=g.actor)
    actions = services.log_actions(log, actor=g.actor)
    context = dict(
        page=page,
        names=services.log_names(log, [entry for entry, _user in page.items], actor=g.actor),
        # the filters (and language) a link to another page keeps
        params={key: value for key, value in request.args.items() if key != "page"},
        filter_params={key: value for key, value in request.args.items() if key in FILTER_KEYS and value},
        users=services.log_users(log, actor=g.actor),
        # The filter offers object types and actions as they read, in the page's alphabetical order.
        object_types=sorted(object_types, key=lambda t: str(audit.object_label(t)).casefold()),
        actions=_action_choices(actions),
        errors=errors,
        args=request.args,
        endpoint=request.endpoint,
        export_endpoint=export_endpoint,
        export_limit=export.MAX_ROWS,
    )
    if wants_fragment(RESULTS):
        body, status = render_template("audit/_results.html", **context), 200
    else:
        body, status = render_template(template, **context), (422 if errors else 200)
    return body, status, {"Vary": "HX-Request"}


def _action_choices(actions: list[str]) -> list[tuple[str, str]]:
    """Writes first (created, changed, removed), then the events by their labels."""
    writes = [a for a in audit.WRITE_ACTIONS]
    events = sorted((a for a in actions if a not in writes), key=lambda a: action_label(a).casefold())
    return [(a, action_label(a)) for a in writes + events]


def _export(log: str, timezone: str, title: str, name: str):
    filters, errors = _filters(timezone)
    if errors:
        field, messages = next(iter(errors.items()))
        raise ValidationFailed.field(field, messages[0])
    workbook = export.audit_workbook(log, filters, title, actor=g.actor)
    return send_file(
        workbook,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=name,
    )


@bp.get("")
def entries():
    return _render("audit/entries.html", "tenant", g.tenant.timezone, "audit.export_entries")


@bp.get("/export.xlsx")
def export_entries():
    """The filtered log as an Excel workbook, newest first, as the page reads it."""
    return _export("tenant", g.tenant.timezone, g.tenant.name, export.file_name(g.tenant.slug))


@admin_bp.get("")
@platform_admin_required
def platform_entries():
    zone = str(get_timezone())  # the page's zone
    return _render("audit/platform_entries.html", "platform", zone, "platform_audit.export_platform_entries")


@admin_bp.get("/export.xlsx")
@platform_admin_required
def export_platform_entries():
    """The filtered platform log as an Excel workbook."""
    return _export("platform", str(get_timezone()), "Kota Cerdas", export.file_name("platform"))

"""Pages: a tenant admin browses the tenant's audit log; a platform admin the platform's.

Filtering and paging work as plain GET forms and links; with htmx only the results are swapped.
"""

from flask import Blueprint, g, render_template, request
from flask_babel import get_timezone
from marshmallow import ValidationError

from app.audit import services
from app.audit.schemas import AuditQueryArgsSchema
from app.core import audit
from app.core.auth import TENANT_ADMIN
from app.core.pages import is_htmx, platform_admin_required
from app.core.pagination import page_number, paginate
from app.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/t/<tenant>/audit", template_folder="templates")
admin_bp = Blueprint("platform_audit", __name__, url_prefix="/admin/audit", template_folder="templates")

PAGE_SIZE = 50


def _filters(timezone: str) -> tuple[services.AuditFilter, dict]:
    """The filter from the query string (empty fields ignored) and the errors, by field, if any."""
    raw = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    try:
        return services.AuditFilter(timezone=timezone, **AuditQueryArgsSchema().load(raw)), {}
    except ValidationError as error:
        return services.AuditFilter(timezone=timezone), {k: list(v) for k, v in error.messages.items()}


def _render(template: str, query, users, object_types, timezone: str, **context):
    filters, errors = _filters(timezone)
    page = paginate(db.session, query(filters), page_number(request.args.get("page")), PAGE_SIZE, rows=True)
    context.update(
        page=page,
        users=users,
        # The filter offers object types as they read, in alphabetical order of the page's language.
        object_types=sorted(object_types, key=lambda t: str(audit.object_label(t)).casefold()),
        errors=errors,
        args=request.args,
        endpoint=request.endpoint,
    )
    # A history restore (back button after an htmx swap) wants the whole page.
    if is_htmx() and not request.headers.get("HX-History-Restore-Request"):
        body, status = render_template("audit/_results.html", **context), 200
    else:
        body, status = render_template(template, **context), (422 if errors else 200)
    return body, status, {"Vary": "HX-Request"}


@bp.get("")
def entries():
    g.actor.require_tenant_role(TENANT_ADMIN)
    return _render(
        "audit/entries.html",
        lambda filters: services.tenant_log_query(filters, actor=g.actor),
        services.tenant_log_users(actor=g.actor),
        services.tenant_object_types(actor=g.actor),
        g.tenant.timezone,
    )


@admin_bp.get("")
@platform_admin_required
def platform_entries():
    return _render(
        "audit/platform_entries.html",
        lambda filters: services.platform_log_query(filters, actor=g.actor),
        services.platform_log_users(actor=g.actor),
        services.platform_object_types(actor=g.actor),
        str(get_timezone()),  # the zone the page shows its times in
    )

"""Pages: a tenant admin browses the tenant's audit log; a platform admin the platform's.

Filtering and paging work as plain GET forms and links; with htmx only the results are swapped.
"""

from flask import Blueprint, g, render_template, request
from flask_babel import get_timezone
from marshmallow import ValidationError

from app.audit import services
from app.audit.schemas import AuditQueryArgsSchema
from app.core import audit
from app.core.form_errors import page_errors
from app.core.pages import paginate, platform_admin_required, wants_fragment

bp = Blueprint("audit", __name__, url_prefix="/t/<tenant>/audit", template_folder="templates")
admin_bp = Blueprint("platform_audit", __name__, url_prefix="/admin/audit", template_folder="templates")

PAGE_SIZE = 50
# The element holding the results, which htmx swaps while filtering and paging.
RESULTS = "audit-results"


def _filters(timezone: str) -> tuple[services.AuditFilter, dict]:
    """The filter from the query string (empty fields ignored) and the errors, by field, if any."""
    raw = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    try:
        return services.AuditFilter(timezone=timezone, **AuditQueryArgsSchema().load(raw)), {}
    except ValidationError as error:
        return services.AuditFilter(timezone=timezone), page_errors(error.messages)


def _render(template: str, log: str, timezone: str):
    """The log's page (or, for htmx, its results alone), filtered and paged as the query string says."""
    filters, errors = _filters(timezone)
    page = paginate(services.log_query(log, filters, actor=g.actor), per_page=PAGE_SIZE, rows=True)
    object_types = services.log_object_types(log, actor=g.actor)
    context = dict(
        page=page,
        # the filters (and language) a link to another page keeps
        params={key: value for key, value in request.args.items() if key != "page"},
        users=services.log_users(log, actor=g.actor),
        # The filter offers object types as they read, in alphabetical order of the page's language.
        object_types=sorted(object_types, key=lambda t: str(audit.object_label(t)).casefold()),
        errors=errors,
        args=request.args,
        endpoint=request.endpoint,
    )
    if wants_fragment(RESULTS):
        body, status = render_template("audit/_results.html", **context), 200
    else:
        body, status = render_template(template, **context), (422 if errors else 200)
    return body, status, {"Vary": "HX-Request"}


@bp.get("")
def entries():
    return _render("audit/entries.html", "tenant", g.tenant.timezone)


@admin_bp.get("")
@platform_admin_required
def platform_entries():
    return _render("audit/platform_entries.html", "platform", str(get_timezone()))  # the page's zone

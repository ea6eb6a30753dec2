"""Pages: a tenant administrator exports their tenant (/t/<tenant>/export); the platform operator exports
any tenant from its admin page (/admin/tenants/<id>/export), follows the run and downloads the ZIP."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.core.files import send_stored
from app.core.pages import paginate, platform_admin_required, wants_fragment
from app.extensions import db
from app.portability import services
from app.tenants import services as tenants

bp = Blueprint("portability", __name__, url_prefix="/t/<tenant>/export", template_folder="templates")
admin_bp = Blueprint(
    "portability_admin",
    __name__,
    url_prefix="/admin/tenants/<uuid:tenant_id>/export",
    template_folder="templates",
)

RUNS = "export-runs"


@bp.get("")
def export():
    page = paginate(services.exports_query(actor=g.actor), per_page=10)
    return render_template("portability/export.html", page=page)


@bp.post("")
def start():
    run = services.start_export(actor=g.actor, locale=str(get_locale()))
    db.session.commit()
    return redirect(url_for("jobs.job", job_run_id=run.id), code=303)


@admin_bp.get("")
@platform_admin_required
def tenant_export(tenant_id):
    tenant = tenants.get_tenant(tenant_id, actor=g.actor)
    runs = services.export_runs_for(tenant_id, actor=g.actor)
    template = "portability/_admin_runs.html" if wants_fragment(RUNS) else "portability/admin_export.html"
    return render_template(template, tenant=tenant, runs=runs)


@admin_bp.post("")
@platform_admin_required
def start_tenant_export(tenant_id):
    tenant = tenants.get_tenant(tenant_id, actor=g.actor)
    services.start_export_for(tenant_id, actor=g.actor, locale=str(get_locale()))
    db.session.commit()
    flash(
        _("The export of %(name)s has started. Its ZIP appears below when it is ready.", name=tenant.name),
        "success",
    )
    return redirect(url_for("portability_admin.tenant_export", tenant_id=tenant_id), code=303)


@admin_bp.get("/<uuid:run_id>/download")
@platform_admin_required
def download(tenant_id, run_id):
    stored, path = services.export_file_for(tenant_id, run_id, actor=g.actor)
    return send_stored(stored, path)

"""Ministry pages: tenants' released data, read through the audited ministry access path."""

from dataclasses import replace

from flask import Blueprint, g, render_template

from app.core.pages import login_required, paginate, wants_fragment
from app.ministry import services

bp = Blueprint("ministry", __name__, url_prefix="/ministry", template_folder="templates")
MASTERPLAN_TABLE = "ministry-masterplans"


@bp.get("/masterplans")
@login_required
def masterplans():
    """Each tenant's enacted masterplan, one page of tenants at a time (one audited read per page)."""
    page = paginate(services.reachable_tenants_query(g.actor))
    page = replace(page, items=services.enacted_masterplans(g.actor, page.items))
    if wants_fragment(MASTERPLAN_TABLE):
        return render_template("ministry/_masterplan_table.html", page=page)
    return render_template("ministry/masterplans.html", page=page)

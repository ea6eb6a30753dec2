"""Pages for platform and ministry admins, in the ministry area: framework versions (drafts edited,
published ones frozen) and the national code lists. Their former addresses under /admin redirect."""

from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.core.pages import login_required
from app.extensions import db
from app.masterplan import frameworks, policy
from app.masterplan.models import CODE_LISTS
from app.masterplan.views import admin_bp, attempt, flash_outcome

# /admin/frameworks/... and /admin/code-lists/... moved to /ministry/...: bookmarks and forms follow.
moved_bp = Blueprint("frameworks_moved", __name__, url_prefix="/admin")


def reference_admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not policy.can(g.actor, "framework.manage"):
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def _names(form) -> dict:
    return {
        k: form.get(k, "") for k in ("code", "name_id", "name_en", "strategy_prefix", "goal") if k in form
    }


@admin_bp.route("/frameworks", methods=["GET", "POST"], endpoint="frameworks")
@reference_admin_required
def frameworks_page():
    errors, status = {}, 200
    if request.method == "POST":
        data = {k: request.form.get(k, "") for k in ("code", "name_id", "name_en", "issuer")}
        created = {}
        errors, status = attempt(lambda: created.update(f=frameworks.create_framework(data, actor=g.actor)))
        if not errors:
            flash(_("Framework %(code)s started as a draft.", code=created["f"].code), "success")
            return redirect(url_for("frameworks_admin.framework", framework_id=created["f"].id))
    rows = frameworks.list_frameworks()
    return render_template(
        "masterplan/admin_frameworks.html",
        trees=frameworks.trees(rows),
        errors=errors,
        form=request.form,
    ), status


@admin_bp.get("/frameworks/<uuid:framework_id>")
@reference_admin_required
def framework(framework_id):
    return render_template("masterplan/admin_framework.html", tree=frameworks.framework_tree(framework_id))


def _back(framework_id):
    return redirect(url_for("frameworks_admin.framework", framework_id=framework_id))


@admin_bp.post("/frameworks/<uuid:framework_id>")
@reference_admin_required
def update_framework(framework_id):
    data = {k: request.form.get(k, "") for k in ("name_id", "name_en", "issuer", "source")}
    errors, _status = attempt(lambda: frameworks.update_framework(framework_id, data, actor=g.actor))
    flash_outcome(errors, _("Saved."))
    return _back(framework_id)


@admin_bp.post("/frameworks/<uuid:framework_id>/dimensions")
@reference_admin_required
def add_dimension(framework_id):
    errors, _status = attempt(
        lambda: frameworks.save_dimension(framework_id, _names(request.form), actor=g.actor)
    )
    flash_outcome(errors, _("Dimension added."))
    return _back(framework_id)


@admin_bp.post("/frameworks/<uuid:framework_id>/dimensions/<uuid:dimension_id>")
@reference_admin_required
def update_dimension(framework_id, dimension_id):
    if request.form.get("action") == "delete":
        errors, _status = attempt(
            lambda: frameworks.delete_dimension(framework_id, dimension_id, actor=g.actor)
        )
        flash_outcome(errors, _("Dimension removed."))
    else:
        errors, _status = attempt(
            lambda: frameworks.save_dimension(
                framework_id, _names(request.form), actor=g.actor, dimension_id=dimension_id
            )
        )
        flash_outcome(errors, _("Saved."))
    return _back(framework_id)


@admin_bp.post("/frameworks/<uuid:framework_id>/dimensions/<uuid:dimension_id>/sub-dimensions")
@reference_admin_required
def add_sub_dimension(framework_id, dimension_id):
    errors, _status = attempt(
        lambda: frameworks.save_sub_dimension(framework_id, dimension_id, _names(request.form), actor=g.actor)
    )
    flash_outcome(errors, _("Sub-dimension added."))
    return _back(framework_id)


@admin_bp.post(
    "/frameworks/<uuid:framework_id>/dimensions/<uuid:dimension_id>/sub-dimensions/<uuid:sub_dimension_id>"
)
@reference_admin_required
def update_sub_dimension(framework_id, dimension_id, sub_dimension_id):
    if request.form.get("action") == "delete":
        errors, _status = attempt(
            lambda: frameworks.delete_sub_dimension(
                framework_id, dimension_id, sub_dimension_id, actor=g.actor
            )
        )
        flash_outcome(errors, _("Sub-dimension removed."))
    else:
        errors, _status = attempt(
            lambda: frameworks.save_sub_dimension(
                framework_id,
                dimension_id,
                _names(request.form),
                actor=g.actor,
                sub_dimension_id=sub_dimension_id,
            )
        )
        flash_outcome(errors, _("Saved."))
    return _back(framework_id)


@admin_bp.post("/frameworks/<uuid:framework_id>/state")
@reference_admin_required
def framework_state(framework_id):
    action = request.form.get("action")
    if action == "publish":
        errors, _status = attempt(lambda: frameworks.publish_framework(framework_id, actor=g.actor))
        flash_outcome(errors, _("Published: tenants can follow this version; it no longer changes."))
    elif action == "retire":
        errors, _status = attempt(lambda: frameworks.retire_framework(framework_id, actor=g.actor))
        flash_outcome(errors, _("Retired: no new masterplan follows this version."))
    elif action == "new_version":
        created = {}
        errors, _status = attempt(
            lambda: created.update(f=frameworks.add_version(framework_id, actor=g.actor))
        )
        flash_outcome(errors, _("A new draft version was copied from this one."))
        if not errors:
            return _back(created["f"].id)
    elif action == "delete":
        errors, _status = attempt(lambda: frameworks.delete_framework(framework_id, actor=g.actor))
        flash_outcome(errors, _("The draft is deleted."))
        if not errors:
            return redirect(url_for("frameworks_admin.frameworks"))
    else:
        abort(400)
    return _back(framework_id)


# --- code lists ------------------------------------------------------------------------------------


@admin_bp.route("/code-lists", methods=["GET", "POST"])
@reference_admin_required
def code_lists():
    if request.method == "POST":
        data = {k: request.form.get(k, "") for k in ("list_name", "code", "name_id", "name_en")}
        errors, _status = attempt(lambda: frameworks.add_code_list_item(data, actor=g.actor))
        flash_outcome(errors, _("Entry added."))
        return redirect(url_for("frameworks_admin.code_lists"))
    items = {name: [] for name in CODE_LISTS}
    for item in db.session.scalars(frameworks.code_list_items_query()):
        items.setdefault(item.list_name, []).append(item)
    return render_template("masterplan/admin_code_lists.html", items=items)


@admin_bp.post("/code-lists/<uuid:code_list_item_id>")
@reference_admin_required
def update_code_list_item(code_list_item_id):
    data = {k: request.form.get(k, "") for k in ("name_id", "name_en")}
    data["retired"] = request.form.get("retired") == "1"
    errors, _status = attempt(
        lambda: frameworks.update_code_list_item(code_list_item_id, data, actor=g.actor)
    )
    flash_outcome(errors, _("Saved."))
    return redirect(url_for("frameworks_admin.code_lists"))


# --- former addresses ------------------------------------------------------------------------------

MOVED_METHODS = ["GET", "HEAD", "POST"]


@moved_bp.route("/frameworks", defaults={"rest": ""}, methods=MOVED_METHODS)
@moved_bp.route("/frameworks/<path:rest>", methods=MOVED_METHODS)
def moved_frameworks(rest):
    return _moved("frameworks", rest)


@moved_bp.route("/code-lists", defaults={"rest": ""}, methods=MOVED_METHODS)
@moved_bp.route("/code-lists/<path:rest>", methods=MOVED_METHODS)
def moved_code_lists(rest):
    return _moved("code-lists", rest)


def _moved(page: str, rest: str):
    """A permanent redirect to the page's address in the ministry area, keeping its query; a form
    posted to the former address is posted again there (308 keeps the method)."""
    target = f"{admin_bp.url_prefix}/{page}" + (f"/{rest}" if rest else "")
    query = request.query_string.decode("latin-1")
    code = 301 if request.method in ("GET", "HEAD") else 308
    return redirect(target + (f"?{query}" if query else ""), code=code)

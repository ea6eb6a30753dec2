"""Pages for platform and ministry admins, in the ministry area: framework versions and code list
versions (drafts edited, published ones frozen). Their former addresses under /admin redirect."""

from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError
from app.core.form_errors import field_label, form_errors, page_message
from app.core.pages import login_required
from app.extensions import db
from app.reference import policy, services

# The national reference data is the ministry's: its pages live in the ministry area (platform admins too).
admin_bp = Blueprint("frameworks_admin", __name__, url_prefix="/ministry", template_folder="templates")
# /admin/frameworks/... and /admin/code-lists/... moved to /ministry/...: bookmarks and forms follow.
moved_bp = Blueprint("frameworks_moved", __name__, url_prefix="/admin")

STATE_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "retired": _l("Retired")}
STATE_BADGES = {"draft": "secondary", "published": "success", "retired": "light"}
LIST_LABELS = {
    "program_class": _l("Program class"),
    "horizon": _l("Horizon"),
    "funding_source": _l("Funding source"),
    "pentahelix": _l("Pentahelix sector"),
}


def localized_name(obj) -> str:
    """A reference entry's name in the page's language (Indonesian by default)."""
    if obj is None:
        return ""
    return obj.name_en if str(get_locale()) == "en" and obj.name_en else obj.name_id


@admin_bp.context_processor
def _labels() -> dict:
    return {"state_labels": STATE_LABELS, "state_badges": STATE_BADGES, "list_labels": LIST_LABELS}


def attempt(action) -> tuple[dict, int]:
    """Run a service call and commit; on a domain error roll back and return the form's errors."""
    try:
        action()
        db.session.commit()
        return {}, 200
    except DomainError as error:
        return form_errors(error), error.status


def flash_outcome(errors: dict, success: str) -> None:
    if errors:
        flash(
            "; ".join(
                page_message(m) if field == "_" else f"{field_label(field)}: {page_message(m)}"
                for field, messages in errors.items()
                for m in messages
            ),
            "danger",
        )
    else:
        flash(success, "success")


def reference_admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not policy.can(g.actor, "reference.draft"):
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
        errors, status = attempt(lambda: created.update(f=services.create_framework(data, actor=g.actor)))
        if not errors:
            flash(_("Framework %(code)s started as a draft.", code=created["f"].code), "success")
            return redirect(url_for("frameworks_admin.framework", framework_id=created["f"].id))
    rows = services.list_frameworks(actor=g.actor)
    return render_template(
        "reference/frameworks.html",
        trees=services.framework_trees(rows, actor=g.actor),
        errors=errors,
        form=request.form,
    ), status


@admin_bp.get("/frameworks/<uuid:framework_id>")
@reference_admin_required
def framework(framework_id):
    return render_template(
        "reference/framework.html", tree=services.framework_tree(framework_id, actor=g.actor)
    )


def _back(framework_id):
    return redirect(url_for("frameworks_admin.framework", framework_id=framework_id))


@admin_bp.post("/frameworks/<uuid:framework_id>")
@reference_admin_required
def update_framework(framework_id):
    data = {k: request.form.get(k, "") for k in ("name_id", "name_en", "issuer", "source")}
    errors, _status = attempt(lambda: services.update_framework(framework_id, data, actor=g.actor))
    flash_outcome(errors, _("Saved."))
    return _back(framework_id)


@admin_bp.post("/frameworks/<uuid:framework_id>/dimensions")
@reference_admin_required
def add_dimension(framework_id):
    errors, _status = attempt(
        lambda: services.save_dimension(framework_id, _names(request.form), actor=g.actor)
    )
    flash_outcome(errors, _("Dimension added."))
    return _back(framework_id)


@admin_bp.post("/frameworks/<uuid:framework_id>/dimensions/<uuid:dimension_id>")
@reference_admin_required
def update_dimension(framework_id, dimension_id):
    if request.form.get("action") == "delete":
        errors, _status = attempt(
            lambda: services.delete_dimension(framework_id, dimension_id, actor=g.actor)
        )
        flash_outcome(errors, _("Dimension removed."))
    else:
        errors, _status = attempt(
            lambda: services.save_dimension(
                framework_id, _names(request.form), actor=g.actor, dimension_id=dimension_id
            )
        )
        flash_outcome(errors, _("Saved."))
    return _back(framework_id)


@admin_bp.post("/frameworks/<uuid:framework_id>/dimensions/<uuid:dimension_id>/sub-dimensions")
@reference_admin_required
def add_sub_dimension(framework_id, dimension_id):
    errors, _status = attempt(
        lambda: services.save_sub_dimension(framework_id, dimension_id, _names(request.form), actor=g.actor)
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
            lambda: services.delete_sub_dimension(framework_id, dimension_id, sub_dimension_id, actor=g.actor)
        )
        flash_outcome(errors, _("Sub-dimension removed."))
    else:
        errors, _status = attempt(
            lambda: services.save_sub_dimension(
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
        errors, _status = attempt(lambda: services.publish_framework(framework_id, actor=g.actor))
        flash_outcome(errors, _("Published: tenants can follow this version; it no longer changes."))
    elif action == "retire":
        errors, _status = attempt(lambda: services.retire_framework(framework_id, actor=g.actor))
        flash_outcome(errors, _("Retired: no new masterplan follows this version."))
    elif action == "new_version":
        created = {}
        errors, _status = attempt(
            lambda: created.update(f=services.draft_framework_version(framework_id, actor=g.actor))
        )
        flash_outcome(errors, _("A new draft version was copied from this one."))
        if not errors:
            return _back(created["f"].id)
    elif action == "delete":
        errors, _status = attempt(lambda: services.delete_framework(framework_id, actor=g.actor))
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
    """Each list's latest version with its entries: a draft is edited and published, a published version
    is read and its next version drafted."""
    if request.method == "POST":
        data = {k: request.form.get(k, "") for k in ("list_name", "code", "name_id", "name_en")}
        errors, _status = attempt(lambda: services.add_code_list_item(data, actor=g.actor))
        flash_outcome(errors, _("Entry added."))
        return redirect(url_for("frameworks_admin.code_lists"))
    latest = {}
    for version in services.code_list_versions(actor=g.actor):
        latest.setdefault(version.code, version)
    items = {name: [] for name in latest}
    for item in db.session.scalars(services.code_list_items_query(actor=g.actor)):
        items.setdefault(item.list_name, []).append(item)
    return render_template("reference/code_lists.html", items=items, versions=latest)


@admin_bp.post("/code-lists/<uuid:code_list_item_id>")
@reference_admin_required
def update_code_list_item(code_list_item_id):
    data = {k: request.form.get(k, "") for k in ("name_id", "name_en")}
    data["retired"] = request.form.get("retired") == "1"
    errors, _status = attempt(lambda: services.update_code_list_item(code_list_item_id, data, actor=g.actor))
    flash_outcome(errors, _("Saved."))
    return redirect(url_for("frameworks_admin.code_lists"))


@admin_bp.post("/code-lists/<list_name>/<int:version>/state")
@reference_admin_required
def code_list_state(list_name, version):
    action = request.form.get("action")
    if action == "new_version":
        errors, _status = attempt(lambda: services.draft_code_list_version(list_name, actor=g.actor))
        flash_outcome(errors, _("A new draft version was copied from the latest one."))
    elif action == "publish":
        errors, _status = attempt(lambda: services.publish_code_list(list_name, version, actor=g.actor))
        flash_outcome(errors, _("Published: tenants are offered this version; it no longer changes."))
    elif action == "delete":
        errors, _status = attempt(lambda: services.discard_code_list_draft(list_name, version, actor=g.actor))
        flash_outcome(errors, _("The draft is deleted."))
    else:
        abort(400)
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

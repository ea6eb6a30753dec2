"""Pages: the list of masterplan versions, a version's overview and settings, review and enactment,
starting a revision, deleting a draft, and comparing two versions."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.masterplan import compare as comparing
from app.masterplan import legal, policy, reports, versions
from app.masterplan.common import MasterplanRefs, get_masterplan
from app.masterplan.models import ENACTED, LEGAL_TYPES
from app.masterplan.schemas import MasterplanCreateSchema, MasterplanUpdateSchema, TransitionSchema
from app.masterplan.views import LABELS, attempt, bp, flash_outcome, render_page
from app.masterplan.views.forms import FormField, read_form, uuid_arg
from app.reference import services as reference


def _framework_choices() -> list[tuple[str, str]]:
    """Published frameworks, the most detailed first (the Kominfo six dimensions × three sub-dimensions
    before sets that have no sub-dimensions yet)."""
    trees = reference.published_frameworks(actor=g.actor, region_code=g.tenant.region_code)
    trees.sort(key=lambda t: -sum(len(t.sub_dimensions[d.id]) for d in t.dimensions))
    return [
        (str(t.framework.id), f"{t.framework.name_id} · {t.framework.code} v{t.framework.version}")
        for t in trees
    ]


def _legal_fields() -> list[FormField]:
    return [
        FormField(
            "legal_type",
            _("Legal basis"),
            "select",
            [(k, str(LABELS["legal_type"][k])) for k in LEGAL_TYPES],
            width=4,
        ),
        FormField("legal_number", _("Number"), width=4, help=_("e.g. 23 Tahun 2020")),
        FormField("legal_date", _("Date"), "date", width=4),
    ]


def _header_fields(with_framework: bool) -> list[FormField]:
    fields = [
        FormField("title", _("Title"), required=True, width=8),
        FormField("version_label", _("Version"), required=True, width=4, help=_("e.g. 1.0, 2.0")),
        FormField("period_start", _("Period from (year)"), "year", required=True, width=3),
        FormField("period_end", _("Period to (year)"), "year", required=True, width=3),
        FormField(
            "rpjmd_start",
            _("RPJMD from"),
            "year",
            width=3,
            help=_("The regional five-year plan it aligns with"),
        ),
        FormField("rpjmd_end", _("RPJMD to"), "year", width=3),
    ]
    if with_framework:
        fields.append(
            FormField("framework_id", _("Framework"), "select", _framework_choices(), required=True)
        )
    fields.append(FormField("vision", _("Vision (visi)"), "textarea"))
    return fields


# --- list and create ---------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
def index():
    errors, status, form = {}, 200, {}
    fields = _header_fields(with_framework=True) + _legal_fields()
    if request.method == "POST":
        form = request.form
        data, errors = read_form(fields, MasterplanCreateSchema())
        status = 422 if errors else 200
        if not errors:
            created = {}
            errors, status = attempt(
                lambda: created.update(m=versions.create_masterplan(data, actor=g.actor))
            )
            if not errors:
                flash(
                    _("Masterplan %(version)s created as a draft.", version=created["m"].version_label),
                    "success",
                )
                return redirect(url_for("masterplan.overview", masterplan_id=created["m"].id))
    masterplans = versions.list_masterplans(actor=g.actor)
    current = next((m for m in masterplans if m.status == ENACTED), None)
    defaults = {
        "title": _("Masterplan Smart City") + " " + g.tenant.name,
        "version_label": "" if masterplans else "1.0",
        "framework_id": str(current.framework_id) if current else None,
    }
    return render_template(
        "masterplan/index.html",
        masterplans=masterplans,
        current=current,
        defaults=defaults,
        fields=fields,
        form=form,
        errors=errors,
        editor=policy.can(g.actor, "masterplan.create"),
    ), status


# --- one version -------------------------------------------------------------------------------------


@bp.get("/<uuid:masterplan_id>")
def overview(masterplan_id):
    view = reports.overview(masterplan_id, actor=g.actor)
    mp = view.masterplan
    chart = view.chart_data(_("Budget and programs per dimension"), (_("Budget (Rp)"), _("Programs")))
    framework = reference.framework_of_masterplan(mp.framework_id, actor=g.actor)
    revised_from = get_masterplan(mp.revised_from_id, actor=g.actor) if mp.revised_from_id else None
    return render_page(
        "masterplan/overview.html",
        mp,
        "masterplan.overview",
        view=view,
        chart=chart,
        framework=framework,
        revised_from=revised_from,
        legal_fields=_legal_fields(),
        suggested_label=versions.next_free_version_label(mp.version_label),
    )


def _settings_fields(mp) -> list[FormField]:
    return _header_fields(with_framework=True) + _legal_fields() if mp.status == "draft" else _legal_fields()


def _settings_page(masterplan_id, status: int = 200, errors=None, document_errors=None):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    return render_page(
        "masterplan/settings.html",
        mp,
        "masterplan.overview",
        status,
        fields=_settings_fields(mp),
        form=request.form if errors else None,
        errors=errors or {},
        document=legal.signed_document(mp, actor=g.actor),
        document_errors=document_errors or {},
        refs=MasterplanRefs(mp),
    )


@bp.route("/<uuid:masterplan_id>/settings", methods=["GET", "POST"])
def settings(masterplan_id):
    if request.method == "GET":
        return _settings_page(masterplan_id)
    mp = get_masterplan(masterplan_id, actor=g.actor)
    data, errors = read_form(_settings_fields(mp), MasterplanUpdateSchema(), partial=True)
    if mp.status == "draft" and not errors:
        data["strategy_prefixes"] = {
            d.code: request.form.get(f"prefix-{d.code}", "").strip() for d in MasterplanRefs(mp).dimensions
        }
        if data.get("framework_id") == mp.framework_id:
            data.pop("framework_id")
    status = 422 if errors else 200
    if not errors:
        errors, status = attempt(lambda: versions.update_masterplan(masterplan_id, data, actor=g.actor))
    if errors:
        return _settings_page(masterplan_id, status, errors=errors)
    flash(_("Saved."), "success")
    return redirect(url_for("masterplan.overview", masterplan_id=masterplan_id))


@bp.post("/<uuid:masterplan_id>/signed-document")
def upload_signed_document(masterplan_id):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _settings_page(masterplan_id, 422, document_errors={"file": [_("Choose the signed PDF.")]})
    errors, status = attempt(
        lambda: legal.attach_signed_document(masterplan_id, upload.stream, upload.filename, actor=g.actor)
    )
    if errors:
        return _settings_page(masterplan_id, status, document_errors=errors)
    flash(_("The signed document is saved."), "success")
    return redirect(url_for("masterplan.settings", masterplan_id=masterplan_id))


@bp.post("/<uuid:masterplan_id>/signed-document/remove")
def remove_signed_document(masterplan_id):
    errors, _status = attempt(lambda: legal.remove_signed_document(masterplan_id, actor=g.actor))
    flash_outcome(errors, _("The signed document is removed."))
    return redirect(url_for("masterplan.settings", masterplan_id=masterplan_id))


TRANSITION_MESSAGES = {
    "in_review": _l("Version submitted for review."),
    "endorsed": _l("Version endorsed."),
    "enacted": _l("Version enacted. The version enacted before is now superseded."),
    "draft": _l("Version returned to draft."),
}


@bp.post("/<uuid:masterplan_id>/status")
def transition(masterplan_id):
    fields = [FormField("status", "", "select"), *_legal_fields()]
    data, errors = read_form(fields, TransitionSchema())
    if not errors:
        target = data.pop("status")
        legal = {k: v for k, v in data.items() if v is not None}
        errors, _status = attempt(
            lambda: versions.change_status(masterplan_id, target, actor=g.actor, legal=legal)
        )
    flash_outcome(errors, str(TRANSITION_MESSAGES.get(request.form.get("status"), _("Saved."))))
    return redirect(url_for("masterplan.overview", masterplan_id=masterplan_id))


@bp.post("/<uuid:masterplan_id>/revision")
def revise(masterplan_id):
    label = request.form.get("version_label", "").strip() or None
    created = {}
    errors, _status = attempt(
        lambda: created.update(m=versions.start_revision(masterplan_id, actor=g.actor, version_label=label))
    )
    if errors:
        flash_outcome(errors, "")
        return redirect(url_for("masterplan.overview", masterplan_id=masterplan_id))
    flash(
        _(
            "Revision %(version)s started: a draft copy of the whole version.",
            version=created["m"].version_label,
        ),
        "success",
    )
    return redirect(url_for("masterplan.overview", masterplan_id=created["m"].id))


@bp.post("/<uuid:masterplan_id>/delete")
def delete(masterplan_id):
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm that the draft and all its content are deleted."), "warning")
        return redirect(url_for("masterplan.overview", masterplan_id=masterplan_id))
    errors, _status = attempt(lambda: versions.delete_masterplan(masterplan_id, actor=g.actor))
    flash_outcome(errors, _("The draft is deleted."))
    if errors:
        return redirect(url_for("masterplan.overview", masterplan_id=masterplan_id))
    return redirect(url_for("masterplan.index"))


@bp.get("/<uuid:masterplan_id>/compare")
def compare(masterplan_id):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    others = [m for m in versions.list_masterplans(actor=g.actor) if m.id != mp.id]
    against = uuid_arg("against") or mp.revised_from_id
    if against is not None and against not in {m.id for m in others}:
        against = None
    result = comparing.compare(against, mp.id, actor=g.actor) if against else None
    return render_page(
        "masterplan/compare.html", mp, "masterplan.compare", others=others, against=against, result=result
    )

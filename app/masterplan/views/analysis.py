"""Pages: vision and missions; the strategic analysis per dimension (readiness, gaps, SWOT)."""

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.masterplan import analysis, presenters
from app.masterplan.common import MasterplanRefs, get_masterplan
from app.masterplan.models import (
    SWOT_QUADRANTS,
    GapAnalysis,
    Mission,
    ReadinessEntry,
    SwotItem,
)
from app.masterplan.schemas import (
    GapCreateSchema,
    GapSchema,
    MissionCreateSchema,
    MissionSchema,
    ReadinessCreateSchema,
    ReadinessSchema,
    SwotItemCreateSchema,
    SwotItemSchema,
)
from app.masterplan.views import attempt, bp, render_page
from app.masterplan.views.editing import (
    PartPage,
    create_part,
    delete_part,
    edit_part,
    gap_fields,
    mission_fields,
    readiness_fields,
    swot_fields,
)

# --- vision and missions -----------------------------------------------------------------------------


MISSIONS = PartPage(
    model=Mission,
    schema=MissionSchema,
    fields=lambda refs, mp, obj=None: mission_fields(refs),
    present=presenters.missions,
    update=analysis.update_mission,
    delete=analysis.delete_mission,
    back="masterplan.vision",
    anchor="#missions",
)


def _vision_page(masterplan_id, errors=None, status=200, form=None):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    missions = presenters.missions(
        list(db.session.scalars(analysis.missions_query(masterplan_id, actor=g.actor))), refs
    )
    return render_page(
        "masterplan/vision.html",
        mp,
        "masterplan.vision",
        status,
        refs=refs,
        missions=missions,
        fields=mission_fields(refs),
        errors=errors or {},
        form=form,
    )


@bp.route("/<uuid:masterplan_id>/vision", methods=["GET", "POST"])
def vision(masterplan_id):
    if request.method == "POST":
        errors, status = attempt(
            lambda: analysis.set_vision(masterplan_id, request.form.get("vision"), actor=g.actor)
        )
        if not errors:
            flash(_("Vision saved."), "success")
            return redirect(url_for("masterplan.vision", masterplan_id=masterplan_id))
        return _vision_page(masterplan_id, errors, status)
    return _vision_page(masterplan_id)


@bp.post("/<uuid:masterplan_id>/missions")
def add_mission(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
    errors, status = create_part(
        analysis.create_mission, masterplan_id, mission_fields(refs), MissionCreateSchema()
    )
    if errors:
        return _vision_page(masterplan_id, errors, status, request.form)
    return redirect(url_for("masterplan.vision", masterplan_id=masterplan_id) + "#missions")


@bp.route("/<uuid:masterplan_id>/missions/<uuid:mission_id>", methods=["GET", "POST"])
def edit_mission(masterplan_id, mission_id):
    return edit_part(MISSIONS, masterplan_id, mission_id, _("Edit mission"))


@bp.post("/<uuid:masterplan_id>/missions/<uuid:mission_id>/delete")
def delete_mission(masterplan_id, mission_id):
    return delete_part(MISSIONS, masterplan_id, mission_id)


# --- analysis ----------------------------------------------------------------------------------------


def _entry_counts(refs: MasterplanRefs, readiness, gaps, swot) -> dict[str, int]:
    """How many readiness notes, gaps and SWOT lines each dimension holds."""
    counts: dict[str, int] = {}
    dimension_ids = [r.dimension_id for r in readiness] + [s.dimension_id for s in swot]
    dimension_ids += [refs.sub_dimension_by_id[g.sub_dimension_id].dimension_id for g in gaps]
    for dimension_id in dimension_ids:
        code = refs.dimension_by_id[dimension_id].code
        counts[code] = counts.get(code, 0) + 1
    return counts


def _selected_dimension(refs: MasterplanRefs, counts: dict[str, int]):
    """The dimension asked for; else the first that holds entries, so the page opens on content."""
    code = request.values.get("dimension")
    first_filled = next((d for d in refs.dimensions if counts.get(d.code)), None)
    return (
        refs.dimension_by_code.get(code) or first_filled or (refs.dimensions[0] if refs.dimensions else None)
    )


def _analysis_page(masterplan_id, errors=None, status=200, form=None, form_kind=None):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    all_readiness = list(db.session.scalars(analysis.readiness_query(masterplan_id, actor=g.actor)))
    all_gaps = list(db.session.scalars(analysis.gaps_query(masterplan_id, actor=g.actor)))
    all_swot = list(db.session.scalars(analysis.swot_query(masterplan_id, actor=g.actor)))
    counts = _entry_counts(refs, all_readiness, all_gaps, all_swot)
    dim = _selected_dimension(refs, counts)
    readiness = [r for r in all_readiness if dim and r.dimension_id == dim.id]
    sub_ids = {s.id for s in refs.sub_dimensions if dim and s.dimension_id == dim.id}
    gaps = [gap for gap in all_gaps if gap.sub_dimension_id in sub_ids]
    swot = [s for s in all_swot if dim and s.dimension_id == dim.id]
    return render_page(
        "masterplan/analysis.html",
        mp,
        "masterplan.analysis",
        status,
        refs=refs,
        dim=dim,
        counts=counts,
        readiness={r.aspect: r for r in readiness},
        gaps=gaps,
        swot={q: [s for s in swot if s.quadrant == q] for q in SWOT_QUADRANTS},
        readiness_fields=readiness_fields(refs),
        gap_fields=gap_fields(refs, dim.code if dim else None),
        swot_fields=swot_fields(refs),
        errors=errors or {},
        form=form,
        form_kind=form_kind,
    )


@bp.get("/<uuid:masterplan_id>/analysis", endpoint="analysis")
def analysis_page(masterplan_id):
    return _analysis_page(masterplan_id)


def _analysis_redirect(masterplan_id, anchor: str):
    dimension = request.form.get("dimension_code") or request.values.get("dimension")
    return redirect(url_for("masterplan.analysis", masterplan_id=masterplan_id, dimension=dimension) + anchor)


@bp.post("/<uuid:masterplan_id>/readiness")
def add_readiness(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
    fields = readiness_fields(refs)
    errors, status = create_part(analysis.create_readiness, masterplan_id, fields, ReadinessCreateSchema())
    if errors:
        return _analysis_page(masterplan_id, errors, status, request.form, "readiness")
    return _analysis_redirect(masterplan_id, "#readiness")


@bp.post("/<uuid:masterplan_id>/gaps")
def add_gap(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
    errors, status = create_part(analysis.create_gap, masterplan_id, gap_fields(refs), GapCreateSchema())
    if errors:
        return _analysis_page(masterplan_id, errors, status, request.form, "gap")
    return _analysis_redirect(masterplan_id, "#gaps")


@bp.post("/<uuid:masterplan_id>/swot")
def add_swot(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
    errors, status = create_part(
        analysis.create_swot_item, masterplan_id, swot_fields(refs), SwotItemCreateSchema()
    )
    if errors:
        return _analysis_page(masterplan_id, errors, status, request.form, "swot")
    return _analysis_redirect(masterplan_id, "#swot")


READINESS = PartPage(
    model=ReadinessEntry,
    schema=ReadinessSchema,
    fields=lambda refs, mp, obj=None: readiness_fields(refs),
    present=presenters.readiness,
    update=analysis.update_readiness,
    delete=analysis.delete_readiness,
    back="masterplan.analysis",
    anchor="#readiness",
)
GAPS = PartPage(
    model=GapAnalysis,
    schema=GapSchema,
    fields=lambda refs, mp, obj=None: gap_fields(refs),
    present=presenters.gaps,
    update=analysis.update_gap,
    delete=analysis.delete_gap,
    back="masterplan.analysis",
    anchor="#gaps",
)
SWOT = PartPage(
    model=SwotItem,
    schema=SwotItemSchema,
    fields=lambda refs, mp, obj=None: swot_fields(refs),
    present=presenters.swot,
    update=analysis.update_swot_item,
    delete=analysis.delete_swot_item,
    back="masterplan.analysis",
    anchor="#swot",
)


@bp.route("/<uuid:masterplan_id>/readiness/<uuid:readiness_id>", methods=["GET", "POST"])
def edit_readiness(masterplan_id, readiness_id):
    return edit_part(READINESS, masterplan_id, readiness_id, _("Edit readiness"))


@bp.post("/<uuid:masterplan_id>/readiness/<uuid:readiness_id>/delete")
def delete_readiness(masterplan_id, readiness_id):
    return delete_part(READINESS, masterplan_id, readiness_id)


@bp.route("/<uuid:masterplan_id>/gaps/<uuid:gap_id>", methods=["GET", "POST"])
def edit_gap(masterplan_id, gap_id):
    return edit_part(GAPS, masterplan_id, gap_id, _("Edit gap"))


@bp.post("/<uuid:masterplan_id>/gaps/<uuid:gap_id>/delete")
def delete_gap(masterplan_id, gap_id):
    return delete_part(GAPS, masterplan_id, gap_id)


@bp.route("/<uuid:masterplan_id>/swot/<uuid:swot_item_id>", methods=["GET", "POST"])
def edit_swot(masterplan_id, swot_item_id):
    return edit_part(SWOT, masterplan_id, swot_item_id, _("Edit SWOT line"))


@bp.post("/<uuid:masterplan_id>/swot/<uuid:swot_item_id>/delete")
def delete_swot(masterplan_id, swot_item_id):
    return delete_part(SWOT, masterplan_id, swot_item_id)

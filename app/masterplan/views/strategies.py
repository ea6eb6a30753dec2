"""Pages: the coded strategies, with the next code suggested."""

from flask import g, redirect, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.masterplan import presenters, programs
from app.masterplan.common import MasterplanRefs, get_masterplan
from app.masterplan.models import (
    Strategy,
)
from app.masterplan.schemas import (
    StrategyCreateSchema,
    StrategySchema,
)
from app.masterplan.views import bp, render_page
from app.masterplan.views.editing import PartPage, create_part, delete_part, edit_part, strategy_fields
from app.masterplan.views.forms import uuid_arg

# --- strategies --------------------------------------------------------------------------------------


@bp.get("/<uuid:masterplan_id>/strategies")
def strategies(masterplan_id):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    children, tops = {}, {}
    for strategy in db.session.scalars(programs.strategies_query(masterplan_id, actor=g.actor)):
        if strategy.parent_id:
            children.setdefault(strategy.parent_id, []).append(strategy)
        else:
            tops.setdefault((strategy.dimension_id, strategy.sub_dimension_id), []).append(strategy)
    return render_page(
        "masterplan/strategies.html",
        mp,
        "masterplan.strategies",
        refs=refs,
        children=children,
        tops=tops,
        served=programs.serving_program_counts(masterplan_id, actor=g.actor),
    )


@bp.route("/<uuid:masterplan_id>/strategies/new", methods=["GET", "POST"])
def new_strategy(masterplan_id):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    parent = refs.strategy_by_id.get(uuid_arg("parent"))
    sub = refs.sub_dimension_by_code.get(request.args.get("sub", ""))
    dim = refs.dimension_by_id.get(parent.dimension_id if parent else (sub.dimension_id if sub else None))
    dim = dim or refs.dimension_by_code.get(request.args.get("dimension", ""))
    if dim is None:
        return redirect(url_for("masterplan.strategies", masterplan_id=masterplan_id))
    if parent is not None:
        sub = refs.sub_dimension_by_id.get(parent.sub_dimension_id)
    fields = strategy_fields(refs)
    errors, status = {}, 200
    if request.method == "POST":

        def placement(data, _fields):
            data.update(
                dimension_code=dim.code,
                sub_dimension_code=sub.code if sub else None,
                parent_id=parent.id if parent else None,
            )
            return {}

        errors, status = create_part(
            programs.create_strategy, masterplan_id, fields, StrategyCreateSchema(), placement
        )
        if not errors:
            return redirect(
                url_for("masterplan.strategies", masterplan_id=masterplan_id) + f"#dim-{dim.code}"
            )
    return render_page(
        "masterplan/strategy_new.html",
        mp,
        "masterplan.strategies",
        status,
        page_title=_("New strategy"),
        fields=fields,
        values={"code": programs.suggest_strategy_code(refs, dim, sub, parent)},
        form=request.form if request.method == "POST" else None,
        errors=errors,
        dim=dim,
        sub=sub,
        parent=parent,
    )


STRATEGIES = PartPage(
    model=Strategy,
    schema=StrategySchema,
    fields=lambda refs, mp, obj=None: strategy_fields(refs, obj),
    present=presenters.strategies,
    update=programs.update_strategy,
    delete=programs.delete_strategy,
    back="masterplan.strategies",
)


@bp.route("/<uuid:masterplan_id>/strategies/<uuid:strategy_id>", methods=["GET", "POST"])
def edit_strategy(masterplan_id, strategy_id):
    return edit_part(STRATEGIES, masterplan_id, strategy_id, _("Edit strategy"))


@bp.post("/<uuid:masterplan_id>/strategies/<uuid:strategy_id>/delete")
def delete_strategy(masterplan_id, strategy_id):
    return delete_part(STRATEGIES, masterplan_id, strategy_id)

"""Pages: the tree (navigated and edited in place with htmx), the roadmap and the budget summary."""

from dataclasses import dataclass

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.core.pages import is_htmx
from app.masterplan import goals, policy, programs, reports
from app.masterplan.common import MasterplanRefs, get_masterplan, get_part
from app.masterplan.models import BUDGET_STATUSES, DRAFT, PROGRAM_STATUSES, Goal, Program, Strategy
from app.masterplan.schemas import GoalSchema, ProgramSchema, StrategySchema
from app.masterplan.views import LABELS, attempt, bp, render_page
from app.masterplan.views.choices import code_choices, opd_choices
from app.masterplan.views.forms import FormField, read_form
from app.masterplan.views.programs import program_filters


@bp.get("/<uuid:masterplan_id>/tree")
def tree(masterplan_id):
    view = reports.tree(masterplan_id, request.args.get("dimension") or None, actor=g.actor)
    context = {"view": view, "refs": view.refs, "dimension": request.args.get("dimension")}
    if is_htmx() and request.headers.get("HX-Target") == "tree":
        return render_template(
            "masterplan/_tree.html", mp=view.masterplan, editable=_editable(view.masterplan), **context
        )
    return render_page("masterplan/tree.html", view.masterplan, "masterplan.tree", **context)


def _editable(mp) -> bool:
    return policy.can(g.actor, "masterplan.update", mp) and mp.status == DRAFT


# --- inline editing of a tree node -----------------------------------------------------------------


@dataclass
class NodeKind:
    model: type
    schema: type
    fields: object  # () -> list[FormField]
    update: object
    edit_page: str  # the full edit page, for JavaScript-free browsers
    param: str


def _goal_node_fields():
    return [FormField("text", _("Goal (sasaran)"), "textarea", required=True)]


def _strategy_node_fields():
    return [
        FormField("code", _("Code"), required=True, width=3),
        FormField("text", _("Strategy"), "textarea", required=True, width=9),
    ]


def _program_node_fields():
    statuses = [(k, str(LABELS["program_status"][k])) for k in PROGRAM_STATUSES]
    return [
        FormField("code", _("Code"), required=True, width=3),
        FormField("name", _("Name"), required=True, width=9),
        FormField("status", _("Status"), "select", statuses, width=6),
        FormField("quick_win", _("Quick win"), "checkbox", width=6),
    ]


NODE_KINDS = {
    "goals": NodeKind(
        Goal, GoalSchema, _goal_node_fields, goals.update_goal, "masterplan.edit_goal", "goal_id"
    ),
    "strategies": NodeKind(
        Strategy,
        StrategySchema,
        _strategy_node_fields,
        programs.update_strategy,
        "masterplan.edit_strategy",
        "strategy_id",
    ),
    "programs": NodeKind(
        Program,
        ProgramSchema,
        _program_node_fields,
        programs.update_program,
        "masterplan.edit_program",
        "program_id",
    ),
}


def _node(kind: str, masterplan_id, node_id, *, editing=False, errors=None):
    spec = NODE_KINDS[kind]
    mp = get_masterplan(masterplan_id, actor=g.actor)
    obj = get_part(spec.model, masterplan_id, node_id)
    if not is_htmx():
        # Without JavaScript the full edit page does the same job.
        return redirect(url_for(spec.edit_page, masterplan_id=masterplan_id, **{spec.param: node_id}))
    return render_template(
        "masterplan/_tree_node.html",
        mp=mp,
        kind=kind,
        node=obj,
        editing=editing,
        editable=_editable(mp),
        fields=spec.fields(),
        form=request.form if errors else None,
        errors=errors or {},
        refs=MasterplanRefs(mp),
    )


def _save(kind: str, masterplan_id, node_id):
    spec = NODE_KINDS[kind]
    data, errors = read_form(spec.fields(), spec.schema(), partial=True)
    if not errors:
        errors, _status = attempt(lambda: spec.update(masterplan_id, node_id, data, actor=g.actor))
    if not is_htmx():
        if errors:
            return redirect(url_for(spec.edit_page, masterplan_id=masterplan_id, **{spec.param: node_id}))
        return redirect(url_for("masterplan.tree", masterplan_id=masterplan_id))
    # htmx swaps only successful answers: a refused edit comes back as the form with its errors.
    return _node(kind, masterplan_id, node_id, editing=bool(errors), errors=errors)


@bp.get("/<uuid:masterplan_id>/tree/goals/<uuid:goal_id>")
def tree_goal(masterplan_id, goal_id):
    return _node("goals", masterplan_id, goal_id, editing=request.args.get("edit") == "1")


@bp.post("/<uuid:masterplan_id>/tree/goals/<uuid:goal_id>")
def tree_goal_save(masterplan_id, goal_id):
    return _save("goals", masterplan_id, goal_id)


@bp.get("/<uuid:masterplan_id>/tree/strategies/<uuid:strategy_id>")
def tree_strategy(masterplan_id, strategy_id):
    return _node("strategies", masterplan_id, strategy_id, editing=request.args.get("edit") == "1")


@bp.post("/<uuid:masterplan_id>/tree/strategies/<uuid:strategy_id>")
def tree_strategy_save(masterplan_id, strategy_id):
    return _save("strategies", masterplan_id, strategy_id)


@bp.get("/<uuid:masterplan_id>/tree/programs/<uuid:program_id>")
def tree_program(masterplan_id, program_id):
    return _node("programs", masterplan_id, program_id, editing=request.args.get("edit") == "1")


@bp.post("/<uuid:masterplan_id>/tree/programs/<uuid:program_id>")
def tree_program_save(masterplan_id, program_id):
    return _save("programs", masterplan_id, program_id)


# --- roadmap and budget ----------------------------------------------------------------------------


@bp.get("/<uuid:masterplan_id>/roadmap")
def roadmap(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
    filters = program_filters(refs)
    view = reports.roadmap(masterplan_id, filters, actor=g.actor)
    return render_page(
        "masterplan/roadmap.html",
        view.masterplan,
        "masterplan.roadmap",
        view=view,
        refs=view.refs,
        filters=filters,
        opd_choices=opd_choices(view.refs),
        funding_sources=code_choices(view.refs, "funding_source"),
    )


@bp.get("/<uuid:masterplan_id>/budget")
def budget(masterplan_id):
    status = request.args.get("status") if request.args.get("status") in BUDGET_STATUSES else None
    view = reports.budget_summary(masterplan_id, status, actor=g.actor)
    sources = {code: item for code, item in view.refs.code_lists.get("funding_source", {}).items()}
    return render_page(
        "masterplan/budget.html",
        view.masterplan,
        "masterplan.budget",
        view=view,
        refs=view.refs,
        status=status,
        source_items=sources,
    )

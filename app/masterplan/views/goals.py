"""Pages: goals (sasaran) with their indicators, baselines and yearly targets."""

from flask import g, redirect, request, url_for
from flask_babel import gettext as _

from app.core.numbers import NumberRefused, input_text, parse_decimal
from app.extensions import db
from app.masterplan import goals, presenters
from app.masterplan.common import MasterplanRefs, get_masterplan
from app.masterplan.models import (
    Goal,
    Indicator,
)
from app.masterplan.schemas import (
    GoalCreateSchema,
    GoalSchema,
    IndicatorCreateSchema,
    IndicatorSchema,
)
from app.masterplan.views import bp, render_page
from app.masterplan.views.choices import shortened
from app.masterplan.views.editing import (
    PartPage,
    create_part,
    delete_part,
    edit_part,
    goal_fields,
    indicator_fields,
)
from app.masterplan.views.forms import uuid_arg

# --- goals and indicators ----------------------------------------------------------------------------


def _goal_choices(refs: MasterplanRefs, goal_rows) -> list[tuple[str, str]]:
    def place(goal):
        sub = refs.sub_dimension_by_id.get(goal.sub_dimension_id)
        return sub.code if sub else refs.dimension_by_id[goal.dimension_id].code

    return [(str(goal.id), f"{place(goal)} · {shortened(goal.text, 90)}") for goal in goal_rows]


def _goals_page(masterplan_id, errors=None, status=200, form=None):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    dim_code = request.values.get("dimension")
    goal_rows = list(db.session.scalars(goals.goals_query(masterplan_id, actor=g.actor)))
    shown = [x for x in goal_rows if not dim_code or refs.dimension_by_id[x.dimension_id].code == dim_code]
    indicator_rows = list(db.session.scalars(goals.indicators_query(masterplan_id, actor=g.actor)))
    targets = goals.targets_by_indicator([i.id for i in indicator_rows])
    years = sorted(set(mp.years) | {y for t in targets.values() for y in t})
    by_goal = {}
    for indicator in indicator_rows:
        by_goal.setdefault(indicator.goal_id, []).append(indicator)
    return render_page(
        "masterplan/goals.html",
        mp,
        "masterplan.goals",
        status,
        refs=refs,
        dim_code=dim_code,
        goals=shown,
        indicators=by_goal,
        targets=targets,
        years=years,
        fields=goal_fields(refs),
        errors=errors or {},
        form=form,
    )


@bp.get("/<uuid:masterplan_id>/goals", endpoint="goals")
def goals_page(masterplan_id):
    return _goals_page(masterplan_id)


@bp.post("/<uuid:masterplan_id>/goals")
def add_goal(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
    errors, status = create_part(goals.create_goal, masterplan_id, goal_fields(refs), GoalCreateSchema())
    if errors:
        return _goals_page(masterplan_id, errors, status, request.form)
    return redirect(url_for("masterplan.goals", masterplan_id=masterplan_id))


GOALS = PartPage(
    model=Goal,
    schema=GoalSchema,
    fields=lambda refs, mp, obj=None: goal_fields(refs),
    present=presenters.goals,
    update=goals.update_goal,
    delete=goals.delete_goal,
    back="masterplan.goals",
)


@bp.route("/<uuid:masterplan_id>/goals/<uuid:goal_id>", methods=["GET", "POST"])
def edit_goal(masterplan_id, goal_id):
    return edit_part(GOALS, masterplan_id, goal_id, _("Edit goal"))


@bp.post("/<uuid:masterplan_id>/goals/<uuid:goal_id>/delete")
def delete_goal(masterplan_id, goal_id):
    return delete_part(GOALS, masterplan_id, goal_id)


def _indicator_fields(refs: MasterplanRefs, mp, existing_years=()):
    goal_rows = list(db.session.scalars(goals.goals_query(mp.id, actor=g.actor)))
    years = sorted(set(mp.years) | set(existing_years))
    return indicator_fields(refs, _goal_choices(refs, goal_rows), years)


def _read_targets(data: dict, fields) -> dict:
    """The per-year target inputs as the API's targets list; an empty input means no target that year."""
    targets, errors = [], {}
    for f in fields:
        if not f.name.startswith("target-"):
            continue
        raw = request.form.get(f.name, "").strip()
        if not raw:
            continue
        try:
            value = float(parse_decimal(raw))  # as the page's language writes numbers: 1.250 or 1,25
        except NumberRefused as refused:
            errors[f.name] = [str(refused.message)]
            continue
        targets.append({"year": int(f.name.removeprefix("target-")), "value": value})
    data["targets"] = targets
    return errors


def _indicator_values(indicator_dict: dict) -> dict:
    """The form's values, numbers written as the page's language writes them (200,5 in Indonesian)."""
    values = dict(indicator_dict)
    values["baseline_value"] = input_text(indicator_dict.get("baseline_value"))
    for target in indicator_dict.get("targets", []):
        values[f"target-{target['year']}"] = input_text(target["value"])
    return values


@bp.route("/<uuid:masterplan_id>/indicators/new", methods=["GET", "POST"])
def new_indicator(masterplan_id):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    fields = _indicator_fields(refs, mp)
    errors, status = {}, 200
    if request.method == "POST":
        errors, status = create_part(
            goals.create_indicator, masterplan_id, fields, IndicatorCreateSchema(), _read_targets
        )
        if not errors:
            return redirect(url_for("masterplan.goals", masterplan_id=masterplan_id))
    defaults = {
        "goal_id": str(uuid_arg("goal_id") or ""),
        "polarity": "higher_better",
        "accumulation": "annual",
    }
    return render_page(
        "masterplan/part_form.html",
        mp,
        "masterplan.goals",
        status,
        page_title=_("New indicator"),
        fields=fields,
        values=defaults,
        form=request.form if request.method == "POST" else None,
        errors=errors,
        back=url_for("masterplan.goals", masterplan_id=masterplan_id),
        delete_url=None,
    )


def _indicator_page_fields(refs, mp, indicator=None):
    years = goals.targets_by_indicator([indicator.id])[indicator.id] if indicator else {}
    return _indicator_fields(refs, mp, years)


INDICATORS = PartPage(
    model=Indicator,
    schema=IndicatorSchema,
    fields=_indicator_page_fields,
    present=lambda rows, refs: [_indicator_values(d) for d in presenters.indicators(rows, refs)],
    update=goals.update_indicator,
    delete=goals.delete_indicator,
    back="masterplan.goals",
)


@bp.route("/<uuid:masterplan_id>/indicators/<uuid:indicator_id>", methods=["GET", "POST"])
def edit_indicator(masterplan_id, indicator_id):
    return edit_part(INDICATORS, masterplan_id, indicator_id, _("Edit indicator"), _read_targets)


@bp.post("/<uuid:masterplan_id>/indicators/<uuid:indicator_id>/delete")
def delete_indicator(masterplan_id, indicator_id):
    return delete_part(INDICATORS, masterplan_id, indicator_id)

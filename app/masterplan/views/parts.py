"""Pages for the parts of a masterplan: vision and missions, the analysis (readiness, gaps, SWOT), goals
and indicators, strategies and the action plan. Each list page has its add form; each part has an edit
page and a remove button."""

from dataclasses import dataclass

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _

from app.core.api import PaginationParameters, paginate_query
from app.extensions import db
from app.masterplan import analysis, goals, presenters, programs
from app.masterplan.common import MasterplanRefs, get_masterplan, get_part
from app.masterplan.models import (
    ACCUMULATIONS,
    POLARITIES,
    READINESS_ASPECTS,
    READINESS_LEVELS,
    SWOT_QUADRANTS,
    ActionItem,
    GapAnalysis,
    Goal,
    Indicator,
    Mission,
    ReadinessEntry,
    Strategy,
    SwotItem,
)
from app.masterplan.schemas import (
    ActionItemCreateSchema,
    ActionItemSchema,
    GapCreateSchema,
    GapSchema,
    GoalCreateSchema,
    GoalSchema,
    IndicatorCreateSchema,
    IndicatorSchema,
    MissionCreateSchema,
    MissionSchema,
    ReadinessCreateSchema,
    ReadinessSchema,
    StrategyCreateSchema,
    StrategySchema,
    SwotItemCreateSchema,
    SwotItemSchema,
)
from app.masterplan.views import attempt, bp, flash_outcome, render_page
from app.masterplan.views.choices import dimension_choices, labelled, opd_choices, sub_choices
from app.masterplan.views.forms import FormField, int_arg, read_form, uuid_arg

PAGE_SIZE = 50

# --- field lists -------------------------------------------------------------------------------------


def mission_fields(refs):
    return [
        FormField("number", _("Number"), "number", width=2),
        FormField("text", _("Mission (misi)"), "textarea", required=True, width=10),
        FormField("dimension_codes", _("Dimensions it serves"), "checkboxes", dimension_choices(refs)),
    ]


def readiness_fields(refs):
    return [
        FormField(
            "dimension_code", _("Dimension"), "select", dimension_choices(refs), required=True, width=4
        ),
        FormField(
            "aspect", _("Aspect"), "select", labelled(READINESS_ASPECTS, "aspect"), required=True, width=5
        ),
        FormField("level", _("Readiness"), "select", labelled(READINESS_LEVELS, "level"), width=3),
        FormField("condition", _("Condition"), "textarea", required=True),
    ]


def gap_fields(refs, dimension_code=None):
    return [
        FormField(
            "sub_dimension_code",
            _("Sub-dimension"),
            "select",
            sub_choices(refs, dimension_code),
            required=True,
        ),
        FormField(
            "current_condition", _("Current condition (kondisi saat ini)"), "textarea", required=True, width=4
        ),
        FormField("future_condition", _("Future condition (kondisi masa depan)"), "textarea", width=4),
        FormField("implication", _("Implication"), "textarea", width=4),
    ]


def swot_fields(refs):
    return [
        FormField(
            "dimension_code", _("Dimension"), "select", dimension_choices(refs), required=True, width=4
        ),
        FormField(
            "quadrant", _("Quadrant"), "select", labelled(SWOT_QUADRANTS, "quadrant"), required=True, width=8
        ),
        FormField("text", _("Text"), "textarea", required=True),
    ]


def goal_fields(refs):
    return [
        FormField("dimension_code", _("Dimension"), "select", dimension_choices(refs), width=6),
        FormField(
            "sub_dimension_code",
            _("Sub-dimension"),
            "select",
            sub_choices(refs),
            width=6,
            help=_("Leave empty for a goal of the whole dimension"),
        ),
        FormField("text", _("Goal (sasaran)"), "textarea", required=True),
    ]


def indicator_fields(refs, goal_choices, years):
    fields = [
        FormField("goal_id", _("Goal"), "select", goal_choices, required=True),
        FormField("code", _("Code"), width=3, help=_("Optional, e.g. IND-01")),
        FormField("name", _("Indicator"), required=True, width=6),
        FormField("unit", _("Unit"), required=True, width=3, help=_("e.g. kasus, %, komunitas")),
        FormField("polarity", _("Polarity"), "select", labelled(POLARITIES, "polarity"), width=4),
        FormField(
            "accumulation", _("Accumulation"), "select", labelled(ACCUMULATIONS, "accumulation"), width=4
        ),
        FormField("responsible_opd_id", _("Responsible OPD"), "select", opd_choices(refs), width=4),
        FormField("baseline_value", _("Baseline value"), "number", width=3),
        FormField("baseline_year", _("Baseline year"), "year", width=3),
        FormField("data_source", _("Data source"), width=6),
    ]
    fields += [FormField(f"target-{y}", _("Target %(year)s", year=y), "number", width=2) for y in years]
    return fields


def strategy_fields(refs):
    return [
        FormField(
            "code", _("Code"), width=3, help=_("Suggested; change it if your masterplan numbers differently")
        ),
        FormField("text", _("Strategy"), "textarea", required=True, width=9),
    ]


def action_item_fields(refs, program_choices):
    return [
        FormField("program_id", _("Program"), "select", program_choices, required=True, width=6),
        FormField("year", _("Year"), "year", required=True, width=2),
        FormField("opd_id", _("OPD"), "select", opd_choices(refs), width=4),
        FormField("activity", _("Activity"), "textarea", required=True, width=6),
        FormField("output", _("Output"), "textarea", width=6),
        FormField("target", _("Target"), width=6),
        FormField("budget", _("Budget (Rp)"), "number", width=6),
    ]


# --- the generic edit page and remove button ---------------------------------------------------------


@dataclass
class PartPage:
    """How one kind of part is edited and removed on its own page."""

    model: type
    schema: type
    fields: object  # (refs, masterplan, part or None) -> list[FormField]
    present: object
    update: object
    delete: object
    back: str  # endpoint of the list page
    anchor: str = ""


def _edit(page: PartPage, masterplan_id, part_id, title: str, data_hook=None):
    mp = get_masterplan(masterplan_id)
    refs = MasterplanRefs(mp)
    obj = get_part(page.model, masterplan_id, part_id)
    fields = page.fields(refs, mp, obj)
    errors, status = {}, 200
    back = url_for(page.back, masterplan_id=masterplan_id) + page.anchor
    if request.method == "POST":
        data, errors = read_form(fields, page.schema(), partial=True)
        if data_hook and not errors:
            errors = data_hook(data, fields)
        status = 422 if errors else 200
        if not errors:
            errors, status = attempt(lambda: page.update(masterplan_id, part_id, data, actor=g.actor))
            if not errors:
                flash(_("Saved."), "success")
                return redirect(back)
    values = page.present([obj], refs)[0]
    return render_page(
        "masterplan/part_form.html",
        mp,
        page.back,
        status,
        page_title=title,
        fields=fields,
        values=values,
        form=request.form if request.method == "POST" else None,
        errors=errors,
        back=back,
        delete_url=request.base_url + "/delete",
    )


def _delete(page: PartPage, masterplan_id, part_id):
    errors, _status = attempt(lambda: page.delete(masterplan_id, part_id, actor=g.actor))
    flash_outcome(errors, _("Removed."))
    return redirect(url_for(page.back, masterplan_id=masterplan_id) + page.anchor)


def _create(create, masterplan_id, fields, schema, data_hook=None) -> tuple[dict, int]:
    data, errors = read_form(fields, schema)
    if data_hook and not errors:
        errors = data_hook(data, fields)
    if errors:
        return errors, 422
    errors, status = attempt(lambda: create(masterplan_id, data, actor=g.actor))
    if not errors:
        flash(_("Added."), "success")
    return errors, status


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
    mp = get_masterplan(masterplan_id)
    refs = MasterplanRefs(mp)
    missions = presenters.missions(list(db.session.scalars(analysis.missions_query(masterplan_id))), refs)
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
    refs = MasterplanRefs(get_masterplan(masterplan_id))
    errors, status = _create(
        analysis.create_mission, masterplan_id, mission_fields(refs), MissionCreateSchema()
    )
    if errors:
        return _vision_page(masterplan_id, errors, status, request.form)
    return redirect(url_for("masterplan.vision", masterplan_id=masterplan_id) + "#missions")


@bp.route("/<uuid:masterplan_id>/missions/<uuid:mission_id>", methods=["GET", "POST"])
def edit_mission(masterplan_id, mission_id):
    return _edit(MISSIONS, masterplan_id, mission_id, _("Edit mission"))


@bp.post("/<uuid:masterplan_id>/missions/<uuid:mission_id>/delete")
def delete_mission(masterplan_id, mission_id):
    return _delete(MISSIONS, masterplan_id, mission_id)


# --- analysis ----------------------------------------------------------------------------------------


def _selected_dimension(refs: MasterplanRefs):
    code = request.values.get("dimension")
    return refs.dimension_by_code.get(code) or (refs.dimensions[0] if refs.dimensions else None)


def _analysis_page(masterplan_id, errors=None, status=200, form=None, form_kind=None):
    mp = get_masterplan(masterplan_id)
    refs = MasterplanRefs(mp)
    dim = _selected_dimension(refs)
    readiness = [
        r
        for r in db.session.scalars(analysis.readiness_query(masterplan_id))
        if dim and r.dimension_id == dim.id
    ]
    sub_ids = {s.id for s in refs.sub_dimensions if dim and s.dimension_id == dim.id}
    gaps = [
        gap
        for gap in db.session.scalars(analysis.gaps_query(masterplan_id))
        if gap.sub_dimension_id in sub_ids
    ]
    swot = [
        s for s in db.session.scalars(analysis.swot_query(masterplan_id)) if dim and s.dimension_id == dim.id
    ]
    return render_page(
        "masterplan/analysis.html",
        mp,
        "masterplan.analysis",
        status,
        refs=refs,
        dim=dim,
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
    refs = MasterplanRefs(get_masterplan(masterplan_id))
    fields = readiness_fields(refs)
    errors, status = _create(analysis.create_readiness, masterplan_id, fields, ReadinessCreateSchema())
    if errors:
        return _analysis_page(masterplan_id, errors, status, request.form, "readiness")
    return _analysis_redirect(masterplan_id, "#readiness")


@bp.post("/<uuid:masterplan_id>/gaps")
def add_gap(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id))
    errors, status = _create(analysis.create_gap, masterplan_id, gap_fields(refs), GapCreateSchema())
    if errors:
        return _analysis_page(masterplan_id, errors, status, request.form, "gap")
    return _analysis_redirect(masterplan_id, "#gaps")


@bp.post("/<uuid:masterplan_id>/swot")
def add_swot(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id))
    errors, status = _create(
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
    return _edit(READINESS, masterplan_id, readiness_id, _("Edit readiness"))


@bp.post("/<uuid:masterplan_id>/readiness/<uuid:readiness_id>/delete")
def delete_readiness(masterplan_id, readiness_id):
    return _delete(READINESS, masterplan_id, readiness_id)


@bp.route("/<uuid:masterplan_id>/gaps/<uuid:gap_id>", methods=["GET", "POST"])
def edit_gap(masterplan_id, gap_id):
    return _edit(GAPS, masterplan_id, gap_id, _("Edit gap"))


@bp.post("/<uuid:masterplan_id>/gaps/<uuid:gap_id>/delete")
def delete_gap(masterplan_id, gap_id):
    return _delete(GAPS, masterplan_id, gap_id)


@bp.route("/<uuid:masterplan_id>/swot/<uuid:swot_item_id>", methods=["GET", "POST"])
def edit_swot(masterplan_id, swot_item_id):
    return _edit(SWOT, masterplan_id, swot_item_id, _("Edit SWOT line"))


@bp.post("/<uuid:masterplan_id>/swot/<uuid:swot_item_id>/delete")
def delete_swot(masterplan_id, swot_item_id):
    return _delete(SWOT, masterplan_id, swot_item_id)


# --- goals and indicators ----------------------------------------------------------------------------


def _goal_choices(refs: MasterplanRefs, goal_rows) -> list[tuple[str, str]]:
    def place(goal):
        sub = refs.sub_dimension_by_id.get(goal.sub_dimension_id)
        return sub.code if sub else refs.dimension_by_id[goal.dimension_id].code

    return [(str(goal.id), f"{place(goal)} · {goal.text[:90]}") for goal in goal_rows]


def _goals_page(masterplan_id, errors=None, status=200, form=None):
    mp = get_masterplan(masterplan_id)
    refs = MasterplanRefs(mp)
    dim_code = request.values.get("dimension")
    goal_rows = list(db.session.scalars(goals.goals_query(masterplan_id)))
    shown = [x for x in goal_rows if not dim_code or refs.dimension_by_id[x.dimension_id].code == dim_code]
    indicator_rows = list(db.session.scalars(goals.indicators_query(masterplan_id)))
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
    refs = MasterplanRefs(get_masterplan(masterplan_id))
    errors, status = _create(goals.create_goal, masterplan_id, goal_fields(refs), GoalCreateSchema())
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
    return _edit(GOALS, masterplan_id, goal_id, _("Edit goal"))


@bp.post("/<uuid:masterplan_id>/goals/<uuid:goal_id>/delete")
def delete_goal(masterplan_id, goal_id):
    return _delete(GOALS, masterplan_id, goal_id)


def _indicator_fields(refs: MasterplanRefs, mp, existing_years=()):
    goal_rows = list(db.session.scalars(goals.goals_query(mp.id)))
    years = sorted(set(mp.years) | set(existing_years))
    return indicator_fields(refs, _goal_choices(refs, goal_rows), years)


def _read_targets(data: dict, fields) -> dict:
    """The per-year target inputs as the API's targets list; an empty input means no target that year."""
    targets, errors = [], {}
    for f in fields:
        if not f.name.startswith("target-"):
            continue
        raw = request.form.get(f.name, "").strip().replace(",", ".")
        if not raw:
            continue
        try:
            targets.append({"year": int(f.name.removeprefix("target-")), "value": float(raw)})
        except ValueError:
            errors[f.name] = [_("Not a valid number.")]
    data["targets"] = targets
    return errors


def _indicator_values(indicator_dict: dict) -> dict:
    values = dict(indicator_dict)
    for target in indicator_dict.get("targets", []):
        values[f"target-{target['year']}"] = f"{target['value']:g}"
    return values


@bp.route("/<uuid:masterplan_id>/indicators/new", methods=["GET", "POST"])
def new_indicator(masterplan_id):
    mp = get_masterplan(masterplan_id)
    refs = MasterplanRefs(mp)
    fields = _indicator_fields(refs, mp)
    errors, status = {}, 200
    if request.method == "POST":
        errors, status = _create(
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
    return _edit(INDICATORS, masterplan_id, indicator_id, _("Edit indicator"), _read_targets)


@bp.post("/<uuid:masterplan_id>/indicators/<uuid:indicator_id>/delete")
def delete_indicator(masterplan_id, indicator_id):
    return _delete(INDICATORS, masterplan_id, indicator_id)


# --- strategies --------------------------------------------------------------------------------------


@bp.get("/<uuid:masterplan_id>/strategies")
def strategies(masterplan_id):
    mp = get_masterplan(masterplan_id)
    refs = MasterplanRefs(mp)
    children, tops = {}, {}
    for strategy in db.session.scalars(programs.strategies_query(masterplan_id)):
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
        served=programs.serving_program_counts(masterplan_id),
    )


@bp.route("/<uuid:masterplan_id>/strategies/new", methods=["GET", "POST"])
def new_strategy(masterplan_id):
    mp = get_masterplan(masterplan_id)
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

        errors, status = _create(
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
    fields=lambda refs, mp, obj=None: strategy_fields(refs),
    present=presenters.strategies,
    update=programs.update_strategy,
    delete=programs.delete_strategy,
    back="masterplan.strategies",
)


@bp.route("/<uuid:masterplan_id>/strategies/<uuid:strategy_id>", methods=["GET", "POST"])
def edit_strategy(masterplan_id, strategy_id):
    return _edit(STRATEGIES, masterplan_id, strategy_id, _("Edit strategy"))


@bp.post("/<uuid:masterplan_id>/strategies/<uuid:strategy_id>/delete")
def delete_strategy(masterplan_id, strategy_id):
    return _delete(STRATEGIES, masterplan_id, strategy_id)


# --- action plan -------------------------------------------------------------------------------------


def _program_choices(masterplan_id) -> list[tuple[str, str]]:
    rows = db.session.execute(programs.program_choices_query(masterplan_id)).all()
    return [(str(pid), f"{code} · {name[:80]}") for pid, code, name in rows]


def _action_plan_page(masterplan_id, errors=None, status=200, form=None):
    mp = get_masterplan(masterplan_id)
    refs = MasterplanRefs(mp)
    program_id, year = uuid_arg("program_id"), int_arg("year")
    pagination = PaginationParameters(page=max(int_arg("page") or 1, 1), page_size=PAGE_SIZE)
    items = paginate_query(
        db.session, programs.action_items_query(masterplan_id, program_id, year), pagination
    )
    choices = _program_choices(masterplan_id)
    return render_page(
        "masterplan/action_plan.html",
        mp,
        "masterplan.action_plan",
        status,
        refs=refs,
        action_items=items,
        pagination=pagination,
        program_names=dict(choices),
        program_choices=choices,
        program_id=program_id,
        year=year,
        fields=action_item_fields(refs, choices),
        errors=errors or {},
        form=form,
    )


@bp.get("/<uuid:masterplan_id>/action-plan")
def action_plan(masterplan_id):
    return _action_plan_page(masterplan_id)


@bp.post("/<uuid:masterplan_id>/action-plan")
def add_action_item(masterplan_id):
    refs = MasterplanRefs(get_masterplan(masterplan_id))
    fields = action_item_fields(refs, _program_choices(masterplan_id))
    errors, status = _create(programs.create_action_item, masterplan_id, fields, ActionItemCreateSchema())
    if errors:
        return _action_plan_page(masterplan_id, errors, status, request.form)
    return redirect(url_for("masterplan.action_plan", masterplan_id=masterplan_id))


ACTION_ITEMS = PartPage(
    model=ActionItem,
    schema=ActionItemSchema,
    fields=lambda refs, mp, obj=None: action_item_fields(refs, _program_choices(mp.id)),
    present=presenters.action_items,
    update=programs.update_action_item,
    delete=programs.delete_action_item,
    back="masterplan.action_plan",
)


@bp.route("/<uuid:masterplan_id>/action-plan/<uuid:action_item_id>", methods=["GET", "POST"])
def edit_action_item(masterplan_id, action_item_id):
    return _edit(ACTION_ITEMS, masterplan_id, action_item_id, _("Edit action plan item"))


@bp.post("/<uuid:masterplan_id>/action-plan/<uuid:action_item_id>/delete")
def delete_action_item(masterplan_id, action_item_id):
    return _delete(ACTION_ITEMS, masterplan_id, action_item_id)

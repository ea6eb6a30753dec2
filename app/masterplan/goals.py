"""Goals (sasaran) per dimension or sub-dimension, and their indicators with baseline and yearly targets."""

import uuid

from flask_babel import LazyString, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.core.auth import Actor
from app.core.errors import Conflict, ValidationFailed
from app.extensions import db
from app.masterplan import policy
from app.masterplan.common import (
    MasterplanRefs,
    apply,
    clean_choice,
    clean_text,
    clean_year,
    get_part,
    next_position,
    open_draft,
)
from app.masterplan.models import ACCUMULATIONS, POLARITIES, Goal, Indicator, IndicatorTarget

BASELINE_INCOMPLETE = _l("a baseline needs both a value and a year")

# --- goals -------------------------------------------------------------------------------------------


def goals_query(
    masterplan_id: uuid.UUID,
    dimension_code: str | None = None,
    refs: MasterplanRefs | None = None,
    *,
    actor: Actor,
):
    policy.require(actor, "masterplan.read")
    stmt = select(Goal).where(Goal.masterplan_id == masterplan_id).order_by(Goal.position, Goal.id)
    if dimension_code and refs is not None:
        stmt = stmt.where(Goal.dimension_id == refs.dimension(dimension_code).id)
    return stmt


def _clean_goal(data: dict, refs: MasterplanRefs, goal: Goal | None) -> dict:
    values = {}
    if goal is None or "dimension_code" in data or "sub_dimension_code" in data:
        dimension, sub = refs.placement(data)
        values.update(dimension_id=dimension.id, sub_dimension_id=sub.id if sub else None)
    if goal is None or "text" in data:
        values["text"] = clean_text(data, "text", required=True)
    return values


def create_goal(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> Goal:
    """Add a goal (sasaran) to a dimension, or to one of its sub-dimensions."""
    refs = MasterplanRefs(open_draft(masterplan_id, "goal.create", actor=actor))
    goal = Goal(
        masterplan_id=masterplan_id,
        position=next_position(Goal, masterplan_id),
        **_clean_goal(data, refs, None),
    )
    db.session.add(goal)
    db.session.flush()
    return goal


def update_goal(masterplan_id, goal_id, data: dict, *, actor: Actor) -> Goal:
    goal = get_part(Goal, masterplan_id, goal_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "goal.update", actor=actor, part=goal))
    apply(goal, _clean_goal(data, refs, goal))
    db.session.flush()
    return goal


def delete_goal(masterplan_id, goal_id, *, actor: Actor) -> None:
    """Remove a goal that has no indicators left (they would lose their yardstick silently)."""
    goal = get_part(Goal, masterplan_id, goal_id)
    open_draft(masterplan_id, "goal.delete", actor=actor, part=goal)
    count = db.session.scalar(select(func.count()).where(Indicator.goal_id == goal.id))
    if count:
        raise Conflict(
            LazyString(
                lambda: ngettext(
                    "this goal has %(num)d indicator: move or remove it first",
                    "this goal has %(num)d indicators: move or remove them first",
                    count,
                )
            )
        )
    db.session.delete(goal)
    db.session.flush()


# --- indicators --------------------------------------------------------------------------------------


def indicators_query(masterplan_id: uuid.UUID, goal_id: uuid.UUID | None = None, *, actor: Actor):
    policy.require(actor, "masterplan.read")
    stmt = (
        select(Indicator)
        .where(Indicator.masterplan_id == masterplan_id)
        .order_by(Indicator.position, Indicator.id)
    )
    return stmt.where(Indicator.goal_id == goal_id) if goal_id else stmt


def targets_by_indicator(indicator_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[int, float]]:
    """Each indicator's yearly targets, in one query."""
    result: dict[uuid.UUID, dict[int, float]] = {i: {} for i in indicator_ids}
    if indicator_ids:
        rows = db.session.scalars(
            select(IndicatorTarget)
            .where(IndicatorTarget.indicator_id.in_(indicator_ids))
            .order_by(IndicatorTarget.year)
        )
        for target in rows:
            result[target.indicator_id][target.year] = target.value
    return result


def _number(data: dict, name: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed.field(name, _l("a number"))
    return float(value)


def clean_targets(targets, name: str = "targets") -> dict[int, float]:
    """Targets as {year: value}, from a list of {"year", "value"} or a mapping; one value per year."""
    items = (
        targets.items() if isinstance(targets, dict) else [(t.get("year"), t.get("value")) for t in targets]
    )
    clean: dict[int, float] = {}
    for year, value in items:
        year = clean_year({name: year}, name, required=True)
        if year in clean:
            raise ValidationFailed.field(name, _l("%(year)d appears twice", year=year))
        number = _number({name: value}, name)
        if number is None:
            raise ValidationFailed.field(name, _l("a target value for %(year)d", year=year))
        clean[year] = number
    return clean


def _clean_indicator(data: dict, refs: MasterplanRefs, indicator: Indicator | None) -> dict:
    values = {}
    new = indicator is None
    if new or "goal_id" in data:
        values["goal_id"] = refs.goal(data.get("goal_id"))
    if "code" in data:
        values["code"] = clean_text(data, "code", max_length=30)
    if new or "name" in data:
        values["name"] = clean_text(data, "name", required=True, max_length=300)
    if new or "unit" in data:
        values["unit"] = clean_text(data, "unit", required=True, max_length=60)
    if new or "polarity" in data:
        values["polarity"] = clean_choice(data, "polarity", POLARITIES, default="higher_better")
    if new or "accumulation" in data:
        values["accumulation"] = clean_choice(data, "accumulation", ACCUMULATIONS, default="annual")
    if "baseline_value" in data:
        values["baseline_value"] = _number(data, "baseline_value")
    if "baseline_year" in data:
        values["baseline_year"] = clean_year(data, "baseline_year")
    if "data_source" in data:
        values["data_source"] = clean_text(data, "data_source", max_length=300)
    if "responsible_opd_id" in data:
        values["responsible_opd_id"] = refs.opd(data.get("responsible_opd_id"), "responsible_opd_id")
    if (values.get("baseline_value") is None) != (values.get("baseline_year") is None) and new:
        missing = "baseline_year" if values.get("baseline_year") is None else "baseline_value"
        raise ValidationFailed.field(missing, BASELINE_INCOMPLETE)
    return values


def _set_targets(indicator: Indicator, targets: dict[int, float]) -> None:
    db.session.execute(delete(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id))
    db.session.add_all(
        IndicatorTarget(masterplan_id=indicator.masterplan_id, indicator_id=indicator.id, year=y, value=v)
        for y, v in sorted(targets.items())
    )


def create_indicator(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> Indicator:
    """Add an indicator to a goal: unit, polarity, accumulation, baseline, targets per year."""
    refs = MasterplanRefs(open_draft(masterplan_id, "indicator.create", actor=actor))
    values = _clean_indicator(data, refs, None)
    targets = clean_targets(data.get("targets") or [])
    indicator = Indicator(
        masterplan_id=masterplan_id, position=next_position(Indicator, masterplan_id), **values
    )
    db.session.add(indicator)
    db.session.flush()
    _set_targets(indicator, targets)
    db.session.flush()
    return indicator


def update_indicator(masterplan_id, indicator_id, data: dict, *, actor: Actor) -> Indicator:
    """Change an indicator; ``targets``, when given, replaces all its yearly targets."""
    indicator = get_part(Indicator, masterplan_id, indicator_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "indicator.update", actor=actor, part=indicator))
    values = _clean_indicator(data, refs, indicator)
    targets = clean_targets(data["targets"] or []) if "targets" in data else None
    baseline = {
        name: values.get(name, getattr(indicator, name)) for name in ("baseline_value", "baseline_year")
    }
    if (baseline["baseline_value"] is None) != (baseline["baseline_year"] is None):
        missing = "baseline_year" if baseline["baseline_year"] is None else "baseline_value"
        raise ValidationFailed.field(missing, BASELINE_INCOMPLETE)
    apply(indicator, values)
    if targets is not None:
        _set_targets(indicator, targets)
    db.session.flush()
    return indicator


def delete_indicator(masterplan_id, indicator_id, *, actor: Actor) -> None:
    """Remove an indicator with its yearly targets (they are part of it)."""
    indicator = get_part(Indicator, masterplan_id, indicator_id)
    open_draft(masterplan_id, "indicator.delete", actor=actor, part=indicator)
    db.session.execute(delete(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id))
    db.session.delete(indicator)
    db.session.flush()

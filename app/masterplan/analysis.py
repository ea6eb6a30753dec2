"""Vision and missions, and the strategic analysis: readiness, gap analysis and SWOT per dimension."""

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.core import bounds
from app.core.auth import Actor
from app.core.errors import Conflict, ValidationFailed
from app.extensions import db
from app.masterplan import policy
from app.masterplan.common import (
    MasterplanRefs,
    apply,
    clean_choice,
    clean_text,
    find_masterplan,
    get_part,
    next_position,
    open_draft,
)
from app.masterplan.models import (
    READINESS_ASPECTS,
    READINESS_LEVELS,
    SWOT_QUADRANTS,
    GapAnalysis,
    Masterplan,
    Mission,
    MissionDimension,
    ReadinessEntry,
    SwotItem,
)

# --- vision and missions ---------------------------------------------------------------------------


def set_vision(masterplan_id: uuid.UUID, vision: str | None, *, actor: Actor) -> Masterplan:
    masterplan = open_draft(masterplan_id, "masterplan.update", actor=actor)
    masterplan.vision = clean_text({"vision": vision}, "vision")
    return masterplan


def missions_query(masterplan_id: uuid.UUID, *, actor: Actor):
    policy.require(actor, "masterplan.read")
    return select(Mission).where(Mission.masterplan_id == masterplan_id).order_by(Mission.number)


def mission_dimension_codes(
    masterplan_id: uuid.UUID, mission_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """The codes of the dimensions each mission serves, in framework order, in one query (plus the
    framework's)."""
    refs = MasterplanRefs(find_masterplan(masterplan_id))
    result: dict[uuid.UUID, list[str]] = {mid: [] for mid in mission_ids}
    if mission_ids:
        rows = db.session.execute(
            select(MissionDimension.mission_id, MissionDimension.dimension_id).where(
                MissionDimension.mission_id.in_(mission_ids)
            )
        )
        for mission_id, dimension_id in rows:
            result[mission_id].append(refs.dimension_by_id[dimension_id].code)
    order = {d.code: i for i, d in enumerate(refs.dimensions)}
    return {k: sorted(v, key=order.get) for k, v in result.items()}


def _clean_mission(data: dict, masterplan_id: uuid.UUID, mission: Mission | None) -> dict:
    values = {}
    if mission is None or "number" in data:
        number = data.get("number")
        if number is None:
            numbers = db.session.scalars(select(Mission.number).where(Mission.masterplan_id == masterplan_id))
            number = max(numbers, default=0) + 1
        if not isinstance(number, int) or not 1 <= number <= bounds.INT32_MAX:
            raise ValidationFailed.field("number", _l("a whole number from 1"))
        values["number"] = number
    if mission is None or "text" in data:
        values["text"] = clean_text(data, "text", required=True)
    return values


def _ensure_number_free(masterplan_id: uuid.UUID, number: int, except_id: uuid.UUID | None) -> None:
    existing = db.session.scalar(
        select(Mission.id).where(Mission.masterplan_id == masterplan_id, Mission.number == number)
    )
    if existing is not None and existing != except_id:
        raise Conflict(
            _l("mission %(number)d exists", number=number),
            {"number": [_l("already used in this masterplan")]},
        )


def _dimension_ids(codes: list[str], refs: MasterplanRefs) -> list:
    return [refs.dimension(code, "dimension_codes").id for code in dict.fromkeys(codes)]


def _set_mission_dimensions(mission: Mission, dimension_ids: list, refs: MasterplanRefs) -> None:
    db.session.execute(delete(MissionDimension).where(MissionDimension.mission_id == mission.id))
    db.session.add_all(
        MissionDimension(masterplan_id=mission.masterplan_id, mission_id=mission.id, dimension_id=dim_id)
        for dim_id in dimension_ids
    )


def create_mission(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> Mission:
    """Add a numbered mission (misi); it may name the dimensions it serves."""
    refs = MasterplanRefs(open_draft(masterplan_id, "mission.create", actor=actor))
    values = _clean_mission(data, masterplan_id, None)
    dimension_ids = _dimension_ids(data.get("dimension_codes") or [], refs)
    _ensure_number_free(masterplan_id, values["number"], None)
    mission = Mission(masterplan_id=masterplan_id, **values)
    db.session.add(mission)
    db.session.flush()
    _set_mission_dimensions(mission, dimension_ids, refs)
    db.session.flush()
    return mission


def update_mission(masterplan_id: uuid.UUID, mission_id: uuid.UUID, data: dict, *, actor: Actor) -> Mission:
    mission = get_part(Mission, masterplan_id, mission_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "mission.update", actor=actor, part=mission))
    values = _clean_mission(data, masterplan_id, mission)
    dimension_ids = _dimension_ids(data["dimension_codes"] or [], refs) if "dimension_codes" in data else None
    if "number" in values:
        _ensure_number_free(masterplan_id, values["number"], mission.id)
    apply(mission, values)
    if dimension_ids is not None:
        _set_mission_dimensions(mission, dimension_ids, refs)
    db.session.flush()
    return mission


def delete_mission(masterplan_id: uuid.UUID, mission_id: uuid.UUID, *, actor: Actor) -> None:
    mission = get_part(Mission, masterplan_id, mission_id)
    open_draft(masterplan_id, "mission.delete", actor=actor, part=mission)
    # The dimensions it names are part of the mission itself.
    db.session.execute(delete(MissionDimension).where(MissionDimension.mission_id == mission.id))
    db.session.delete(mission)
    db.session.flush()


# --- readiness ---------------------------------------------------------------------------------------


def readiness_query(masterplan_id: uuid.UUID, *, actor: Actor):
    policy.require(actor, "masterplan.read")
    return (
        select(ReadinessEntry)
        .where(ReadinessEntry.masterplan_id == masterplan_id)
        .order_by(ReadinessEntry.dimension_id, ReadinessEntry.aspect)
    )


def _clean_readiness(data: dict, refs: MasterplanRefs, entry: ReadinessEntry | None) -> dict:
    values = {}
    if entry is None or "dimension_code" in data:
        values["dimension_id"] = refs.dimension(data.get("dimension_code")).id
    if entry is None or "aspect" in data:
        values["aspect"] = clean_choice(data, "aspect", READINESS_ASPECTS, required=True)
    if "level" in data:
        values["level"] = clean_choice(data, "level", READINESS_LEVELS)
    if entry is None or "condition" in data:
        values["condition"] = clean_text(data, "condition", required=True)
    return values


def _ensure_one_readiness(masterplan_id, dimension_id, aspect, except_id=None) -> None:
    existing = db.session.scalar(
        select(ReadinessEntry.id).where(
            ReadinessEntry.masterplan_id == masterplan_id,
            ReadinessEntry.dimension_id == dimension_id,
            ReadinessEntry.aspect == aspect,
        )
    )
    if existing is not None and existing != except_id:
        raise Conflict(
            _l("this dimension's readiness in this aspect is written already: edit it"),
            {"aspect": [_l("already described for this dimension")]},
        )


def create_readiness(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> ReadinessEntry:
    """Describe a dimension's readiness in struktur, infrastruktur or suprastruktur."""
    refs = MasterplanRefs(open_draft(masterplan_id, "readiness.create", actor=actor))
    values = _clean_readiness(data, refs, None)
    _ensure_one_readiness(masterplan_id, values["dimension_id"], values["aspect"])
    entry = ReadinessEntry(masterplan_id=masterplan_id, **values)
    db.session.add(entry)
    db.session.flush()
    return entry


def update_readiness(masterplan_id, entry_id, data: dict, *, actor: Actor) -> ReadinessEntry:
    entry = get_part(ReadinessEntry, masterplan_id, entry_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "readiness.update", actor=actor, part=entry))
    values = _clean_readiness(data, refs, entry)
    merged = {"dimension_id": entry.dimension_id, "aspect": entry.aspect, **values}
    _ensure_one_readiness(masterplan_id, merged["dimension_id"], merged["aspect"], entry.id)
    apply(entry, values)
    db.session.flush()
    return entry


def delete_readiness(masterplan_id, entry_id, *, actor: Actor) -> None:
    part = get_part(ReadinessEntry, masterplan_id, entry_id)
    open_draft(masterplan_id, "readiness.delete", actor=actor, part=part)
    db.session.delete(part)
    db.session.flush()


# --- gap analysis ------------------------------------------------------------------------------------


def gaps_query(masterplan_id: uuid.UUID, *, actor: Actor):
    policy.require(actor, "masterplan.read")
    return (
        select(GapAnalysis)
        .where(GapAnalysis.masterplan_id == masterplan_id)
        .order_by(GapAnalysis.sub_dimension_id, GapAnalysis.position, GapAnalysis.id)
    )


def _clean_gap(data: dict, refs: MasterplanRefs, gap: GapAnalysis | None) -> dict:
    values = {}
    if gap is None or "sub_dimension_code" in data:
        _dim, sub = refs.placement({"sub_dimension_code": data.get("sub_dimension_code")}, sub_required=True)
        values["sub_dimension_id"] = sub.id
    if gap is None or "current_condition" in data:
        values["current_condition"] = clean_text(data, "current_condition", required=True)
    for name in ("future_condition", "implication"):
        if name in data:
            values[name] = clean_text(data, name)
    return values


def create_gap(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> GapAnalysis:
    """Record a gap in a sub-dimension: current condition, future condition, implication."""
    refs = MasterplanRefs(open_draft(masterplan_id, "gap.create", actor=actor))
    values = _clean_gap(data, refs, None)
    gap = GapAnalysis(
        masterplan_id=masterplan_id, position=next_position(GapAnalysis, masterplan_id), **values
    )
    db.session.add(gap)
    db.session.flush()
    return gap


def update_gap(masterplan_id, gap_id, data: dict, *, actor: Actor) -> GapAnalysis:
    gap = get_part(GapAnalysis, masterplan_id, gap_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "gap.update", actor=actor, part=gap))
    apply(gap, _clean_gap(data, refs, gap))
    db.session.flush()
    return gap


def delete_gap(masterplan_id, gap_id, *, actor: Actor) -> None:
    part = get_part(GapAnalysis, masterplan_id, gap_id)
    open_draft(masterplan_id, "gap.delete", actor=actor, part=part)
    db.session.delete(part)
    db.session.flush()


# --- SWOT --------------------------------------------------------------------------------------------


def swot_query(masterplan_id: uuid.UUID, *, actor: Actor):
    policy.require(actor, "masterplan.read")
    return (
        select(SwotItem)
        .where(SwotItem.masterplan_id == masterplan_id)
        .order_by(SwotItem.dimension_id, SwotItem.quadrant, SwotItem.position, SwotItem.id)
    )


def _clean_swot(data: dict, refs: MasterplanRefs, item: SwotItem | None) -> dict:
    values = {}
    if item is None or "dimension_code" in data:
        values["dimension_id"] = refs.dimension(data.get("dimension_code")).id
    if item is None or "quadrant" in data:
        values["quadrant"] = clean_choice(data, "quadrant", SWOT_QUADRANTS, required=True)
    if item is None or "text" in data:
        values["text"] = clean_text(data, "text", required=True)
    return values


def create_swot_item(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> SwotItem:
    """Add a strength, weakness, opportunity or threat to a dimension's SWOT."""
    refs = MasterplanRefs(open_draft(masterplan_id, "swot.create", actor=actor))
    values = _clean_swot(data, refs, None)
    item = SwotItem(masterplan_id=masterplan_id, position=next_position(SwotItem, masterplan_id), **values)
    db.session.add(item)
    db.session.flush()
    return item


def update_swot_item(masterplan_id, item_id, data: dict, *, actor: Actor) -> SwotItem:
    item = get_part(SwotItem, masterplan_id, item_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "swot.update", actor=actor, part=item))
    apply(item, _clean_swot(data, refs, item))
    db.session.flush()
    return item


def delete_swot_item(masterplan_id, item_id, *, actor: Actor) -> None:
    part = get_part(SwotItem, masterplan_id, item_id)
    open_draft(masterplan_id, "swot.delete", actor=actor, part=part)
    db.session.delete(part)
    db.session.flush()

"""Masterplan versions: create, describe, move through review to enactment, revise, delete.

draft → in review → endorsed → enacted → superseded. Only a draft's content changes; the legal basis can
still be completed in review and once endorsed; an enacted version is read-only. Enacting a version
supersedes the one enacted before, so a tenant has one enacted masterplan at a time. "Start a revision"
copies a whole version into a new draft.
"""

import re
import uuid
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.core.auth import Actor
from app.core.db import new_id, utcnow
from app.core.errors import Conflict, ValidationFailed
from app.core.tenancy import current_tenant_id
from app.extensions import db
from app.masterplan import legal, policy
from app.masterplan.common import (
    MasterplanRefs,
    apply,
    clean_choice,
    clean_text,
    clean_year,
    ensure_draft,
    find_masterplan,
)
from app.masterplan.content import read_parts
from app.masterplan.models import (
    DRAFT,
    ENACTED,
    ENDORSED,
    IN_REVIEW,
    LEGAL_TYPES,
    PART_MODELS,
    PART_REFERENCES,
    SUPERSEDED,
    Masterplan,
    Strategy,
)
from app.reference import services as reference
from app.tenants import services as tenants

MAX_PERIOD_YEARS = 20
# Which status may follow which; superseded is set only by enacting the next version.
TRANSITIONS = {
    DRAFT: (IN_REVIEW,),
    IN_REVIEW: (DRAFT, ENDORSED),
    ENDORSED: (DRAFT, ENACTED),
    ENACTED: (),
    SUPERSEDED: (),
}
HEADER_FIELDS = ("title", "version_label", "period_start", "period_end", "rpjmd_start", "rpjmd_end", "vision")
LEGAL_FIELDS = ("legal_type", "legal_number", "legal_date")
VERSION_LABEL_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")


def masterplans_query(*, actor: Actor):
    """The tenant's masterplan versions, newest period first."""
    policy.require(actor, "masterplan.read")
    return select(Masterplan).order_by(Masterplan.period_start.desc(), Masterplan.created_at.desc())


def list_masterplans(*, actor: Actor) -> list[Masterplan]:
    return list(db.session.scalars(masterplans_query(actor=actor)))


def current_masterplan(*, actor: Actor) -> Masterplan | None:
    """The enacted version, or else the newest one: the one people mean by "our masterplan"."""
    versions = list_masterplans(actor=actor)
    return next((m for m in versions if m.status == ENACTED), versions[0] if versions else None)


# --- checks ----------------------------------------------------------------------------------------


def _clean_header(data: dict, masterplan: Masterplan | None) -> dict:
    values = {}
    if masterplan is None or "title" in data:
        values["title"] = clean_text(data, "title", required=True, max_length=200)
    if masterplan is None or "version_label" in data:
        label = clean_text(data, "version_label", required=True, max_length=20)
        if not VERSION_LABEL_RE.match(label):
            raise ValidationFailed.field("version_label", _l("letters, digits, dots or dashes, e.g. 2.0"))
        values["version_label"] = label
    for name in ("period_start", "period_end"):
        if masterplan is None or name in data:
            values[name] = clean_year(data, name, required=True)
    for name in ("rpjmd_start", "rpjmd_end"):
        if name in data:
            values[name] = clean_year(data, name)
    if "vision" in data:
        values["vision"] = clean_text(data, "vision")
    merged = {**_current(masterplan, HEADER_FIELDS), **values}
    _check_span(merged, "period_start", "period_end")
    if merged.get("rpjmd_start") or merged.get("rpjmd_end"):
        if not (merged.get("rpjmd_start") and merged.get("rpjmd_end")):
            raise ValidationFailed.field("rpjmd_end", _l("give both years of the RPJMD period"))
        _check_span(merged, "rpjmd_start", "rpjmd_end")
    return values


def _current(masterplan: Masterplan | None, names) -> dict:
    return {name: getattr(masterplan, name) for name in names} if masterplan else {}


def _check_span(values: dict, start: str, end: str) -> None:
    if values[end] < values[start]:
        raise ValidationFailed.field(end, _l("the end year comes before the start year"))
    if values[end] - values[start] + 1 > MAX_PERIOD_YEARS:
        raise ValidationFailed.field(end, _l("a period of at most %(count)d years", count=MAX_PERIOD_YEARS))


def _clean_legal(data: dict) -> dict:
    values = {}
    if "legal_type" in data:
        values["legal_type"] = clean_choice(data, "legal_type", LEGAL_TYPES)
    if "legal_number" in data:
        values["legal_number"] = clean_text(data, "legal_number", max_length=100)
    if "legal_date" in data:
        value = data.get("legal_date")
        if value is not None and not isinstance(value, date):
            raise ValidationFailed.field("legal_date", _l("a date (YYYY-MM-DD)"))
        values["legal_date"] = value
    return values


def _clean_prefixes(data: dict, refs: MasterplanRefs) -> dict:
    prefixes = {}
    for code, prefix in (data.get("strategy_prefixes") or {}).items():
        refs.dimension(code, "strategy_prefixes")
        prefix = (prefix or "").strip()
        if not prefix:
            continue
        if len(prefix) > 10 or not all(c.isalnum() for c in prefix):
            raise ValidationFailed.field(
                "strategy_prefixes", _l("%(code)s: letters or digits, at most 10", code=code)
            )
        prefixes[code] = prefix
    return prefixes


def _published_framework(framework_id) -> uuid.UUID:
    if framework_id is None:
        raise ValidationFailed.field("framework_id", _l("required"))
    # Offered to the tenant's kind of region only (the smart-village framework to a kabupaten).
    tenant_id = current_tenant_id()
    tenant = tenants.find_tenant(tenant_id) if tenant_id else None
    offered = reference.list_frameworks(
        actor=Actor.system(), published_only=True, region_code=tenant.region_code if tenant else None
    )
    if framework_id not in {f.id for f in offered}:
        raise ValidationFailed.field("framework_id", _l("not a published framework version"))
    return framework_id


def _ensure_label_free(label: str, except_id: uuid.UUID | None = None) -> None:
    existing = db.session.scalar(select(Masterplan.id).where(Masterplan.version_label == label))
    if existing is not None and existing != except_id:
        raise Conflict(
            _l("this version label is used"), {"version_label": [_l("already used by another version")]}
        )


# --- create and describe ---------------------------------------------------------------------------


def create_masterplan(data: dict, *, actor: Actor) -> Masterplan:
    """Start a masterplan version (a draft) following a published framework."""
    policy.require(actor, "masterplan.create")
    values = {**_clean_header(data, None), **_clean_legal(data)}
    _ensure_label_free(values["version_label"])
    masterplan = Masterplan(
        framework_id=_published_framework(data.get("framework_id")),
        status=DRAFT,
        strategy_prefixes={},
        **values,
    )
    if data.get("strategy_prefixes"):
        masterplan.strategy_prefixes = _clean_prefixes(data, MasterplanRefs(masterplan))
    db.session.add(masterplan)
    db.session.flush()
    return masterplan


def update_masterplan(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> Masterplan:
    """Change a version's description; once in review or endorsed only its legal basis is completed."""
    masterplan = find_masterplan(masterplan_id)
    policy.require(actor, "masterplan.update", masterplan)
    content_fields = [k for k in data if k not in LEGAL_FIELDS]
    if masterplan.status in (IN_REVIEW, ENDORSED) and content_fields:
        ensure_draft(masterplan)
    if masterplan.status in (ENACTED, SUPERSEDED):
        ensure_draft(masterplan)
    values = {**_clean_header(data, masterplan), **_clean_legal(data)}
    if "version_label" in values:
        _ensure_label_free(values["version_label"], except_id=masterplan.id)
    if "framework_id" in data and data["framework_id"] != masterplan.framework_id:
        _change_framework(masterplan, data["framework_id"])
    if "strategy_prefixes" in data:
        values["strategy_prefixes"] = _clean_prefixes(data, MasterplanRefs(masterplan))
    apply(masterplan, values)
    db.session.flush()
    return masterplan


def _change_framework(masterplan: Masterplan, framework_id) -> None:
    framework_id = _published_framework(framework_id)
    bound = [m for m in PART_MODELS if hasattr(m, "dimension_id") or hasattr(m, "sub_dimension_id")]
    for model in bound:
        if db.session.scalar(select(model.id).where(model.masterplan_id == masterplan.id).limit(1)):
            raise Conflict(
                _l(
                    "this version already has content placed in the dimensions of its framework; "
                    "the framework can change only while it is empty"
                ),
                {"framework_id": [_l("the masterplan has content in the current framework's dimensions")]},
            )
    masterplan.framework_id = framework_id
    masterplan.strategy_prefixes = {}


# --- status ----------------------------------------------------------------------------------------


def change_status(
    masterplan_id: uuid.UUID, status: str, *, actor: Actor, legal: dict | None = None
) -> Masterplan:
    """Move a version along draft → in review → endorsed → enacted (or back to draft for changes).

    Enacting needs the legal basis (type, number, date; ``legal`` may complete it) and supersedes the
    version enacted before."""
    masterplan = find_masterplan(masterplan_id)
    policy.require(actor, "masterplan.change_status", masterplan)
    if status not in TRANSITIONS[masterplan.status]:
        # The statuses are named by the codes the ``status`` field takes: what a client sends next.
        allowed = ", ".join(TRANSITIONS[masterplan.status]) or _l("none")
        raise Conflict(
            _l(
                "a version that is %(status)s cannot become %(wanted)s (possible: %(allowed)s)",
                status=masterplan.status,
                wanted=status,
                allowed=allowed,
            ),
            {"status": [_l("possible next statuses: %(allowed)s", allowed=allowed)]},
        )
    if status == ENACTED:
        reference.ensure_enactable_framework(masterplan.framework_id, actor=actor)
        apply(masterplan, _clean_legal(legal or {}))
        for name in LEGAL_FIELDS:
            if not getattr(masterplan, name):
                raise ValidationFailed.field(
                    name, _l("required to enact: the regulation that enacts this version")
                )
        _supersede_enacted()
        masterplan.enacted_at = utcnow()
    masterplan.status = status
    db.session.flush()
    return masterplan


def _supersede_enacted() -> None:
    enacted = db.session.scalar(select(Masterplan).where(Masterplan.status == ENACTED))
    if enacted is not None:
        enacted.status = SUPERSEDED
        # Flushed first: the database allows one enacted version per tenant at any moment.
        db.session.flush()


# --- revision and deletion --------------------------------------------------------------------------


def suggest_version_label(label: str) -> str:
    """The next major version: 1.1 → 2.0, 2 → 3, v3.0 → v4.0."""
    match = re.match(r"^(\D*)(\d+)(.*)$", label)
    if not match:
        return label + "-rev"
    prefix, major, rest = match.groups()
    return f"{prefix}{int(major) + 1}{'.0' if rest.startswith('.') else ''}"


def start_revision(
    masterplan_id: uuid.UUID, *, actor: Actor, version_label: str | None = None, title: str | None = None
) -> Masterplan:
    """Copy a whole version (every part, budget line and target) into a new draft that revises it."""
    source = find_masterplan(masterplan_id)
    policy.require(actor, "masterplan.revise", source)
    label = version_label or next_free_version_label(source.version_label)
    values = _clean_header({"version_label": label, "title": title or source.title}, source)
    _ensure_label_free(values["version_label"])
    copy = Masterplan(
        **{name: getattr(source, name) for name in (*HEADER_FIELDS, "framework_id") if name not in values},
        **values,
        status=DRAFT,
        strategy_prefixes=dict(source.strategy_prefixes or {}),
        revised_from_id=source.id,
    )
    db.session.add(copy)
    db.session.flush()
    copy_parts(source.id, copy.id)
    return copy


def next_free_version_label(label: str) -> str:
    """The next major version no other version of the tenant uses: 1.1 → 2.0, or 3.0 when 2.0 exists."""
    taken = set(db.session.scalars(select(Masterplan.version_label)))
    candidate = suggest_version_label(label)
    for _attempt in range(100):
        if candidate not in taken:
            return candidate
        candidate = suggest_version_label(candidate)
    return f"{label}-{len(taken) + 1}"


def copy_parts(source_id: uuid.UUID, target_id: uuid.UUID) -> None:
    """Copy every part of one version into another: one read and one batched insert per table."""
    id_map: dict[uuid.UUID, uuid.UUID] = {}
    for model in PART_MODELS:
        rows = read_parts(model, source_id)
        if model is Strategy:
            rows = _parents_first(rows)
        columns = [c.key for c in model.__mapper__.column_attrs if c.key not in ("created_at", "updated_at")]
        copies = []
        for row in rows:
            values = {name: getattr(row, name) for name in columns}
            id_map[row.id] = values["id"] = new_id()
            values.update(masterplan_id=target_id, lineage_id=row.lineage_id or row.id)
            for name in PART_REFERENCES.get(model, ()):
                if values[name] is not None:
                    values[name] = id_map[values[name]]
            if isinstance(values.get("roadmap_years"), list):
                values["roadmap_years"] = list(values["roadmap_years"])
            copies.append(model(**values))
        db.session.add_all(copies)
        db.session.flush()


def _parents_first(strategies: list[Strategy]) -> list[Strategy]:
    by_id = {s.id: s for s in strategies}

    def depth(strategy: Strategy) -> int:
        level = 0
        while strategy.parent_id is not None and strategy.parent_id in by_id:
            strategy, level = by_id[strategy.parent_id], level + 1
        return level

    return sorted(strategies, key=depth)


def delete_masterplan(masterplan_id: uuid.UUID, *, actor: Actor) -> None:
    """Discard a draft version with everything written in it (the page asks for confirmation)."""
    masterplan = find_masterplan(masterplan_id)
    policy.require(actor, "masterplan.delete", masterplan)
    ensure_draft(masterplan)
    revision = db.session.scalar(
        select(Masterplan.version_label).where(Masterplan.revised_from_id == masterplan.id).limit(1)
    )
    if revision is not None:
        raise Conflict(
            _l("version %(version)s was revised from this draft: delete that version first", version=revision)
        )
    legal.release_with(masterplan, actor=actor)
    for model in reversed(PART_MODELS):
        if model is Strategy:
            # Children before parents: the strategy tree references itself.
            db.session.execute(
                delete(Strategy).where(
                    Strategy.masterplan_id == masterplan.id, Strategy.parent_id.is_not(None)
                )
            )
        db.session.execute(delete(model).where(model.masterplan_id == masterplan.id))
    db.session.delete(masterplan)
    db.session.flush()

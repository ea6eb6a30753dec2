"""The national reference data, for every package: frameworks, code lists and regions.

Other packages read it here only, with an actor, and get frozen values. Each framework and code list is
versioned (``app.reference.versioning``): a draft is edited by the platform operator or the ministry's
administrator, a published version never changes, and a change means drafting the next version from
the latest one, then publishing it.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.core import bounds
from app.core.auth import Actor
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.reach import found, one_or_404
from app.extensions import db
from app.reference import policy, versioning
from app.reference.models import (
    DRAFT,
    PUBLISHED,
    CodeList,
    CodeListItem,
    Framework,
    FrameworkDimension,
    FrameworkSubDimension,
    Region,
)

CODE_PATTERN_HELP = _l("capital letters, digits, dots, dashes and underscores")
# How long the codes other packages store may be (their schemas take their bounds from here).
DIMENSION_CODE_LENGTH = FrameworkDimension.code.type.length
STRATEGY_PREFIX_LENGTH = FrameworkDimension.strategy_prefix.type.length
ENTRY_CODE_LENGTH = CodeListItem.code.type.length
LIST_NAME_LENGTH = CodeListItem.list_name.type.length
REGION_CODE_LENGTH = Region.code.type.length
PROVINCE_CODE_LENGTH = Region.province_code.type.length
TENANT_REGION_KINDS = ("kota", "kabupaten")


# --- what other packages get ----------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkVersion:
    id: uuid.UUID
    code: str
    version: int
    name_id: str
    name_en: str
    issuer: str | None
    source: str | None
    state: str
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Dimension:
    id: uuid.UUID
    framework_id: uuid.UUID
    code: str
    name_id: str
    name_en: str
    strategy_prefix: str | None
    goal: str | None
    position: int


@dataclass(frozen=True)
class SubDimension:
    id: uuid.UUID
    dimension_id: uuid.UUID
    code: str
    name_id: str
    name_en: str
    position: int


@dataclass(frozen=True)
class FrameworkTree:
    """A framework version with its dimensions in order and each dimension's sub-dimensions."""

    framework: FrameworkVersion
    dimensions: tuple[Dimension, ...]
    sub_dimensions: dict[uuid.UUID, tuple[SubDimension, ...]]

    @property
    def all_sub_dimensions(self) -> list[SubDimension]:
        return [s for d in self.dimensions for s in self.sub_dimensions[d.id]]


@dataclass(frozen=True)
class CodeListVersion:
    id: uuid.UUID
    code: str  # the list's name: program_class, funding_source, body_type, meeting_type, ...
    version: int
    name_id: str
    name_en: str
    state: str
    published_at: datetime | None


@dataclass(frozen=True)
class CodeEntry:
    id: uuid.UUID
    code_list_id: uuid.UUID
    list_name: str
    code: str
    name_id: str
    name_en: str
    position: int
    retired: bool  # kept so a stored code keeps its name, but no longer offered
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RegionEntry:
    code: str
    name: str
    kind: str
    province_code: str
    province_name: str
    area_km2: float | None
    population: int | None


def _frozen(cls, row):
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


# --- checks ---------------------------------------------------------------------------------------


def _text(data: dict, name: str, *, required: bool = False, max_length: int | None = None) -> str | None:
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else value
    if not value:
        if required:
            raise ValidationFailed.field(name, _l("required"))
        return None
    limit = max_length or bounds.NARRATIVE_MAX
    if len(value) > limit:
        raise ValidationFailed.field(name, _l("at most %(count)d characters", count=limit))
    problem = bounds.text_problem(str(value), multiline=max_length is None)
    if problem is not None:
        raise ValidationFailed.field(name, problem)
    return value


def _clean_code(data: dict, name: str = "code", max_length: int = 20) -> str:
    code = (_text(data, name, required=True, max_length=max_length) or "").upper()
    if not all(c.isalnum() or c in "._-" for c in code):
        raise ValidationFailed.field(name, CODE_PATTERN_HELP)
    return code


def _clean_names(data: dict, max_length: int = 200) -> dict:
    return {
        "name_id": _text(data, "name_id", required=True, max_length=max_length),
        "name_en": _text(data, "name_en", required=True, max_length=max_length),
    }


def _ensure_unique(codes: list[str], name: str) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            raise ValidationFailed.field(name, _l("code %(code)s appears twice", code=code))
        seen.add(code)


def _readable(header, actor: Actor):
    """``header`` if the actor may read it: a draft only for who edits drafts (404 for anyone else)."""
    if header is None or (header.state == DRAFT and not policy.can(actor, "reference.read_drafts")):
        raise NotFound()
    policy.require(actor, "reference.read")
    return header


# --- frameworks: reading --------------------------------------------------------------------------


def _not_offered_to(region_code: str | None) -> set[str]:
    """The codes of the carried frameworks that a tenant of this region is not offered: a framework the
    file offers to some kinds of region only (the smart village to a kabupaten, which has villages)."""
    from app.reference import loader

    region = db.session.get(Region, region_code) if region_code else None
    if region is None:
        return set()
    return {
        spec["code"]
        for spec in loader.reference_file()["frameworks"]
        if spec.get("offered_to") and region.kind not in spec["offered_to"]
    }


def frameworks_query(
    *,
    actor: Actor,
    state: str | None = None,
    published_only: bool = False,
    region_code: str | None = None,
):
    """Framework versions by code, newest version first; published ones only for who reads no drafts;
    with ``region_code``, only those offered to that region's kind (kota or kabupaten)."""
    policy.require(actor, "reference.read")
    stmt = select(Framework).order_by(Framework.code, Framework.version.desc())
    if published_only or not policy.can(actor, "reference.read_drafts"):
        stmt = stmt.where(Framework.state == PUBLISHED)
    if state:
        stmt = stmt.where(Framework.state == state)
    hidden = _not_offered_to(region_code)
    if hidden:
        stmt = stmt.where(Framework.code.notin_(hidden))
    return stmt


def list_frameworks(
    *, actor: Actor, published_only: bool = False, region_code: str | None = None
) -> list[FrameworkVersion]:
    rows = db.session.scalars(
        frameworks_query(actor=actor, published_only=published_only, region_code=region_code)
    )
    return [_frozen(FrameworkVersion, f) for f in rows]


def get_framework(framework_id: uuid.UUID, *, actor: Actor) -> FrameworkVersion:
    """One framework version (a draft only for who edits drafts)."""
    return _frozen(FrameworkVersion, _readable(db.session.get(Framework, framework_id), actor))


def framework_trees(frameworks: Iterable, *, actor: Actor) -> list[FrameworkTree]:
    """The dimensions and sub-dimensions of several framework versions (rows or values with an ``id``),
    in two queries."""
    policy.require(actor, "reference.read")
    headers = [f if isinstance(f, FrameworkVersion) else _frozen(FrameworkVersion, f) for f in frameworks]
    ids = [f.id for f in headers]
    dims = [
        _frozen(Dimension, d)
        for d in db.session.scalars(
            select(FrameworkDimension)
            .where(FrameworkDimension.framework_id.in_(ids))
            .order_by(FrameworkDimension.position)
        )
    ]
    subs: dict[uuid.UUID, list[SubDimension]] = {d.id: [] for d in dims}
    if dims:
        for sub in db.session.scalars(
            select(FrameworkSubDimension)
            .where(FrameworkSubDimension.dimension_id.in_(list(subs)))
            .order_by(FrameworkSubDimension.position)
        ):
            subs[sub.dimension_id].append(_frozen(SubDimension, sub))
    by_framework: dict[uuid.UUID, list[Dimension]] = {i: [] for i in ids}
    for dim in dims:
        by_framework[dim.framework_id].append(dim)
    return [
        FrameworkTree(f, tuple(by_framework[f.id]), {d.id: tuple(subs[d.id]) for d in by_framework[f.id]})
        for f in headers
    ]


def framework_tree(framework_id: uuid.UUID, *, actor: Actor) -> FrameworkTree:
    """A framework version with its dimensions and sub-dimensions."""
    return framework_trees([get_framework(framework_id, actor=actor)], actor=actor)[0]


def published_frameworks(*, actor: Actor, region_code: str | None = None) -> list[FrameworkTree]:
    """The published framework versions a masterplan can follow (in a tenant of ``region_code``: those
    offered to its kind of region), with their trees."""
    offered = list_frameworks(actor=actor, published_only=True, region_code=region_code)
    return framework_trees(offered, actor=actor)


def framework_of_masterplan(framework_id: uuid.UUID, *, actor: Actor) -> FrameworkVersion:
    """The framework version a masterplan follows, whatever its state now: a version drafted again or
    retired keeps naming the masterplans that follow it."""
    policy.require(actor, "reference.read")
    return _frozen(FrameworkVersion, found(db.session.get(Framework, framework_id)))


def followed_framework_tree(framework_id: uuid.UUID, *, actor: Actor) -> FrameworkTree:
    """The tree of the framework version a masterplan follows, whatever its state now."""
    return framework_trees([framework_of_masterplan(framework_id, actor=actor)], actor=actor)[0]


def ensure_enactable_framework(framework_id: uuid.UUID, *, actor: Actor) -> FrameworkVersion:
    """The framework a masterplan is enacted on; refused (409, naming it) while it is a draft, such as a
    regulation still in public consultation."""
    framework = framework_of_masterplan(framework_id, actor=actor)
    if framework.state == DRAFT:
        raise Conflict(
            _l(
                "%(name)s (%(code)s version %(version)s) is a draft framework: a masterplan is enacted "
                "on a published framework only",
                name=framework.name_id,
                code=framework.code,
                version=framework.version,
            ),
            {"framework_id": [_l("a draft framework: not yet in force")]},
        )
    return framework


def dimensions_by_id(dimension_ids: Iterable[uuid.UUID], *, actor: Actor) -> dict[uuid.UUID, Dimension]:
    """Dimensions of any framework by id, in one query."""
    policy.require(actor, "reference.read")
    ids = set(dimension_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(FrameworkDimension).where(FrameworkDimension.id.in_(ids)))
    return {d.id: _frozen(Dimension, d) for d in rows}


# --- frameworks: writing drafts -------------------------------------------------------------------


def _framework_draft(framework_id: uuid.UUID) -> Framework:
    return versioning.ensure_draft(found(db.session.get(Framework, framework_id)))


def create_framework(data: dict, *, actor: Actor) -> FrameworkVersion:
    """Start a new framework (version 1, a draft), optionally with its whole dimension tree."""
    policy.require(actor, "reference.draft")
    framework = versioning.first_draft(
        FRAMEWORKS,
        _clean_code(data, max_length=60),
        issuer=_text(data, "issuer", max_length=200),
        source=_text(data, "source"),
        **_clean_names(data),
    )
    if data.get("dimensions"):
        replace_dimensions(framework.id, data["dimensions"], actor=actor)
    return _frozen(FrameworkVersion, framework)


def draft_framework_version(framework_id: uuid.UUID, *, actor: Actor) -> FrameworkVersion:
    """The next version of a framework, a draft copied from its latest version with all its dimensions."""
    policy.require(actor, "reference.draft")
    framework = get_framework(framework_id, actor=actor)
    return _frozen(FrameworkVersion, versioning.draft_next(FRAMEWORKS, framework.code))


def _copy_dimensions(source: Framework, draft: Framework) -> None:
    tree = framework_trees([source], actor=Actor.system())[0]
    _insert_tree(draft.id, [_dimension_spec(d, tree.sub_dimensions[d.id]) for d in tree.dimensions])


def _dimension_spec(dim: Dimension, subs: Iterable[SubDimension]) -> dict:
    return {
        "code": dim.code,
        "name_id": dim.name_id,
        "name_en": dim.name_en,
        "strategy_prefix": dim.strategy_prefix,
        "goal": dim.goal,
        "sub_dimensions": [{"code": s.code, "name_id": s.name_id, "name_en": s.name_en} for s in subs],
    }


def update_framework(framework_id: uuid.UUID, data: dict, *, actor: Actor) -> FrameworkVersion:
    """Rename a draft, or replace its whole dimension tree."""
    policy.require(actor, "reference.draft")
    framework = _framework_draft(framework_id)
    for name in ("name_id", "name_en"):
        if name in data:
            setattr(framework, name, _text(data, name, required=True, max_length=200))
    for name in ("issuer", "source"):
        if name in data:
            setattr(framework, name, _text(data, name, max_length=200 if name == "issuer" else None))
    if "dimensions" in data:
        replace_dimensions(framework_id, data["dimensions"], actor=actor)
    db.session.flush()
    return _frozen(FrameworkVersion, framework)


def replace_dimensions(framework_id: uuid.UUID, dimensions: list[dict], *, actor: Actor) -> None:
    """Replace a draft's dimensions and sub-dimensions with ``dimensions`` (each with sub_dimensions)."""
    policy.require(actor, "reference.draft")
    _framework_draft(framework_id)
    specs = [_clean_dimension(spec, index) for index, spec in enumerate(dimensions)]
    _ensure_unique([s["code"] for s in specs], "dimensions")
    _ensure_unique([sub["code"] for s in specs for sub in s["sub_dimensions"]], "dimensions")
    dim_ids = select(FrameworkDimension.id).where(FrameworkDimension.framework_id == framework_id)
    db.session.execute(delete(FrameworkSubDimension).where(FrameworkSubDimension.dimension_id.in_(dim_ids)))
    db.session.execute(delete(FrameworkDimension).where(FrameworkDimension.framework_id == framework_id))
    _insert_tree(framework_id, specs)


def _clean_dimension(spec: dict, index: int) -> dict:
    try:
        return {
            "code": _clean_code(spec),
            "strategy_prefix": _text(spec, "strategy_prefix", max_length=10),
            "goal": _text(spec, "goal"),
            **_clean_names(spec),
            "sub_dimensions": [
                {"code": _clean_code(sub), **_clean_names(sub)} for sub in spec.get("sub_dimensions") or []
            ],
        }
    except ValidationFailed as error:
        where = _l("#%(n)d: %(problem)s", n=index + 1, problem=error.message)
        raise ValidationFailed(error.message, {"dimensions": [where]}) from None


def _insert_tree(framework_id: uuid.UUID, specs: list[dict]) -> None:
    for position, spec in enumerate(specs):
        dim = FrameworkDimension(
            framework_id=framework_id,
            position=position,
            **{k: spec.get(k) for k in ("code", "name_id", "name_en", "strategy_prefix", "goal")},
        )
        db.session.add(dim)
        db.session.flush()
        db.session.add_all(
            FrameworkSubDimension(dimension_id=dim.id, position=i, **sub)
            for i, sub in enumerate(spec["sub_dimensions"])
        )
    db.session.flush()


def save_dimension(
    framework_id: uuid.UUID, data: dict, *, actor: Actor, dimension_id: uuid.UUID | None = None
) -> Dimension:
    """Add a dimension to a draft, or change one."""
    policy.require(actor, "reference.draft")
    _framework_draft(framework_id)
    values = {
        "code": _clean_code(data),
        "strategy_prefix": _text(data, "strategy_prefix", max_length=10),
        "goal": _text(data, "goal"),
        **_clean_names(data),
    }
    clash = db.session.scalar(
        select(FrameworkDimension.id).where(
            FrameworkDimension.framework_id == framework_id, FrameworkDimension.code == values["code"]
        )
    )
    if clash is not None and clash != dimension_id:
        raise Conflict(_l("this code is taken in this framework"), {"code": [_l("already used")]})
    if dimension_id is None:
        position = db.session.scalar(
            select(func.count()).where(FrameworkDimension.framework_id == framework_id)
        )
        dim = FrameworkDimension(framework_id=framework_id, position=position)
        db.session.add(dim)
    else:
        dim = _dimension_of(framework_id, dimension_id)
    for key, value in values.items():
        setattr(dim, key, value)
    db.session.flush()
    return _frozen(Dimension, dim)


def _dimension_of(framework_id: uuid.UUID, dimension_id: uuid.UUID) -> FrameworkDimension:
    return one_or_404(
        select(FrameworkDimension).where(
            FrameworkDimension.id == dimension_id, FrameworkDimension.framework_id == framework_id
        )
    )


def delete_dimension(framework_id: uuid.UUID, dimension_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a draft's dimension that has no sub-dimensions."""
    policy.require(actor, "reference.draft")
    _framework_draft(framework_id)
    dim = _dimension_of(framework_id, dimension_id)
    if db.session.scalar(
        select(FrameworkSubDimension.id).where(FrameworkSubDimension.dimension_id == dim.id)
    ):
        raise Conflict(_l("this dimension has sub-dimensions: remove them first"))
    db.session.delete(dim)
    db.session.flush()


def save_sub_dimension(
    framework_id: uuid.UUID,
    dimension_id: uuid.UUID,
    data: dict,
    *,
    actor: Actor,
    sub_dimension_id: uuid.UUID | None = None,
) -> SubDimension:
    """Add a sub-dimension under a draft's dimension, or change one."""
    policy.require(actor, "reference.draft")
    _framework_draft(framework_id)
    dim = _dimension_of(framework_id, dimension_id)
    values = {"code": _clean_code(data), **_clean_names(data)}
    clash = db.session.scalar(
        select(FrameworkSubDimension.id)
        .join(FrameworkDimension, FrameworkDimension.id == FrameworkSubDimension.dimension_id)
        .where(FrameworkDimension.framework_id == framework_id, FrameworkSubDimension.code == values["code"])
    )
    if clash is not None and clash != sub_dimension_id:
        raise Conflict(_l("this code is taken in this framework"), {"code": [_l("already used")]})
    if sub_dimension_id is None:
        position = db.session.scalar(select(func.count()).where(FrameworkSubDimension.dimension_id == dim.id))
        sub = FrameworkSubDimension(dimension_id=dim.id, position=position)
        db.session.add(sub)
    else:
        sub = _sub_dimension_of(dim, sub_dimension_id)
    for key, value in values.items():
        setattr(sub, key, value)
    db.session.flush()
    return _frozen(SubDimension, sub)


def _sub_dimension_of(dim: FrameworkDimension, sub_dimension_id: uuid.UUID) -> FrameworkSubDimension:
    return one_or_404(
        select(FrameworkSubDimension).where(
            FrameworkSubDimension.id == sub_dimension_id, FrameworkSubDimension.dimension_id == dim.id
        )
    )


def delete_sub_dimension(
    framework_id: uuid.UUID, dimension_id: uuid.UUID, sub_dimension_id: uuid.UUID, *, actor: Actor
) -> None:
    """Remove a sub-dimension of a draft."""
    policy.require(actor, "reference.draft")
    _framework_draft(framework_id)
    sub = _sub_dimension_of(_dimension_of(framework_id, dimension_id), sub_dimension_id)
    db.session.delete(sub)
    db.session.flush()


def _check_framework(framework: Framework) -> None:
    if not db.session.scalar(
        select(FrameworkDimension.id).where(FrameworkDimension.framework_id == framework.id)
    ):
        raise ValidationFailed.field("dimensions", _l("a framework needs at least one dimension"))


def publish_framework(framework_id: uuid.UUID, *, actor: Actor) -> FrameworkVersion:
    """Offer a draft to tenants; from now on it never changes."""
    policy.require(actor, "reference.publish")
    framework = versioning.publish(FRAMEWORKS, found(db.session.get(Framework, framework_id)))
    return _frozen(FrameworkVersion, framework)


def retire_framework(framework_id: uuid.UUID, *, actor: Actor) -> FrameworkVersion:
    """Stop offering a version for new masterplans; masterplans that follow it keep it."""
    policy.require(actor, "reference.retire")
    return _frozen(FrameworkVersion, versioning.retire(found(db.session.get(Framework, framework_id))))


def delete_framework(framework_id: uuid.UUID, *, actor: Actor) -> None:
    """Discard a draft (no masterplan can follow a draft, so nothing points at it)."""
    policy.require(actor, "reference.draft")
    versioning.discard(found(db.session.get(Framework, framework_id)))


FRAMEWORKS = versioning.Kind("framework", Framework, _copy_dimensions, _check_framework)


# --- code lists -----------------------------------------------------------------------------------


def _latest_lists(published_only: bool):
    """The id of each list's latest version (its latest published one with ``published_only``)."""
    stmt = select(CodeList.code, func.max(CodeList.version).label("version")).group_by(CodeList.code)
    if published_only:
        stmt = stmt.where(CodeList.state == PUBLISHED)
    latest = stmt.subquery()
    return select(CodeList.id).join(
        latest, (latest.c.code == CodeList.code) & (latest.c.version == CodeList.version)
    )


def code_list_items_query(list_name: str | None = None, *, actor: Actor, offered_only: bool = False):
    """The entries of each list's latest version, by list and position: for who edits drafts the draft
    being written; for everyone else the latest published version, retired entries left out when
    ``offered_only``."""
    policy.require(actor, "reference.read")
    published_only = offered_only or not policy.can(actor, "reference.read_drafts")
    stmt = (
        select(CodeListItem)
        .where(CodeListItem.code_list_id.in_(_latest_lists(published_only)))
        .order_by(CodeListItem.list_name, CodeListItem.position, CodeListItem.code)
    )
    if offered_only:
        stmt = stmt.where(CodeListItem.retired.is_(False))
    return stmt.where(CodeListItem.list_name == list_name) if list_name else stmt


def code_lists(*, actor: Actor) -> dict[str, dict[str, CodeEntry]]:
    """Every entry of the latest published version of every list, by list and code, in one query;
    retired entries included (marked) so that a stored code keeps its name."""
    policy.require(actor, "reference.read")
    stmt = (
        select(CodeListItem)
        .where(CodeListItem.code_list_id.in_(_latest_lists(published_only=True)))
        .order_by(CodeListItem.list_name, CodeListItem.position, CodeListItem.code)
    )
    lists: dict[str, dict[str, CodeEntry]] = {}
    for item in db.session.scalars(stmt):
        lists.setdefault(item.list_name, {})[item.code] = _frozen(CodeEntry, item)
    return lists


def code_list_versions(list_name: str | None = None, *, actor: Actor) -> list[CodeListVersion]:
    """The versions of each list (of ``list_name``), newest first; drafts only for who edits them."""
    policy.require(actor, "reference.read")
    stmt = select(CodeList).order_by(CodeList.code, CodeList.version.desc())
    if list_name:
        stmt = stmt.where(CodeList.code == list_name)
    if not policy.can(actor, "reference.read_drafts"):
        stmt = stmt.where(CodeList.state != DRAFT)
    versions = [_frozen(CodeListVersion, c) for c in db.session.scalars(stmt)]
    if list_name and not versions:
        raise NotFound()  # no such list, or none of its versions this reader may see
    return versions


def get_code_list_item(item_id: uuid.UUID, *, actor: Actor) -> CodeEntry:
    item = found(db.session.get(CodeListItem, item_id))
    _readable(db.session.get(CodeList, item.code_list_id), actor)
    return _frozen(CodeEntry, item)


def _list_version(list_name: str, version: int) -> CodeList:
    return one_or_404(select(CodeList).where(CodeList.code == list_name, CodeList.version == version))


def _list_draft(list_name: str | None) -> CodeList:
    latest = versioning.latest(CODE_LISTS, list_name) if list_name else None
    if latest is None:
        names = ", ".join(db.session.scalars(select(CodeList.code).distinct().order_by(CodeList.code)))
        raise ValidationFailed.field("list_name", _l("one of %(choices)s", choices=names))
    if latest.state != DRAFT:
        raise Conflict(
            _l(
                "%(code)s version %(version)s is published and never changes: draft its next version first",
                code=latest.code,
                version=latest.version,
            )
        )
    return latest


def draft_code_list_version(list_name: str, *, actor: Actor) -> CodeListVersion:
    """The next version of a code list, a draft copied from its latest version with every entry."""
    policy.require(actor, "reference.draft")
    return _frozen(CodeListVersion, versioning.draft_next(CODE_LISTS, list_name))


def _copy_entries(source: CodeList, draft: CodeList) -> None:
    columns = ("list_name", "code", "name_id", "name_en", "position", "retired")
    db.session.add_all(
        CodeListItem(code_list_id=draft.id, **{c: getattr(item, c) for c in columns})
        for item in db.session.scalars(select(CodeListItem).where(CodeListItem.code_list_id == source.id))
    )
    db.session.flush()


def add_code_list_item(data: dict, *, actor: Actor) -> CodeEntry:
    """Add an entry to the draft version of its list."""
    policy.require(actor, "reference.draft")
    code_list = _list_draft(data.get("list_name"))
    code = _clean_code(data, max_length=ENTRY_CODE_LENGTH)
    exists = db.session.scalar(
        select(CodeListItem.id).where(CodeListItem.code_list_id == code_list.id, CodeListItem.code == code)
    )
    if exists:
        raise Conflict(_l("this code exists in the list"), {"code": [_l("already used")]})
    position = db.session.scalar(select(func.count()).where(CodeListItem.code_list_id == code_list.id))
    item = CodeListItem(
        code_list_id=code_list.id,
        list_name=code_list.code,
        code=code,
        position=position,
        **_clean_names(data),
    )
    db.session.add(item)
    db.session.flush()
    return _frozen(CodeEntry, item)


def update_code_list_item(item_id: uuid.UUID, data: dict, *, actor: Actor) -> CodeEntry:
    """Correct an entry's names or retire it, in a draft version; its code never changes, masterplans
    store it."""
    policy.require(actor, "reference.draft")
    item = found(db.session.get(CodeListItem, item_id))
    versioning.ensure_draft(db.session.get(CodeList, item.code_list_id))
    for name in ("name_id", "name_en"):
        if name in data:
            setattr(item, name, _text(data, name, required=True, max_length=200))
    if "retired" in data:
        item.retired = bool(data["retired"])
    db.session.flush()
    return _frozen(CodeEntry, item)


def _check_code_list(code_list: CodeList) -> None:
    offered = select(CodeListItem.id).where(
        CodeListItem.code_list_id == code_list.id, CodeListItem.retired.is_(False)
    )
    if db.session.scalar(offered.limit(1)) is None:
        raise ValidationFailed.field(
            "entries", _l("a code list needs at least one entry that is not retired")
        )


def publish_code_list(list_name: str, version: int, *, actor: Actor) -> CodeListVersion:
    """Offer a draft version of a list to tenants; from now on it never changes."""
    policy.require(actor, "reference.publish")
    return _frozen(CodeListVersion, versioning.publish(CODE_LISTS, _list_version(list_name, version)))


def retire_code_list(list_name: str, version: int, *, actor: Actor) -> CodeListVersion:
    """Stop offering a published version of a list (its previous published version is offered again)."""
    policy.require(actor, "reference.retire")
    return _frozen(CodeListVersion, versioning.retire(_list_version(list_name, version)))


def discard_code_list_draft(list_name: str, version: int, *, actor: Actor) -> None:
    """Discard a draft version of a list."""
    policy.require(actor, "reference.draft")
    versioning.discard(_list_version(list_name, version))


CODE_LISTS = versioning.Kind("code_list", CodeList, _copy_entries, _check_code_list)


# --- regions --------------------------------------------------------------------------------------


def list_regions(*, actor: Actor, kinds: Iterable[str] = TENANT_REGION_KINDS) -> list[RegionEntry]:
    """The regions of the Kemendagri list (kabupaten and kota unless ``kinds`` says otherwise), by
    province and name."""
    policy.require(actor, "reference.read")
    rows = db.session.scalars(
        select(Region).where(Region.kind.in_(tuple(kinds))).order_by(Region.province_code, Region.name)
    )
    return [_frozen(RegionEntry, r) for r in rows]


def get_region(code: str, *, actor: Actor) -> RegionEntry | None:
    policy.require(actor, "reference.read")
    region = db.session.get(Region, code)
    return None if region is None else _frozen(RegionEntry, region)


# --- the carried data -----------------------------------------------------------------------------


def load_carried_data(*, actor: Actor) -> dict[str, int]:
    """Add the frameworks, code lists and regions of app/data that are missing; how many of each."""
    from app.reference import loader

    policy.require(actor, "reference.load")
    return loader.load(db.session.connection())

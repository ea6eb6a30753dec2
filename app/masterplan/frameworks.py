"""Frameworks and code lists: national reference data, kept by platform and ministry admins.

A framework version is a draft while it is being written, then published: from then on it never
changes (masterplans point at it), and a change means adding the next version, copied from it.
"""

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.core.auth import Actor
from app.core.db import utcnow
from app.core.errors import Conflict, ValidationFailed
from app.core.reach import found, one_or_404
from app.extensions import db
from app.masterplan import policy
from app.masterplan.common import apply, clean_text
from app.masterplan.models import (
    CODE_LISTS,
    FRAMEWORK_DRAFT,
    FRAMEWORK_PUBLISHED,
    FRAMEWORK_RETIRED,
    CodeListItem,
    Framework,
    FrameworkDimension,
    FrameworkSubDimension,
)

CODE_PATTERN_HELP = _l("capital letters, digits, dots, dashes and underscores")
# A version's state as a sentence names it.
STATE_NAMES = {
    FRAMEWORK_DRAFT: _l("draft"),
    FRAMEWORK_PUBLISHED: _l("published"),
    FRAMEWORK_RETIRED: _l("retired"),
}


def _clean_code(data: dict, name: str = "code", max_length: int = 20) -> str:
    code = (clean_text(data, name, required=True, max_length=max_length) or "").upper()
    if not all(c.isalnum() or c in "._-" for c in code):
        raise ValidationFailed.field(name, CODE_PATTERN_HELP)
    return code


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class FrameworkTree:
    framework: Framework
    dimensions: list[FrameworkDimension]
    sub_dimensions: dict[uuid.UUID, list[FrameworkSubDimension]]


def frameworks_query(*, published_only: bool = False):
    stmt = select(Framework).order_by(Framework.code, Framework.version.desc())
    if published_only:
        stmt = stmt.where(Framework.state == FRAMEWORK_PUBLISHED)
    return stmt


def list_frameworks(*, published_only: bool = False) -> list[Framework]:
    return list(db.session.scalars(frameworks_query(published_only=published_only)))


def get_framework(framework_id: uuid.UUID) -> Framework:
    return found(db.session.get(Framework, framework_id))


def trees(frameworks: list[Framework]) -> list[FrameworkTree]:
    """The dimensions and sub-dimensions of several frameworks, in two queries."""
    ids = [f.id for f in frameworks]
    dims = list(
        db.session.scalars(
            select(FrameworkDimension)
            .where(FrameworkDimension.framework_id.in_(ids))
            .order_by(FrameworkDimension.position)
        )
    )
    subs: dict[uuid.UUID, list[FrameworkSubDimension]] = {d.id: [] for d in dims}
    if dims:
        for sub in db.session.scalars(
            select(FrameworkSubDimension)
            .where(FrameworkSubDimension.dimension_id.in_(list(subs)))
            .order_by(FrameworkSubDimension.position)
        ):
            subs[sub.dimension_id].append(sub)
    by_framework: dict[uuid.UUID, list[FrameworkDimension]] = {i: [] for i in ids}
    for dim in dims:
        by_framework[dim.framework_id].append(dim)
    return [FrameworkTree(f, by_framework[f.id], subs) for f in frameworks]


def framework_tree(framework_id: uuid.UUID) -> FrameworkTree:
    return trees([get_framework(framework_id)])[0]


def framework_dict(tree: FrameworkTree) -> dict:
    """A framework with its dimensions and sub-dimensions nested, as the API shows it."""
    framework = tree.framework
    return {
        "id": framework.id,
        "code": framework.code,
        "version": framework.version,
        "name_id": framework.name_id,
        "name_en": framework.name_en,
        "issuer": framework.issuer,
        "source": framework.source,
        "state": framework.state,
        "published_at": framework.published_at,
        "created_at": framework.created_at,
        "updated_at": framework.updated_at,
        "dimensions": [
            {
                "id": dim.id,
                "code": dim.code,
                "name_id": dim.name_id,
                "name_en": dim.name_en,
                "strategy_prefix": dim.strategy_prefix,
                "goal": dim.goal,
                "sub_dimensions": [
                    {"id": s.id, "code": s.code, "name_id": s.name_id, "name_en": s.name_en}
                    for s in tree.sub_dimensions[dim.id]
                ],
            }
            for dim in tree.dimensions
        ],
    }


# --- writing: drafts only --------------------------------------------------------------------------


def _draft(framework_id: uuid.UUID) -> Framework:
    framework = get_framework(framework_id)
    if framework.state != FRAMEWORK_DRAFT:
        raise Conflict(
            _l(
                "%(code)s version %(version)s is %(state)s and never changes: add a new version instead",
                code=framework.code,
                version=framework.version,
                state=STATE_NAMES.get(framework.state, framework.state),
            )
        )
    return framework


def _clean_names(data: dict, max_length: int = 200) -> dict:
    return {
        "name_id": clean_text(data, "name_id", required=True, max_length=max_length),
        "name_en": clean_text(data, "name_en", required=True, max_length=max_length),
    }


def create_framework(data: dict, *, actor: Actor) -> Framework:
    """Start a new framework (version 1, a draft), optionally with its whole dimension tree."""
    policy.require(actor, "framework.manage")
    code = _clean_code(data, max_length=60)
    if db.session.scalar(select(Framework.id).where(Framework.code == code).limit(1)):
        raise Conflict(
            _l("this framework exists: add a new version of it instead"), {"code": [_l("already used")]}
        )
    framework = Framework(
        code=code,
        version=1,
        issuer=clean_text(data, "issuer", max_length=200),
        source=clean_text(data, "source"),
        state=FRAMEWORK_DRAFT,
        **_clean_names(data),
    )
    db.session.add(framework)
    db.session.flush()
    if data.get("dimensions"):
        replace_dimensions(framework.id, data["dimensions"], actor=actor)
    return framework


def add_version(framework_id: uuid.UUID, *, actor: Actor) -> Framework:
    """A new draft version of a framework, copied from ``framework_id`` with all its dimensions."""
    policy.require(actor, "framework.manage")
    tree = framework_tree(framework_id)
    source = tree.framework
    latest = db.session.scalar(select(func.max(Framework.version)).where(Framework.code == source.code))
    framework = Framework(
        code=source.code,
        version=latest + 1,
        name_id=source.name_id,
        name_en=source.name_en,
        issuer=source.issuer,
        source=source.source,
        state=FRAMEWORK_DRAFT,
    )
    db.session.add(framework)
    db.session.flush()
    _insert_tree(framework.id, [_dimension_spec(d, tree.sub_dimensions[d.id]) for d in tree.dimensions])
    return framework


def _dimension_spec(dim: FrameworkDimension, subs: list[FrameworkSubDimension]) -> dict:
    return {
        "code": dim.code,
        "name_id": dim.name_id,
        "name_en": dim.name_en,
        "strategy_prefix": dim.strategy_prefix,
        "goal": dim.goal,
        "sub_dimensions": [{"code": s.code, "name_id": s.name_id, "name_en": s.name_en} for s in subs],
    }


def update_framework(framework_id: uuid.UUID, data: dict, *, actor: Actor) -> Framework:
    """Rename a draft, or replace its whole dimension tree."""
    policy.require(actor, "framework.manage")
    framework = _draft(framework_id)
    values = {}
    for name in ("name_id", "name_en"):
        if name in data:
            values[name] = clean_text(data, name, required=True, max_length=200)
    for name in ("issuer", "source"):
        if name in data:
            values[name] = clean_text(data, name)
    apply(framework, values)
    if "dimensions" in data:
        replace_dimensions(framework_id, data["dimensions"], actor=actor)
    return framework


def replace_dimensions(framework_id: uuid.UUID, dimensions: list[dict], *, actor: Actor) -> None:
    """Replace a draft's dimensions and sub-dimensions with ``dimensions`` (each with sub_dimensions)."""
    policy.require(actor, "framework.manage")
    _draft(framework_id)
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
            "strategy_prefix": clean_text(spec, "strategy_prefix", max_length=10),
            "goal": clean_text(spec, "goal"),
            **_clean_names(spec),
            "sub_dimensions": [
                {"code": _clean_code(sub), **_clean_names(sub)} for sub in spec.get("sub_dimensions") or []
            ],
        }
    except ValidationFailed as error:
        where = _l("#%(n)d: %(problem)s", n=index + 1, problem=error.message)
        raise ValidationFailed(error.message, {"dimensions": [where]}) from None


def _ensure_unique(codes: list[str], name: str) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            raise ValidationFailed.field(name, _l("code %(code)s appears twice", code=code))
        seen.add(code)


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
) -> FrameworkDimension:
    """Add a dimension to a draft, or change one."""
    policy.require(actor, "framework.manage")
    _draft(framework_id)
    values = {
        "code": _clean_code(data),
        "strategy_prefix": clean_text(data, "strategy_prefix", max_length=10),
        "goal": clean_text(data, "goal"),
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
    apply(dim, values)
    db.session.flush()
    return dim


def _dimension_of(framework_id: uuid.UUID, dimension_id: uuid.UUID) -> FrameworkDimension:
    return one_or_404(
        select(FrameworkDimension).where(
            FrameworkDimension.id == dimension_id, FrameworkDimension.framework_id == framework_id
        )
    )


def delete_dimension(framework_id: uuid.UUID, dimension_id: uuid.UUID, *, actor: Actor) -> None:
    policy.require(actor, "framework.manage")
    _draft(framework_id)
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
) -> FrameworkSubDimension:
    """Add a sub-dimension under a draft's dimension, or change one."""
    policy.require(actor, "framework.manage")
    _draft(framework_id)
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
    apply(sub, values)
    db.session.flush()
    return sub


def _sub_dimension_of(dim: FrameworkDimension, sub_dimension_id: uuid.UUID) -> FrameworkSubDimension:
    return one_or_404(
        select(FrameworkSubDimension).where(
            FrameworkSubDimension.id == sub_dimension_id, FrameworkSubDimension.dimension_id == dim.id
        )
    )


def delete_sub_dimension(
    framework_id: uuid.UUID, dimension_id: uuid.UUID, sub_dimension_id: uuid.UUID, *, actor: Actor
) -> None:
    policy.require(actor, "framework.manage")
    _draft(framework_id)
    sub = _sub_dimension_of(_dimension_of(framework_id, dimension_id), sub_dimension_id)
    db.session.delete(sub)
    db.session.flush()


def publish_framework(framework_id: uuid.UUID, *, actor: Actor) -> Framework:
    """Offer a draft to tenants; from now on it never changes."""
    policy.require(actor, "framework.manage")
    tree = trees([_draft(framework_id)])[0]
    if not tree.dimensions:
        raise ValidationFailed.field("dimensions", _l("a framework needs at least one dimension"))
    tree.framework.state = FRAMEWORK_PUBLISHED
    tree.framework.published_at = utcnow()
    return tree.framework


def retire_framework(framework_id: uuid.UUID, *, actor: Actor) -> Framework:
    """Stop offering a version for new masterplans; masterplans that follow it keep it."""
    policy.require(actor, "framework.manage")
    framework = get_framework(framework_id)
    if framework.state != FRAMEWORK_PUBLISHED:
        raise Conflict(_l("only a published version is retired"))
    framework.state = FRAMEWORK_RETIRED
    return framework


def delete_framework(framework_id: uuid.UUID, *, actor: Actor) -> None:
    """Discard a draft (no masterplan can follow a draft, so nothing points at it)."""
    policy.require(actor, "framework.manage")
    framework = _draft(framework_id)
    db.session.delete(framework)
    db.session.flush()


# --- code lists ------------------------------------------------------------------------------------


def code_list_items_query(list_name: str | None = None):
    stmt = select(CodeListItem).order_by(CodeListItem.list_name, CodeListItem.position, CodeListItem.code)
    return stmt.where(CodeListItem.list_name == list_name) if list_name else stmt


def code_list(list_name: str, *, include_retired: bool = False) -> list[CodeListItem]:
    items = db.session.scalars(code_list_items_query(list_name))
    return [i for i in items if include_retired or not i.retired]


def code_lists() -> dict[str, list[CodeListItem]]:
    """Every offered entry of every code list, in one query."""
    lists: dict[str, list[CodeListItem]] = {name: [] for name in CODE_LISTS}
    for item in db.session.scalars(code_list_items_query()):
        if not item.retired and item.list_name in lists:
            lists[item.list_name].append(item)
    return lists


def get_code_list_item(item_id: uuid.UUID) -> CodeListItem:
    return found(db.session.get(CodeListItem, item_id))


def add_code_list_item(data: dict, *, actor: Actor) -> CodeListItem:
    policy.require(actor, "code_list.manage")
    list_name = data.get("list_name")
    if list_name not in CODE_LISTS:
        raise ValidationFailed.field("list_name", _l("one of %(choices)s", choices=", ".join(CODE_LISTS)))
    code = _clean_code(data, max_length=40)
    exists = db.session.scalar(
        select(CodeListItem.id).where(CodeListItem.list_name == list_name, CodeListItem.code == code)
    )
    if exists:
        raise Conflict(_l("this code exists in the list"), {"code": [_l("already used")]})
    position = db.session.scalar(select(func.count()).where(CodeListItem.list_name == list_name))
    item = CodeListItem(list_name=list_name, code=code, position=position, **_clean_names(data))
    db.session.add(item)
    db.session.flush()
    return item


def update_code_list_item(item_id: uuid.UUID, data: dict, *, actor: Actor) -> CodeListItem:
    """Correct an entry's names or retire it; its code never changes, masterplans store it."""
    policy.require(actor, "code_list.manage")
    item = get_code_list_item(item_id)
    for name in ("name_id", "name_en"):
        if name in data:
            setattr(item, name, clean_text(data, name, required=True, max_length=200))
    if "retired" in data:
        item.retired = bool(data["retired"])
    return item

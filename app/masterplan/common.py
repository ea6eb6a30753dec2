"""What every masterplan service shares: who may edit, finding a masterplan, and the reference maps.

``MasterplanRefs`` resolves what a part points at (dimension and sub-dimension codes of the masterplan's
framework, code list entries, OPDs, strategies, goals, programs) with at most one query per kind, however
many rows are checked against it. A later import builds one and validates every row of a workbook
against it before writing anything.
"""

import uuid
from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core import bounds
from app.core.auth import Actor
from app.core.errors import Conflict, ValidationFailed
from app.core.reach import one_or_404
from app.extensions import db
from app.masterplan import policy
from app.masterplan.models import (
    DRAFT,
    ENACTED,
    ENDORSED,
    IN_REVIEW,
    SUPERSEDED,
    Goal,
    Masterplan,
    Program,
    Strategy,
)
from app.reference import services as reference
from app.reference.services import CodeEntry, Dimension, SubDimension
from app.tenants import services as tenants

EDITORS = policy.EDITORS
MIN_YEAR, MAX_YEAR = 1990, 2100
# A version's status as a sentence names it (the API's status field keeps the codes).
STATUS_NAMES = {
    DRAFT: _l("draft"),
    IN_REVIEW: _l("in review"),
    ENDORSED: _l("endorsed"),
    ENACTED: _l("enacted"),
    SUPERSEDED: _l("superseded"),
}


def status_name(status: str):
    return STATUS_NAMES.get(status, status)


def get_masterplan(masterplan_id: uuid.UUID, *, actor: Actor) -> Masterplan:
    """A version of the tenant's masterplan, for a member to read."""
    masterplan = find_masterplan(masterplan_id)
    policy.require(actor, "masterplan.read", masterplan)
    return masterplan


def find_masterplan(masterplan_id: uuid.UUID) -> Masterplan:
    """The version with this id (404 when the tenant has none), for the masterplan's own services, which
    check their actor themselves."""
    return one_or_404(select(Masterplan).where(Masterplan.id == masterplan_id))


def open_draft(masterplan_id: uuid.UUID, action: str, *, actor: Actor, part=None) -> Masterplan:
    """The version ``actor`` changes by ``action`` (on ``part`` of it, when given): refused (403) when
    their role may not, and (409) when the version is no longer a draft: only a draft's content changes."""
    masterplan = find_masterplan(masterplan_id)
    policy.require(actor, action, part if part is not None else masterplan)
    ensure_draft(masterplan)
    return masterplan


def ensure_draft(masterplan: Masterplan) -> None:
    if masterplan.status != DRAFT:
        raise Conflict(
            _l(
                "masterplan %(version)s is %(status)s and read-only: return it to draft, or start a "
                "revision to change it",
                version=masterplan.version_label,
                status=status_name(masterplan.status),
            )
        )


def get_part(model, masterplan_id: uuid.UUID, part_id: uuid.UUID):
    """A part of this masterplan; one of another masterplan (or tenant) is not found."""
    return one_or_404(select(model).where(model.id == part_id, model.masterplan_id == masterplan_id))


def next_position(model, masterplan_id: uuid.UUID, **scope) -> int:
    stmt = select(func.coalesce(func.max(model.position), -1)).where(model.masterplan_id == masterplan_id)
    for name, value in scope.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.scalar(stmt) + 1


# --- field checks shared by the part services -----------------------------------------------------


def clean_text(data: dict, name: str, *, required: bool = False, max_length: int | None = None) -> str | None:
    """Trimmed text for a column: with ``max_length`` one line of a String column, without it long text
    (a Text column, up to ``bounds.NARRATIVE_MAX``, tabs and line breaks kept); control characters are
    refused either way, whether the text came from the API, a page or an imported workbook."""
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


def clean_year(data: dict, name: str, *, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise ValidationFailed.field(name, _l("required"))
        return None
    if not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        raise ValidationFailed.field(
            name, _l("a year between %(first)d and %(last)d", first=MIN_YEAR, last=MAX_YEAR)
        )
    return value


def clean_choice(data: dict, name: str, choices, *, required: bool = False, default=None):
    value = data.get(name)
    if value in (None, ""):
        if required and default is None:
            raise ValidationFailed.field(name, _l("required"))
        return default
    if value not in choices:
        raise ValidationFailed.field(name, _l("one of %(choices)s", choices=", ".join(choices)))
    return value


def apply(obj, values: dict) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


# --- references -----------------------------------------------------------------------------------


@dataclass
class MasterplanRefs:
    """Everything a part of ``masterplan`` may point at, loaded once per kind on first use."""

    masterplan: Masterplan
    # Codes a caller is about to create (an import validating strategies before programs that serve them).
    planned_strategy_codes: set[str] = field(default_factory=set)

    @cached_property
    def _system(self) -> Actor:
        # Reads for a service that checked its actor already (every member reads the masterplan, its
        # framework, the code lists and the OPDs).
        return Actor.system(self.masterplan.tenant_id)

    @cached_property
    def framework(self) -> reference.FrameworkTree:
        return reference.followed_framework_tree(self.masterplan.framework_id, actor=self._system)

    @property
    def dimensions(self) -> list[Dimension]:
        return list(self.framework.dimensions)

    @property
    def sub_dimensions(self) -> list[SubDimension]:
        return self.framework.all_sub_dimensions

    @cached_property
    def dimension_by_code(self) -> dict[str, Dimension]:
        return {d.code: d for d in self.dimensions}

    @cached_property
    def dimension_by_id(self) -> dict[uuid.UUID, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def sub_dimension_by_code(self) -> dict[str, SubDimension]:
        return {s.code: s for s in self.sub_dimensions}

    @cached_property
    def sub_dimension_by_id(self) -> dict[uuid.UUID, SubDimension]:
        return {s.id: s for s in self.sub_dimensions}

    def dimension(self, code: str | None, name: str = "dimension_code") -> Dimension:
        if not code:
            raise ValidationFailed.field(name, _l("required"))
        found = self.dimension_by_code.get(code)
        if found is None:
            choices = ", ".join(self.dimension_by_code)
            raise ValidationFailed.field(
                name, _l("not a dimension of this masterplan's framework (%(choices)s)", choices=choices)
            )
        return found

    def sub_dimension(
        self, code: str | None, dimension: Dimension | None = None, name: str = "sub_dimension_code"
    ) -> SubDimension | None:
        if not code:
            return None
        found = self.sub_dimension_by_code.get(code)
        if found is None:
            raise ValidationFailed.field(name, _l("not a sub-dimension of this masterplan's framework"))
        if dimension is not None and found.dimension_id != dimension.id:
            raise ValidationFailed.field(
                name, _l("%(sub)s is not a sub-dimension of %(dim)s", sub=code, dim=dimension.code)
            )
        return found

    def placement(self, data: dict, *, sub_required: bool = False):
        """The (dimension, sub-dimension) named by ``dimension_code``/``sub_dimension_code``; a
        sub-dimension alone implies its dimension."""
        sub_code = data.get("sub_dimension_code") or None
        if sub_required and not sub_code:
            raise ValidationFailed.field("sub_dimension_code", _l("required"))
        if not data.get("dimension_code") and sub_code:
            sub = self.sub_dimension(sub_code)
            return self.dimension_by_id[sub.dimension_id], sub
        dimension = self.dimension(data.get("dimension_code"))
        return dimension, self.sub_dimension(sub_code, dimension)

    @cached_property
    def code_lists(self) -> dict[str, dict[str, CodeEntry]]:
        return reference.code_lists(actor=self._system)

    def code(self, list_name: str, code: str | None, name: str, *, required: bool = False) -> str | None:
        if not code:
            if required:
                raise ValidationFailed.field(name, _l("required"))
            return None
        item = self.code_lists.get(list_name, {}).get(code)
        if item is None or item.retired:
            offered = [c for c, i in self.code_lists.get(list_name, {}).items() if not i.retired]
            raise ValidationFailed.field(name, _l("one of %(choices)s", choices=", ".join(offered)))
        return code

    @cached_property
    def opd_by_id(self):
        return {o.id: o for o in tenants.list_opds(actor=self._system)}

    @cached_property
    def opd_by_code(self):
        return {o.code: o for o in self.opd_by_id.values()}

    def opd(self, opd_id: uuid.UUID | None, name: str) -> uuid.UUID | None:
        if opd_id is None:
            return None
        if opd_id not in self.opd_by_id:
            raise ValidationFailed.field(name, _l("not an OPD of this tenant"))
        return opd_id

    def opds(self, opd_ids: list[uuid.UUID], name: str) -> list[uuid.UUID]:
        return [self.opd(opd_id, name) for opd_id in dict.fromkeys(opd_ids)]

    @cached_property
    def strategy_by_id(self) -> dict[uuid.UUID, Strategy]:
        rows = db.session.scalars(select(Strategy).where(Strategy.masterplan_id == self.masterplan.id))
        return {s.id: s for s in rows}

    @cached_property
    def strategy_by_code(self) -> dict[str, Strategy]:
        return {s.code: s for s in self.strategy_by_id.values()}

    def strategies(self, strategy_ids: list[uuid.UUID], name: str = "strategy_ids") -> list[Strategy]:
        found = []
        for strategy_id in dict.fromkeys(strategy_ids):
            strategy = self.strategy_by_id.get(strategy_id)
            if strategy is None:
                raise ValidationFailed.field(
                    name, _l("not a strategy of this masterplan: %(id)s", id=strategy_id)
                )
            found.append(strategy)
        return found

    @cached_property
    def goal_ids(self) -> set[uuid.UUID]:
        return set(db.session.scalars(select(Goal.id).where(Goal.masterplan_id == self.masterplan.id)))

    def goal(self, goal_id: uuid.UUID | None, name: str = "goal_id") -> uuid.UUID:
        if goal_id is None:
            raise ValidationFailed.field(name, _l("required"))
        if goal_id not in self.goal_ids:
            raise ValidationFailed.field(name, _l("not a goal of this masterplan"))
        return goal_id

    @cached_property
    def program_by_id(self) -> dict[uuid.UUID, Program]:
        rows = db.session.scalars(select(Program).where(Program.masterplan_id == self.masterplan.id))
        return {p.id: p for p in rows}

    def program(self, program_id: uuid.UUID | None, name: str = "program_id") -> Program:
        if program_id is None:
            raise ValidationFailed.field(name, _l("required"))
        if "program_by_id" in self.__dict__:
            program = self.program_by_id.get(program_id)
        else:
            # One row is enough to check a single reference; an import loads them all once instead.
            program = db.session.scalar(
                select(Program).where(Program.id == program_id, Program.masterplan_id == self.masterplan.id)
            )
        if program is None:
            raise ValidationFailed.field(name, _l("not a program of this masterplan"))
        return program

    def strategy_prefix(self, dimension: Dimension) -> str:
        return (
            (self.masterplan.strategy_prefixes or {}).get(dimension.code)
            or dimension.strategy_prefix
            or (dimension.code)
        )

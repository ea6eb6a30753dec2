"""Strategies (coded S.1, S.1.1), programs with their OPDs, partners and budget, and the action plan."""

import re
import uuid
from dataclasses import dataclass, field

from flask_babel import LazyString, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, delete, func, or_, select

from app.core import bounds
from app.core.auth import Actor
from app.core.errors import Conflict, ValidationFailed
from app.core.i18n import lazy_join
from app.extensions import db
from app.masterplan import policy
from app.masterplan.common import (
    MasterplanRefs,
    apply,
    clean_choice,
    clean_text,
    clean_year,
    get_masterplan,
    get_part,
    next_position,
    open_draft,
)
from app.masterplan.models import (
    BUDGET_STATUSES,
    FUNDING_SOURCE,
    HORIZON,
    PENTAHELIX,
    PROGRAM_CLASS,
    PROGRAM_STATUSES,
    ActionItem,
    BudgetLine,
    Indicator,
    Program,
    ProgramOpd,
    ProgramPartner,
    ProgramStrategy,
    Strategy,
)
from app.reference.services import Dimension, SubDimension

CODE_RE = re.compile(r"^[A-Za-z0-9]+(?:[.\-_][A-Za-z0-9]+)*$")
MAX_AMOUNT = bounds.RUPIAH_MAX


def _clean_code(data: dict) -> str:
    code = clean_text(data, "code", required=True, max_length=30)
    if not CODE_RE.match(code):
        raise ValidationFailed.field("code", _l("letters and digits joined by dots or dashes, e.g. S.1.1"))
    return code


# --- strategies --------------------------------------------------------------------------------------


def strategies_query(masterplan_id: uuid.UUID, *, actor: Actor):
    policy.require(actor, "masterplan.read")
    return select(Strategy).where(Strategy.masterplan_id == masterplan_id).order_by(Strategy.code)


def serving_program_counts(masterplan_id: uuid.UUID, *, actor: Actor) -> dict[uuid.UUID, int]:
    """How many programs serve each strategy, in one query."""
    policy.require(actor, "masterplan.read")
    rows = db.session.execute(
        select(ProgramStrategy.strategy_id, func.count())
        .where(ProgramStrategy.masterplan_id == masterplan_id)
        .group_by(ProgramStrategy.strategy_id)
    )
    return dict(rows.all())


def _numbered(codes, stem: str) -> int:
    """The highest number n among codes ``stem.n``."""
    pattern = re.compile(re.escape(stem) + r"\.(\d+)$")
    return max((int(m.group(1)) for c in codes if (m := pattern.match(c))), default=0)


def suggest_strategy_code(
    refs: MasterplanRefs,
    dimension: Dimension,
    sub: SubDimension | None = None,
    parent: Strategy | None = None,
) -> str:
    """The next free code: S.1 for the first sub-dimension of Smart Society, S.1.2 after S.1.1."""
    codes = set(refs.strategy_by_code) | refs.planned_strategy_codes
    if parent is not None:
        return f"{parent.code}.{_numbered(codes, parent.code) + 1}"
    prefix = refs.strategy_prefix(dimension)
    if sub is not None and f"{prefix}.{sub.position + 1}" not in codes:
        return f"{prefix}.{sub.position + 1}"
    return f"{prefix}.{_numbered(codes, prefix) + 1}"


def next_strategy_codes(masterplan_id: uuid.UUID, *, actor: Actor) -> list[dict]:
    """Where a strategy can go next and the code it would get: one row per sub-dimension (a top-level
    strategy) and one per existing strategy (a strategy beneath it)."""
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=actor))
    rows = []
    for dim in refs.dimensions:
        subs = [s for s in refs.sub_dimensions if s.dimension_id == dim.id] or [None]
        for sub in subs:
            rows.append(
                {
                    "dimension_code": dim.code,
                    "sub_dimension_code": sub.code if sub else None,
                    "parent_id": None,
                    "parent_code": None,
                    "code": suggest_strategy_code(refs, dim, sub),
                }
            )
    for strategy in sorted(refs.strategy_by_id.values(), key=lambda s: s.code):
        sub = refs.sub_dimension_by_id.get(strategy.sub_dimension_id)
        rows.append(
            {
                "dimension_code": refs.dimension_by_id[strategy.dimension_id].code,
                "sub_dimension_code": sub.code if sub else None,
                "parent_id": strategy.id,
                "parent_code": strategy.code,
                "code": suggest_strategy_code(
                    refs, refs.dimension_by_id[strategy.dimension_id], parent=strategy
                ),
            }
        )
    return rows


def _clean_strategy(data: dict, refs: MasterplanRefs, strategy: Strategy | None) -> dict:
    values = {}
    parent = None
    if "parent_id" in data and data["parent_id"] is not None:
        parent = refs.strategies([data["parent_id"]], "parent_id")[0]
        if strategy is not None and _is_within(parent, strategy, refs):
            raise ValidationFailed.field("parent_id", _l("a strategy cannot sit beneath itself"))
    if "parent_id" in data:
        values["parent_id"] = parent.id if parent else None
    if strategy is None or {"dimension_code", "sub_dimension_code"} & set(data):
        if parent is not None and not data.get("dimension_code") and not data.get("sub_dimension_code"):
            dimension = refs.dimension_by_id[parent.dimension_id]
            sub = refs.sub_dimension_by_id.get(parent.sub_dimension_id)
        else:
            dimension, sub = refs.placement(data)
        if parent is not None and parent.dimension_id != dimension.id:
            raise ValidationFailed.field("parent_id", _l("the parent strategy belongs to another dimension"))
        values.update(dimension_id=dimension.id, sub_dimension_id=sub.id if sub else None)
    if strategy is None and not data.get("code"):
        values["code"] = suggest_strategy_code(
            refs,
            refs.dimension_by_id[values["dimension_id"]],
            refs.sub_dimension_by_id.get(values["sub_dimension_id"]),
            parent,
        )
    elif "code" in data:
        values["code"] = _clean_code(data)
    if strategy is None or "text" in data:
        values["text"] = clean_text(data, "text", required=True)
    return values


def _is_within(candidate: Strategy, strategy: Strategy, refs: MasterplanRefs) -> bool:
    """Is ``candidate`` the strategy itself or one beneath it?"""
    node = candidate
    while node is not None:
        if node.id == strategy.id:
            return True
        node = refs.strategy_by_id.get(node.parent_id)
    return False


def _ensure_strategy_code_free(refs: MasterplanRefs, code: str, except_id: uuid.UUID | None = None) -> None:
    existing = refs.strategy_by_code.get(code)
    if existing is not None and existing.id != except_id:
        raise Conflict(
            _l("strategy %(code)s exists", code=code), {"code": [_l("already used in this masterplan")]}
        )


def create_strategy(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> Strategy:
    """Add a strategy; without a code it gets the next one (S.1 under a sub-dimension, S.1.1 beneath S.1)."""
    refs = MasterplanRefs(open_draft(masterplan_id, "strategy.create", actor=actor))
    values = _clean_strategy(data, refs, None)
    _ensure_strategy_code_free(refs, values["code"])
    strategy = Strategy(masterplan_id=masterplan_id, **values)
    db.session.add(strategy)
    db.session.flush()
    return strategy


def update_strategy(masterplan_id, strategy_id, data: dict, *, actor: Actor) -> Strategy:
    strategy = get_part(Strategy, masterplan_id, strategy_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "strategy.update", actor=actor, part=strategy))
    values = _clean_strategy(data, refs, strategy)
    if "code" in values:
        _ensure_strategy_code_free(refs, values["code"], strategy.id)
    if "dimension_id" in values and values["dimension_id"] != strategy.dimension_id:
        children = [s for s in refs.strategy_by_id.values() if s.parent_id == strategy.id]
        if children:
            raise Conflict(_l("strategies beneath this one stay in its dimension: move them first"))
    apply(strategy, values)
    db.session.flush()
    return strategy


def delete_strategy(masterplan_id, strategy_id, *, actor: Actor) -> None:
    """Remove a strategy nothing points at: no strategy beneath it, no program serving it."""
    strategy = get_part(Strategy, masterplan_id, strategy_id)
    open_draft(masterplan_id, "strategy.delete", actor=actor, part=strategy)
    children = db.session.scalars(select(Strategy.code).where(Strategy.parent_id == strategy.id)).all()
    if children:
        raise Conflict(
            _l(
                "strategy %(code)s has strategies beneath it (%(codes)s)",
                code=strategy.code,
                codes=", ".join(sorted(children)),
            )
        )
    served_by = db.session.scalars(
        select(Program.code)
        .join(ProgramStrategy, ProgramStrategy.program_id == Program.id)
        .where(ProgramStrategy.strategy_id == strategy.id)
        .order_by(Program.code)
    ).all()
    if served_by:
        raise Conflict(
            _l(
                "programs serve strategy %(code)s (%(codes)s): remove it from those programs first",
                code=strategy.code,
                codes=", ".join(served_by),
            )
        )
    db.session.delete(strategy)
    db.session.flush()


# --- programs ----------------------------------------------------------------------------------------


@dataclass
class ProgramDetails:
    """What a program holds besides its own row: served strategies, supporting OPDs, partners (rows of
    name and sector) and budget lines (rows of year, amount, funding source and status)."""

    strategy_ids: list[uuid.UUID] = field(default_factory=list)
    supporting_opd_ids: list[uuid.UUID] = field(default_factory=list)
    partners: list[Row] = field(default_factory=list)
    budget_lines: list[Row] = field(default_factory=list)

    @property
    def budget_total(self) -> int:
        return sum(line.amount for line in self.budget_lines)


def program_details(program_ids: list[uuid.UUID]) -> dict[uuid.UUID, ProgramDetails]:
    """The details of many programs in four queries, whatever their number. Plain rows, read only:
    a list shows them, and rows cost a fraction of loading objects."""
    details = {pid: ProgramDetails() for pid in program_ids}
    if not program_ids:
        return details
    for program_id, strategy_id in db.session.execute(
        select(ProgramStrategy.program_id, ProgramStrategy.strategy_id).where(
            ProgramStrategy.program_id.in_(program_ids)
        )
    ):
        details[program_id].strategy_ids.append(strategy_id)
    for program_id, opd_id in db.session.execute(
        select(ProgramOpd.program_id, ProgramOpd.opd_id).where(ProgramOpd.program_id.in_(program_ids))
    ):
        details[program_id].supporting_opd_ids.append(opd_id)
    for partner in db.session.execute(
        select(ProgramPartner.program_id, ProgramPartner.name, ProgramPartner.sector)
        .where(ProgramPartner.program_id.in_(program_ids))
        .order_by(ProgramPartner.position, ProgramPartner.id)
    ):
        details[partner.program_id].partners.append(partner)
    for line in db.session.execute(
        select(BudgetLine.program_id, BudgetLine.year, BudgetLine.amount)
        .add_columns(BudgetLine.funding_source, BudgetLine.status)
        .where(BudgetLine.program_id.in_(program_ids))
        .order_by(BudgetLine.year, BudgetLine.position, BudgetLine.id)
    ):
        details[line.program_id].budget_lines.append(line)
    return details


@dataclass
class ProgramFilters:
    dimension_code: str | None = None
    sub_dimension_code: str | None = None
    opd_id: uuid.UUID | None = None
    funding_source: str | None = None
    quick_win: bool | None = None
    status: str | None = None
    search: str | None = None


def programs_query(
    masterplan_id: uuid.UUID,
    filters: ProgramFilters | None = None,
    refs: MasterplanRefs | None = None,
    *,
    actor: Actor,
):
    """Programs of a masterplan by code, narrowed by dimension, OPD (lead or supporting), funding source,
    quick win, status or a word in the code or name."""
    policy.require(actor, "masterplan.read")
    stmt = select(Program).where(Program.masterplan_id == masterplan_id).order_by(Program.code)
    f = filters or ProgramFilters()
    if f.dimension_code and refs is not None:
        dim = refs.dimension_by_code.get(f.dimension_code)
        stmt = stmt.where(Program.dimension_id == (dim.id if dim else None))
    if f.sub_dimension_code and refs is not None:
        sub = refs.sub_dimension_by_code.get(f.sub_dimension_code)
        stmt = stmt.where(Program.sub_dimension_id == (sub.id if sub else None))
    if f.opd_id:
        supporting = select(ProgramOpd.program_id).where(ProgramOpd.opd_id == f.opd_id)
        stmt = stmt.where(or_(Program.lead_opd_id == f.opd_id, Program.id.in_(supporting)))
    if f.funding_source:
        funded = select(BudgetLine.program_id).where(BudgetLine.funding_source == f.funding_source)
        stmt = stmt.where(Program.id.in_(funded))
    if f.quick_win is not None:
        stmt = stmt.where(Program.quick_win.is_(f.quick_win))
    if f.status:
        stmt = stmt.where(Program.status == f.status)
    if f.search:
        word = f"%{f.search.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Program.code).like(word), func.lower(Program.name).like(word)))
    return stmt


def program_choices_query(masterplan_id: uuid.UUID, *, actor: Actor):
    """Id, code and name of every program, for pickers."""
    policy.require(actor, "masterplan.read")
    return (
        select(Program.id, Program.code, Program.name)
        .where(Program.masterplan_id == masterplan_id)
        .order_by(Program.code)
    )


def _clean_years(years, name: str) -> list[int]:
    clean = sorted({clean_year({name: y}, name, required=True) for y in years or []})
    return clean


def clean_budget_lines(lines, refs: MasterplanRefs, name: str = "budget_lines") -> list[dict]:
    clean = []
    for index, line in enumerate(lines or []):
        try:
            amount = line.get("amount")
            if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= MAX_AMOUNT:
                raise ValidationFailed.field(name, _l("an amount in whole Rupiah, not negative"))
            clean.append(
                {
                    "year": clean_year(line, "year", required=True),
                    "amount": amount,
                    "funding_source": refs.code(
                        FUNDING_SOURCE, line.get("funding_source"), name, required=True
                    ),
                    "status": clean_choice(line, "status", BUDGET_STATUSES, default="indicative"),
                }
            )
        except ValidationFailed as error:
            where = _l("line %(n)d: %(problem)s", n=index + 1, problem=error.message)
            raise ValidationFailed(error.message, {name: [where]}) from None
    return clean


def clean_partners(partners, refs: MasterplanRefs, name: str = "partners") -> list[dict]:
    clean = []
    for index, partner in enumerate(partners or []):
        try:
            clean.append(
                {
                    "name": clean_text(partner, "name", required=True, max_length=200),
                    "sector": refs.code(PENTAHELIX, partner.get("sector"), name, required=True),
                }
            )
        except ValidationFailed as error:
            where = _l("partner %(n)d: %(problem)s", n=index + 1, problem=error.message)
            raise ValidationFailed(error.message, {name: [where]}) from None
    return clean


def clean_program(data: dict, refs: MasterplanRefs, program: Program | None = None) -> dict:
    """Check a program's fields against the masterplan; returns the values for the row plus the lists
    (``strategy_ids``, ``supporting_opd_ids``, ``partners``, ``budget_lines``) where given.

    Makes no change: an import calls it for every row before writing any."""
    new = program is None
    values: dict = {}
    if new or "code" in data:
        values["code"] = _clean_code(data)
    if new or "name" in data:
        values["name"] = clean_text(data, "name", required=True, max_length=300)
    if "description" in data:
        values["description"] = clean_text(data, "description")
    strategies = refs.strategies(data.get("strategy_ids") or []) if "strategy_ids" in data else None
    if strategies is not None:
        values["strategy_ids"] = [s.id for s in strategies]
    if new or {"dimension_code", "sub_dimension_code"} & set(data):
        if not data.get("dimension_code") and not data.get("sub_dimension_code") and strategies:
            dimension = refs.dimension_by_id[strategies[0].dimension_id]
            sub = refs.sub_dimension_by_id.get(strategies[0].sub_dimension_id)
        else:
            dimension, sub = refs.placement(data)
        values.update(dimension_id=dimension.id, sub_dimension_id=sub.id if sub else None)
    if "program_class" in data:
        values["program_class"] = refs.code(PROGRAM_CLASS, data.get("program_class"), "program_class")
    if "horizon" in data:
        values["horizon"] = refs.code(HORIZON, data.get("horizon"), "horizon")
    if "quick_win" in data:
        values["quick_win"] = bool(data.get("quick_win"))
    if "lead_opd_id" in data:
        values["lead_opd_id"] = refs.opd(data.get("lead_opd_id"), "lead_opd_id")
    if "supporting_opd_ids" in data:
        values["supporting_opd_ids"] = refs.opds(data.get("supporting_opd_ids") or [], "supporting_opd_ids")
    if new or "status" in data:
        values["status"] = clean_choice(data, "status", PROGRAM_STATUSES, default="planned")
    if "roadmap_years" in data:
        values["roadmap_years"] = _clean_years(data.get("roadmap_years"), "roadmap_years")
    if "partners" in data:
        values["partners"] = clean_partners(data.get("partners"), refs)
    if "budget_lines" in data:
        values["budget_lines"] = clean_budget_lines(data.get("budget_lines"), refs)
    return values


def _ensure_program_code_free(
    masterplan_id: uuid.UUID, code: str, except_id: uuid.UUID | None = None
) -> None:
    existing = db.session.scalar(
        select(Program.id).where(Program.masterplan_id == masterplan_id, Program.code == code)
    )
    if existing is not None and existing != except_id:
        raise Conflict(
            _l("program %(code)s exists", code=code), {"code": [_l("already used in this masterplan")]}
        )


LIST_FIELDS = ("strategy_ids", "supporting_opd_ids", "partners", "budget_lines")


def save_program(masterplan_id: uuid.UUID, values: dict, program: Program | None = None) -> Program:
    """Write values checked by ``clean_program``: the row, then each list given (replacing the old)."""
    lists = {k: values.pop(k) for k in LIST_FIELDS if k in values}
    if program is None:
        program = Program(masterplan_id=masterplan_id, roadmap_years=[], quick_win=False)
        db.session.add(program)
    apply(program, values)
    db.session.flush()
    pid, mid = program.id, masterplan_id
    if "strategy_ids" in lists:
        db.session.execute(delete(ProgramStrategy).where(ProgramStrategy.program_id == pid))
        db.session.add_all(
            ProgramStrategy(masterplan_id=mid, program_id=pid, strategy_id=s) for s in lists["strategy_ids"]
        )
    if "supporting_opd_ids" in lists:
        db.session.execute(delete(ProgramOpd).where(ProgramOpd.program_id == pid))
        db.session.add_all(
            ProgramOpd(masterplan_id=mid, program_id=pid, opd_id=o) for o in lists["supporting_opd_ids"]
        )
    if "partners" in lists:
        db.session.execute(delete(ProgramPartner).where(ProgramPartner.program_id == pid))
        db.session.add_all(
            ProgramPartner(masterplan_id=mid, program_id=pid, position=i, **p)
            for i, p in enumerate(lists["partners"])
        )
    if "budget_lines" in lists:
        db.session.execute(delete(BudgetLine).where(BudgetLine.program_id == pid))
        db.session.add_all(
            BudgetLine(masterplan_id=mid, program_id=pid, position=i, **b)
            for i, b in enumerate(lists["budget_lines"])
        )
    db.session.flush()
    return program


def create_program(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> Program:
    """Add a program with the strategies it serves, its OPDs, partners, roadmap years and budget lines."""
    refs = MasterplanRefs(open_draft(masterplan_id, "program.create", actor=actor))
    values = clean_program(data, refs)
    _ensure_program_code_free(masterplan_id, values["code"])
    return save_program(masterplan_id, values)


def update_program(masterplan_id, program_id, data: dict, *, actor: Actor) -> Program:
    """Change a program; each list given (strategies, supporting OPDs, partners, budget lines) is replaced."""
    program = get_part(Program, masterplan_id, program_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "program.update", actor=actor, part=program))
    values = clean_program(data, refs, program)
    if "code" in values:
        _ensure_program_code_free(masterplan_id, values["code"], program.id)
    return save_program(masterplan_id, values, program)


def delete_program(masterplan_id, program_id, *, actor: Actor) -> None:
    """Remove a program with its own lists; refused while action plan items point at it."""
    program = get_part(Program, masterplan_id, program_id)
    open_draft(masterplan_id, "program.delete", actor=actor, part=program)
    count = db.session.scalar(select(func.count()).where(ActionItem.program_id == program.id))
    if count:
        code = program.code  # read now: the message is rendered after the rollback
        raise Conflict(
            LazyString(
                lambda: ngettext(
                    "program %(code)s has %(num)d action plan item: remove it first",
                    "program %(code)s has %(num)d action plan items: remove them first",
                    count,
                    code=code,
                )
            )
        )
    for model in (ProgramStrategy, ProgramOpd, ProgramPartner, BudgetLine):
        db.session.execute(delete(model).where(model.program_id == program.id))
    db.session.delete(program)
    db.session.flush()


def opd_references(opd_id: uuid.UUID):
    """What in the masterplans still names an OPD (programs it leads or supports, indicators, action
    plan), as a lazy message; None when nothing does."""
    counted = (
        (Program.lead_opd_id, lambda n: ngettext("%(num)d program it leads", "%(num)d programs it leads", n)),
        (
            ProgramOpd.opd_id,
            lambda n: ngettext("%(num)d program it supports", "%(num)d programs it supports", n),
        ),
        (
            Indicator.responsible_opd_id,
            lambda n: ngettext(
                "%(num)d indicator it is responsible for", "%(num)d indicators it is responsible for", n
            ),
        ),
        (ActionItem.opd_id, lambda n: ngettext("%(num)d action plan item", "%(num)d action plan items", n)),
    )
    found = [
        # Read when the message is: in the reader's language, with the right plural.
        LazyString(says, n)
        for column, says in counted
        if (n := db.session.scalar(select(func.count()).where(column == opd_id)))
    ]
    return _l("masterplans name this OPD: %(what)s", what=lazy_join(found)) if found else None


# --- action plan -------------------------------------------------------------------------------------


def action_items_query(
    masterplan_id: uuid.UUID, program_id: uuid.UUID | None = None, year: int | None = None, *, actor: Actor
):
    policy.require(actor, "masterplan.read")
    stmt = (
        select(ActionItem)
        .where(ActionItem.masterplan_id == masterplan_id)
        .order_by(ActionItem.year, ActionItem.position, ActionItem.id)
    )
    if program_id:
        stmt = stmt.where(ActionItem.program_id == program_id)
    if year:
        stmt = stmt.where(ActionItem.year == year)
    return stmt


def clean_action_item(data: dict, refs: MasterplanRefs, item: ActionItem | None = None) -> dict:
    new = item is None
    values = {}
    if new or "program_id" in data:
        values["program_id"] = refs.program(data.get("program_id")).id
    if new or "year" in data:
        values["year"] = clean_year(data, "year", required=True)
    if new or "activity" in data:
        values["activity"] = clean_text(data, "activity", required=True)
    if "output" in data:
        values["output"] = clean_text(data, "output")
    if "target" in data:
        values["target"] = clean_text(data, "target", max_length=200)
    if "opd_id" in data:
        values["opd_id"] = refs.opd(data.get("opd_id"), "opd_id")
    if "budget" in data:
        budget = data.get("budget")
        if budget is not None and (
            not isinstance(budget, int) or isinstance(budget, bool) or not 0 <= budget <= MAX_AMOUNT
        ):
            raise ValidationFailed.field("budget", _l("an amount in whole Rupiah, not negative"))
        values["budget"] = budget
    return values


def create_action_item(masterplan_id: uuid.UUID, data: dict, *, actor: Actor) -> ActionItem:
    """Add a line to the action plan (rencana aksi): a program's activity, output, target, OPD and budget
    in one year."""
    refs = MasterplanRefs(open_draft(masterplan_id, "action_item.create", actor=actor))
    values = clean_action_item(data, refs)
    item = ActionItem(
        masterplan_id=masterplan_id, position=next_position(ActionItem, masterplan_id), **values
    )
    db.session.add(item)
    db.session.flush()
    return item


def update_action_item(masterplan_id, item_id, data: dict, *, actor: Actor) -> ActionItem:
    item = get_part(ActionItem, masterplan_id, item_id)
    refs = MasterplanRefs(open_draft(masterplan_id, "action_item.update", actor=actor, part=item))
    apply(item, clean_action_item(data, refs, item))
    db.session.flush()
    return item


def delete_action_item(masterplan_id, item_id, *, actor: Actor) -> None:
    part = get_part(ActionItem, masterplan_id, item_id)
    open_draft(masterplan_id, "action_item.delete", actor=actor, part=part)
    db.session.delete(part)
    db.session.flush()

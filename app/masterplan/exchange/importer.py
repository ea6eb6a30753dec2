"""Importing a filled-in masterplan workbook into a draft.

Every row of every sheet is checked first, against the masterplan's framework, the code lists, the
tenant's OPDs, the period (years the masterplan already holds on a row may stay outside it, see
``cells``) and the other rows (of the workbook and of the masterplan). One wrong row and
nothing is written: the report names the sheet, row, column and reason of every problem. Otherwise the
rows are written in one transaction: a row whose key (see ``shape``) the masterplan holds updates it,
any other row is added; a value already equal is left alone, so importing the same workbook twice
changes nothing the second time.

The masterplan is read whole once (``load_content``); new rows are inserted in batches and only rows
whose values differ are updated, so the query count does not grow with the size of the workbook.
"""

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.core.numbers import number_locale
from app.extensions import db
from app.masterplan.content import MasterplanContent
from app.masterplan.exchange.cells import Cells, as_int, parts
from app.masterplan.exchange.reading import Problem, SheetRows
from app.masterplan.exchange.shape import MISSION, VISION, choice_table, code_lists
from app.masterplan.exchange.writing import Writer
from app.masterplan.models import (
    PART_MODELS,
    ActionItem,
    GapAnalysis,
    Goal,
    Indicator,
    Program,
    Strategy,
    SwotItem,
)

# The parts without a code of their own: matched by the id in their ID column.
KEYED_BY_ID = (GapAnalysis, SwotItem, Goal, Indicator, ActionItem)

# A strategy code's first part, before its first dot or dash, is its dimension's prefix.
STRATEGY_PREFIX_RE = re.compile(r"[.-]")

# --- checking the whole workbook --------------------------------------------------------------------------


@dataclass
class Wanted:
    """A checked row: where it came from, its key, the values of its columns and what it points at."""

    number: int
    key: object
    values: dict
    links: dict = field(default_factory=dict)


@dataclass
class _Node:
    """A strategy as the masterplan will hold it after the import."""

    dimension_id: uuid.UUID | None
    sub_dimension_id: uuid.UUID | None
    parent: str | None
    row: Wanted | None = None


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportCheck:
    """Checks every row of a workbook against a masterplan; ``write`` then writes them (all or none)."""

    def __init__(
        self,
        content: MasterplanContent,
        sheets: dict[str, SheetRows],
        problems: list[Problem],
        locale: str | None = None,
    ):
        self.content, self.sheets, self.problems = content, sheets, problems
        # Numbers typed as text are read as this language writes them (the importer's, in a job).
        self.locale = number_locale(locale)
        self.refs = content.refs
        lists = code_lists(self.refs)
        # A choice cell holds a code, its Indonesian meaning or its English label (see ``choice_table``).
        self.choices = {key: choice_table(cl) for key, cl in lists.items()}
        self.codes_offered = {key: [code for code, _m in cl.entries] for key, cl in lists.items()}
        self.wanted: dict[str, list[Wanted]] = {}
        self.vision: str | None = None
        self.outcome: dict[str, Outcome] = defaultdict(Outcome)
        self.ids = {model: {row.id for row in content[model]} for model in KEYED_BY_ID}
        self.held = self._held_years()
        self.goal_by_no: dict[int, object] = {}  # a goal's No on the Sasaran sheet → its key

    def offered(self, list_key: str) -> str:
        codes = self.codes_offered[list_key]
        return ", ".join(codes[:12]) + (", …" if len(codes) > 12 else "")

    def check(self) -> bool:
        """Check every row; True when the workbook can be written as it is."""
        for key in ("missions", "readiness", "gaps", "swot", "goals", "strategies", "programs"):
            getattr(self, f"_check_{key}")()
        # These point at goals and programs, checked above.
        for key in ("indicators", "budget", "partners", "actions"):
            getattr(self, f"_check_{key}")()
        self._check_strategy_tree()
        return not self.problems

    # --- helpers -------------------------------------------------------------------------------------------

    def _rows(self, key: str):
        rows = self.sheets.get(key)
        for number, cells in rows.rows if rows else ():
            yield Cells(self, rows, number, cells)

    def _raw_column(self, sheet: str, key: str) -> set:
        """A column's values on every row, good or not: a row that points at a row with problems gets
        no second problem for it (the first one is what needs fixing)."""
        rows = self.sheets.get(sheet)
        return {cells.get(key) for _n, cells in rows.rows if cells.get(key) is not None} if rows else set()

    @staticmethod
    def _unique(cells: Cells, column: str, key, seen: dict) -> bool:
        if key in seen:
            cells.fail(column, _("The same value is on row %(row)s.", row=seen[key]))
            return False
        seen[key] = cells.row_number
        return True

    def _numbered(self, cells: Cells, seen: dict) -> int | None:
        """The row's "No" as a position (No 1 is position 0), unique on its sheet."""
        number = cells.integer("no", required=True)
        if number is not None and self._unique(cells, "no", number, seen):
            return number - 1
        return None

    def _placement(self, cells: Cells, *, required: bool = True):
        """The (dimension, sub-dimension) a row names; a sub-dimension alone implies its dimension."""
        has_dimension = "dimension" in cells.columns
        dim_code = cells.choice("dimension", "dimension") if has_dimension else None
        sub_code = cells.choice("sub_dimension", "sub_dimension", required=not has_dimension)
        sub = self.refs.sub_dimension_by_code.get(sub_code) if sub_code else None
        dim = self.refs.dimension_by_code.get(dim_code) if dim_code else None
        if dim is None and sub is not None and not cells.cells.get("dimension"):
            dim = self.refs.dimension_by_id[sub.dimension_id]
        if dim is not None and sub is not None and sub.dimension_id != dim.id:
            cells.fail(
                "sub_dimension", _("%(sub)s is not a sub-dimension of %(dim)s.", sub=sub.code, dim=dim.code)
            )
        elif dim is None and required and cells.ok:
            cells.fail("dimension", _("Give the dimension or the sub-dimension."))
        return dim, sub

    def _held_years(self) -> dict[str, dict]:
        """The years each row of the masterplan already holds, by the key its sheet is read by: an
        indicator's target years and an action's year by No, a program's roadmap and budget years by code."""
        targets = self.content.targets_by_indicator()
        budget = self.content.budget_by_program()
        return {
            "targets": {i.id: set(targets.get(i.id, {})) for i in self.content[Indicator]},
            "roadmap": {p.code: set(p.roadmap_years or []) for p in self.content[Program]},
            "budget": {p.code: {b.year for b in budget.get(p.id, [])} for p in self.content[Program]},
            "actions": {a.id: {a.year} for a in self.content[ActionItem]},
        }

    def _row_key(self, cells: Cells, model, seen: dict):
        """The id of the existing row this row updates, from its ID column; a row without one (or with
        the id of a row this masterplan does not hold, e.g. copied from another version) is new. Never
        its No or its place in the sheet."""
        raw = cells.cells.get("id")
        if raw is None:
            return ("new", cells.row_number)
        try:
            row_id = uuid.UUID(str(raw).strip())
        except ValueError:
            cells.fail("id", _("Not an ID the platform wrote: leave it empty on a new row."))
            return None
        if row_id in seen:
            cells.fail("id", _("The same ID is on row %(row)s.", row=seen[row_id]))
            return None
        seen[row_id] = cells.row_number
        return row_id if row_id in self.ids[model] else ("new", cells.row_number)

    def _opd(self, cells: Cells, key: str) -> uuid.UUID | None:
        code = cells.choice(key, "opd")
        return self.refs.opd_by_code[code].id if code else None

    # --- each sheet ----------------------------------------------------------------------------------------

    def _check_missions(self) -> None:
        wanted, seen, vision_row = [], {}, None
        for cells in self._rows("missions"):
            kind = cells.choice("kind", "vision_kind", required=True)
            text = cells.text("text", required=True)
            if kind == VISION:
                if vision_row is not None:
                    cells.fail("kind", _("The vision is on row %(row)s already.", row=vision_row))
                vision_row = vision_row or cells.row_number
                if cells.ok:
                    self.vision = text
            elif kind == MISSION:
                number = cells.integer("number", required=True)
                dims = [self.refs.dimension_by_code[c].id for c in cells.codes("dimensions", "dimension")]
                if number is not None:
                    self._unique(cells, "number", number, seen)
                if cells.ok:
                    wanted.append(
                        Wanted(cells.row_number, number, {"number": number, "text": text}, {"dims": dims})
                    )
        self.wanted["missions"] = wanted

    def _check_readiness(self) -> None:
        wanted, seen = [], {}
        for cells in self._rows("readiness"):
            dim_code = cells.choice("dimension", "dimension", required=True)
            aspect = cells.choice("aspect", "readiness_aspect", required=True)
            values = {
                "aspect": aspect,
                "level": cells.choice("level", "readiness_level"),
                "condition": cells.text("condition", required=True),
            }
            if dim_code and aspect:
                self._unique(cells, "aspect", (dim_code, aspect), seen)
            if cells.ok:
                values["dimension_id"] = self.refs.dimension_by_code[dim_code].id
                wanted.append(Wanted(cells.row_number, (values["dimension_id"], aspect), values))
        self.wanted["readiness"] = wanted

    def _check_gaps(self) -> None:
        wanted, seen, ids = [], {}, {}
        for cells in self._rows("gaps"):
            position = self._numbered(cells, seen)
            key = self._row_key(cells, GapAnalysis, ids)
            _dim, sub = self._placement(cells, required=False)
            values = {
                "position": position,
                "sub_dimension_id": sub.id if sub else None,
                "current_condition": cells.text("current_condition", required=True),
                "future_condition": cells.text("future_condition"),
                "implication": cells.text("implication"),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, key, values))
        self.wanted["gaps"] = wanted

    def _check_swot(self) -> None:
        wanted, seen, ids = [], {}, {}
        for cells in self._rows("swot"):
            position = self._numbered(cells, seen)
            key = self._row_key(cells, SwotItem, ids)
            dim_code = cells.choice("dimension", "dimension", required=True)
            values = {
                "position": position,
                "quadrant": cells.choice("quadrant", "swot_quadrant", required=True),
                "text": cells.text("text", required=True),
            }
            if cells.ok:
                values["dimension_id"] = self.refs.dimension_by_code[dim_code].id
                wanted.append(Wanted(cells.row_number, key, values))
        self.wanted["swot"] = wanted

    def _check_goals(self) -> None:
        wanted, seen, ids = [], {}, {}
        for cells in self._rows("goals"):
            position = self._numbered(cells, seen)
            key = self._row_key(cells, Goal, ids)
            dim, sub = self._placement(cells)
            values = {
                "position": position,
                "dimension_id": dim.id if dim else None,
                "sub_dimension_id": sub.id if sub else None,
                "text": cells.text("text", required=True),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, key, values))
                self.goal_by_no[position + 1] = key
        self.wanted["goals"] = wanted

    def _check_indicators(self) -> None:
        # "No Sasaran" names a goal by its No on this workbook's Sasaran sheet; a No the sheet does not
        # hold names the masterplan's goal in that place of its order.
        listed = {n for n in (as_int(v) for v in self._raw_column("goals", "no")) if n is not None}
        held = {g.position + 1: g.id for g in self.content[Goal] if g.position + 1 not in listed}
        goals = listed | set(held)
        wanted, seen, ids = [], {}, {}
        for cells in self._rows("indicators"):
            position = self._numbered(cells, seen)
            key = self._row_key(cells, Indicator, ids)
            goal = cells.integer("goal", required=True)
            if goal is not None and goal not in goals:
                cells.fail(
                    "goal", _("No goal has No %(no)s on the Sasaran sheet or in the masterplan.", no=goal)
                )
            values = {
                "position": position,
                "code": cells.text("code", max_length=30),
                "name": cells.text("name", required=True, max_length=300),
                "unit": cells.text("unit", required=True, max_length=60),
                "polarity": cells.choice("polarity", "polarity") or "higher_better",
                "accumulation": cells.choice("accumulation", "accumulation") or "annual",
                "baseline_value": cells.number("baseline_value"),
                "baseline_year": cells.year("baseline_year", in_period=False),
                "data_source": cells.text("data_source", max_length=300),
                "responsible_opd_id": self._opd(cells, "opd"),
            }
            if (cells.cells.get("baseline_value") is None) != (cells.cells.get("baseline_year") is None):
                missing = "baseline_year" if cells.cells.get("baseline_year") is None else "baseline_value"
                cells.fail(missing, _("A baseline needs both a value and a year."))
            # Each "Target <year>" column sets that year's target; an empty cell means none that year.
            targets = {}
            held_years = self.held["targets"].get(key, set())
            for year in sorted(cells.rows.target_letters):
                value = cells.number(year)
                if value is None:
                    targets[year] = None
                elif cells.in_period(year, year, held_years):
                    targets[year] = value
            if cells.ok and goal in (self.goal_by_no.keys() | held.keys()):
                goal_key = self.goal_by_no.get(goal, held.get(goal))
                wanted.append(Wanted(cells.row_number, key, values, {"goal": goal_key, "targets": targets}))
        self.wanted["indicators"] = wanted

    def _check_strategies(self) -> None:
        wanted, seen = [], {}
        for cells in self._rows("strategies"):
            code = cells.code("code")
            if code is not None:
                self._unique(cells, "code", code, seen)
            parent = cells.text("parent", max_length=30)
            dim, sub = self._placement(cells, required=parent is None)
            values = {
                "code": code,
                "dimension_id": dim.id if dim else None,
                "sub_dimension_id": sub.id if sub else None,
                "text": cells.text("text", required=True),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, code, values, {"parent": parent}))
        self.wanted["strategies"] = wanted

    def _check_strategy_tree(self) -> None:
        """Parents exist, sit in the same dimension, and no strategy ends up beneath itself: checked on
        the masterplan as it will be after the import (the workbook's rows over the existing ones). A
        strategy given without a dimension takes its parent's."""
        existing = {s.id: s for s in self.content[Strategy]}
        nodes = {
            s.code: _Node(
                s.dimension_id,
                s.sub_dimension_id,
                existing[s.parent_id].code if s.parent_id in existing else None,
            )
            for s in existing.values()
        }
        for w in self.wanted["strategies"]:
            nodes[w.key] = _Node(w.values["dimension_id"], w.values["sub_dimension_id"], w.links["parent"], w)
        rows = self.sheets.get("strategies")

        def fail(w: Wanted, key: str, reason: str) -> None:
            title = next(c.header for c in rows.sheet.columns if c.key == key)
            self.problems.append(Problem(rows.sheet.title, w.number, rows.letters.get(key), title, reason))

        def ancestors(code: str) -> list[str]:
            chain, cursor = [], nodes[code].parent
            while cursor is not None and cursor in nodes and cursor not in chain and cursor != code:
                chain.append(cursor)
                cursor = nodes[cursor].parent
            if cursor == code:
                chain.append(code)  # the chain loops back to the strategy itself
            return chain

        for code, node in nodes.items():
            if node.row is None or node.parent is None:
                continue
            if node.parent not in nodes:
                fail(node.row, "parent", _("No strategy has the code %(code)s.", code=node.parent))
                continue
            chain = ancestors(code)
            if chain and chain[-1] == code:
                path = " → ".join([code, *chain])
                fail(node.row, "parent", _("A strategy cannot sit beneath itself (%(path)s).", path=path))
                continue
            if node.dimension_id is None:
                placed = next((nodes[c] for c in chain if nodes[c].dimension_id is not None), None)
                if placed is not None:
                    node.dimension_id, node.sub_dimension_id = placed.dimension_id, placed.sub_dimension_id
                    node.row.values.update(
                        dimension_id=node.dimension_id, sub_dimension_id=node.sub_dimension_id
                    )
        for code, node in nodes.items():
            if node.row is not None and node.dimension_id is not None:
                self._check_prefix(code, node, fail)
        for code, node in nodes.items():
            parent = nodes.get(node.parent) if node.parent else None
            if parent is None or parent.dimension_id in (None, node.dimension_id):
                continue
            if node.row is not None:
                dim = self.refs.dimension_by_id.get(parent.dimension_id)
                fail(
                    node.row,
                    "parent",
                    _(
                        "The parent strategy %(code)s belongs to another dimension (%(dim)s).",
                        code=node.parent,
                        dim=dim.code if dim else "–",
                    ),
                )
            elif parent.row is not None:
                fail(
                    parent.row,
                    "dimension",
                    _("Strategy %(code)s beneath this one stays in its dimension: move it too.", code=code),
                )

    def _check_prefix(self, code: str, node: _Node, fail) -> None:
        """A strategy's code starts with its dimension's prefix (S.1 in Smart Society, G.1 in Smart
        Governance), so a reader tells its dimension from its code."""
        dimension = self.refs.dimension_by_id.get(node.dimension_id)
        prefix = self.refs.strategy_prefix(dimension) if dimension else None
        if prefix and STRATEGY_PREFIX_RE.split(code)[0].casefold() != prefix.casefold():
            fail(
                node.row,
                "code",
                _(
                    "A strategy of %(dimension)s has a code starting with %(prefix)s (e.g. %(example)s): "
                    "%(code)s does not.",
                    dimension=f"{dimension.code} ({dimension.name_id})",
                    prefix=prefix,
                    example=f"{prefix}.1",
                    code=code,
                ),
            )

    def _check_programs(self) -> None:
        strategies = {s.code for s in self.content[Strategy]} | {
            str(c) for c in self._raw_column("strategies", "code")
        }
        wanted, seen = [], {}
        for cells in self._rows("programs"):
            code = cells.code("code")
            if code is not None:
                self._unique(cells, "code", code, seen)
            dim, sub = self._placement(cells)
            served = list(dict.fromkeys(parts(cells.cells.get("strategies") or "")))
            unknown = [c for c in served if c not in strategies]
            if unknown:
                cells.fail("strategies", _("No strategy has the code %(code)s.", code=", ".join(unknown)))
            supporting = [self.refs.opd_by_code[c].id for c in cells.codes("supporting_opds", "opd")]
            values = {
                "code": code,
                "name": cells.text("name", required=True, max_length=300),
                "description": cells.text("description"),
                "dimension_id": dim.id if dim else None,
                "sub_dimension_id": sub.id if sub else None,
                "program_class": cells.choice("program_class", "program_class"),
                "horizon": cells.choice("horizon", "horizon"),
                "quick_win": cells.flag("quick_win"),
                "lead_opd_id": self._opd(cells, "lead_opd"),
                "roadmap_years": cells.years("roadmap_years", self.held["roadmap"].get(code, set())),
                "status": cells.choice("status", "program_status") or "planned",
            }
            if cells.ok:
                wanted.append(
                    Wanted(cells.row_number, code, values, {"strategies": served, "supporting": supporting})
                )
        self.wanted["programs"] = wanted

    def _program(self, cells: Cells, programs: set[str]) -> str | None:
        code = cells.text("program", required=True, max_length=30)
        if code is not None and code not in programs:
            cells.fail(
                "program",
                _("No program has the code %(code)s on the Program sheet or in the masterplan.", code=code),
            )
            return None
        return code

    def _program_codes(self) -> set[str]:
        return {p.code for p in self.content[Program]} | {
            str(c) for c in self._raw_column("programs", "code")
        }

    def _check_budget(self) -> None:
        programs, wanted = self._program_codes(), []
        for cells in self._rows("budget"):
            program = self._program(cells, programs)
            values = {
                "year": cells.year("year", required=True, held=self.held["budget"].get(program, set())),
                "funding_source": cells.choice("funding_source", "funding_source", required=True),
                "amount": cells.amount("amount", required=True),
                "status": cells.choice("status", "budget_status") or "indicative",
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, program, values))
        self.wanted["budget"] = wanted

    def _check_partners(self) -> None:
        programs, wanted = self._program_codes(), []
        for cells in self._rows("partners"):
            program = self._program(cells, programs)
            values = {
                "name": cells.text("name", required=True, max_length=200),
                "sector": cells.choice("sector", "pentahelix", required=True),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, program, values))
        self.wanted["partners"] = wanted

    def _check_actions(self) -> None:
        programs, wanted, seen, ids = self._program_codes(), [], {}, {}
        for cells in self._rows("actions"):
            position = self._numbered(cells, seen)
            key = self._row_key(cells, ActionItem, ids)
            program = self._program(cells, programs)
            held = self.held["actions"].get(key, set())
            values = {
                "position": position,
                "year": cells.year("year", required=True, held=held),
                "activity": cells.text("activity", required=True),
                "output": cells.text("output"),
                "target": cells.text("target", max_length=200),
                "opd_id": self._opd(cells, "opd"),
                "budget": cells.amount("budget"),
            }
            if cells.ok:
                wanted.append(Wanted(cells.row_number, key, values, {"program": program}))
        self.wanted["actions"] = wanted

    # --- writing -------------------------------------------------------------------------------------------

    def write(self) -> dict[str, Outcome]:
        """Write the checked rows; the caller commits. New rows go first (one batched insert per table),
        then changes to existing rows (a row may now point at a new one) and removals of replaced lines."""
        writer = Writer(self)
        writer.plan()
        # One flush per table, parents first: the models declare no relationships, so the unit of work
        # would not know that a program must exist before its action items.
        by_model = defaultdict(list)
        for obj in writer.created:
            by_model[type(obj)].append(obj)
        for model in PART_MODELS:
            if by_model[model]:
                db.session.add_all(by_model[model])
                db.session.flush()
        for obj, values in writer.changes:
            for name, value in values.items():
                setattr(obj, name, value)
        for obj in writer.removed:
            db.session.delete(obj)
        db.session.flush()
        return dict(self.outcome)

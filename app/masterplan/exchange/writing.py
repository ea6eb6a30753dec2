"""Writing a checked workbook: what to add, change and remove, worked out without touching the session.

A row is matched by its key (see ``shape``: a code, or the id of a part without one; a new row's key is
its row number). A row whose key the masterplan holds is updated only where its values differ, so
importing the same workbook again changes nothing; a program's budget lines and partners are replaced only
when they differ.
"""

from collections import defaultdict
from typing import TYPE_CHECKING

from app.core.db import new_id
from app.masterplan.models import (
    ActionItem,
    BudgetLine,
    GapAnalysis,
    Goal,
    Indicator,
    IndicatorTarget,
    Mission,
    MissionDimension,
    Program,
    ProgramOpd,
    ProgramPartner,
    ProgramStrategy,
    ReadinessEntry,
    Strategy,
    SwotItem,
)

if TYPE_CHECKING:
    from app.masterplan.exchange.importer import ImportCheck

LINE_FIELDS = {"budget": ("year", "amount", "funding_source", "status"), "partners": ("name", "sector")}


class Writer:
    """Works out what the import adds, changes and removes; the session is touched by ``write``."""

    def __init__(self, check: "ImportCheck"):
        self.check, self.content = check, check.content
        self.mp_id = check.content.masterplan.id
        self.created: list = []
        self.changes: list[tuple[object, dict]] = []
        self.removed: list = []

    def _tally(self, sheet: str, state: str, count: int = 1) -> None:
        outcome = self.check.outcome[sheet]
        setattr(outcome, state, getattr(outcome, state) + count)

    def _new(self, model, **values):
        obj = model(id=new_id(), masterplan_id=self.mp_id, **values)
        self.created.append(obj)
        return obj

    def _upsert(self, model, existing: dict, key, values: dict) -> tuple[object, str]:
        """The row for ``key``, added or brought to ``values``; and whether it was created, updated or
        left unchanged (values already equal are not written again)."""
        obj = existing.get(key)
        if obj is None:
            existing[key] = self._new(model, **values)
            return existing[key], "created"
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if changed:
            self.changes.append((obj, changed))
        return obj, "updated" if changed else "unchanged"

    def _set_links(self, model, owner_column: str, owner, column: str, wanted: list, have: list) -> bool:
        """Make ``owner``'s links (a program's strategies, a mission's dimensions) exactly ``wanted``."""
        current = {getattr(link, column): link for link in have}
        for target in wanted:
            if target not in current:
                self._new(model, **{owner_column: owner.id, column: target})
        self.removed += [link for target, link in current.items() if target not in set(wanted)]
        return set(current) != set(wanted)

    def plan(self) -> None:
        c, wanted = self.content, self.check.wanted
        mp = c.masterplan
        if self.check.vision is not None and self.check.vision != mp.vision:
            self.changes.append((mp, {"vision": self.check.vision}))

        missions = {m.number: m for m in c[Mission]}
        served_dims = group(c[MissionDimension], "mission_id")
        for w in wanted["missions"]:
            mission, state = self._upsert(Mission, missions, w.key, w.values)
            relinked = self._set_links(
                MissionDimension,
                "mission_id",
                mission,
                "dimension_id",
                w.links["dims"],
                served_dims[mission.id],
            )
            self._tally("missions", "updated" if relinked and state == "unchanged" else state)

        parts = {
            "readiness": (ReadinessEntry, {(r.dimension_id, r.aspect): r for r in c[ReadinessEntry]}),
            "gaps": (GapAnalysis, {g.id: g for g in c[GapAnalysis]}),
            "swot": (SwotItem, {s.id: s for s in c[SwotItem]}),
            "goals": (Goal, {g.id: g for g in c[Goal]}),
        }
        for sheet, (model, existing) in parts.items():
            for w in wanted[sheet]:
                self._tally(sheet, self._upsert(model, existing, w.key, w.values)[1])
        goals = parts["goals"][1]

        indicators = {i.id: i for i in c[Indicator]}
        targets = {k: {t.year: t for t in v} for k, v in group(c[IndicatorTarget], "indicator_id").items()}
        for w in wanted["indicators"]:
            values = {**w.values, "goal_id": goals[w.links["goal"]].id}
            indicator, state = self._upsert(Indicator, indicators, w.key, values)
            retargeted = self._targets(indicator, w.links["targets"], targets.get(indicator.id, {}))
            self._tally("indicators", "updated" if retargeted and state == "unchanged" else state)

        strategies = {s.code: s for s in c[Strategy]}
        depth = self._strategy_depths()
        # Parents before the strategies beneath them: new rows are inserted in this order.
        for w in sorted(wanted["strategies"], key=lambda w: depth[w.key]):
            parent = strategies.get(w.links["parent"]) if w.links["parent"] else None
            values = {**w.values, "parent_id": parent.id if parent else None}
            self._tally("strategies", self._upsert(Strategy, strategies, w.key, values)[1])

        programs = {p.code: p for p in c[Program]}
        served, supporting = group(c[ProgramStrategy], "program_id"), group(c[ProgramOpd], "program_id")
        for w in wanted["programs"]:
            program, state = self._upsert(Program, programs, w.key, w.values)
            strategy_ids = [strategies[code].id for code in w.links["strategies"]]
            relinked = self._set_links(
                ProgramStrategy, "program_id", program, "strategy_id", strategy_ids, served[program.id]
            )
            relinked |= self._set_links(
                ProgramOpd, "program_id", program, "opd_id", w.links["supporting"], supporting[program.id]
            )
            self._tally("programs", "updated" if relinked and state == "unchanged" else state)
        self._program_lines("budget", BudgetLine, programs, c.budget_by_program(), ordered=False)
        self._program_lines("partners", ProgramPartner, programs, c.partners_by_program(), ordered=True)

        actions = {a.id: a for a in c[ActionItem]}
        for w in wanted["actions"]:
            values = {**w.values, "program_id": programs[w.links["program"]].id}
            self._tally("actions", self._upsert(ActionItem, actions, w.key, values)[1])

    def _strategy_depths(self) -> dict[str, int]:
        existing = {s.id: s for s in self.content[Strategy]}
        parents = {s.code: existing[s.parent_id].code for s in existing.values() if s.parent_id in existing}
        parents.update({w.key: w.links["parent"] for w in self.check.wanted["strategies"]})
        depths = {}
        for code in parents:
            depth, cursor = 0, parents.get(code)
            while cursor is not None and depth <= len(parents):  # checked free of loops already
                depth, cursor = depth + 1, parents.get(cursor)
            depths[code] = depth
        return defaultdict(int, depths)

    def _targets(
        self, indicator, wanted: dict[int, float | None], existing: dict[int, IndicatorTarget]
    ) -> bool:
        changed = False
        for year, value in wanted.items():
            target = existing.get(year)
            if value is None and target is not None:
                self.removed.append(target)
            elif value is not None and target is None:
                self._new(IndicatorTarget, indicator_id=indicator.id, year=year, value=value)
            elif value is not None and target.value != value:
                self.changes.append((target, {"value": value}))
            else:
                continue
            changed = True
        return changed

    def _program_lines(self, sheet: str, model, programs: dict, existing: dict, *, ordered: bool) -> None:
        """A program listed on the sheet gets exactly its lines there. Lines already the same are left
        alone; budget lines compare in any order (the pages sort them by year), partners in order."""
        names = LINE_FIELDS[sheet]
        lines = defaultdict(list)
        for w in self.check.wanted[sheet]:
            lines[w.key].append(w.values)
        for code, wanted in lines.items():
            program = programs[code]
            have = existing.get(program.id, [])
            old = [tuple(getattr(line, n) for n in names) for line in have]
            new = [tuple(values[n] for n in names) for values in wanted]
            if old == new or (not ordered and sorted(old, key=repr) == sorted(new, key=repr)):
                self._tally(sheet, "unchanged", len(new))
                continue
            self.removed += have
            for position, values in enumerate(wanted):
                self._new(model, program_id=program.id, position=position, **values)
            self._tally(sheet, "created", len(new))


def group(rows, attribute: str) -> defaultdict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped

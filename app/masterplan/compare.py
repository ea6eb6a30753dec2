"""Compare two masterplan versions: what was added, removed and changed, part by part.

Rows are paired by lineage (a revision's copy remembers the row it came from, so a renamed program is
"changed", not "removed and added"), and otherwise by their natural key (program and strategy codes,
mission numbers, a dimension's readiness aspect). Each version is read whole in a fixed number of queries.
"""

import uuid
from dataclasses import dataclass, field
from textwrap import shorten

from app.core.auth import Actor
from app.masterplan.content import MasterplanContent, load_content
from app.masterplan.models import (
    ActionItem,
    GapAnalysis,
    Goal,
    Indicator,
    Mission,
    Program,
    ReadinessEntry,
    Strategy,
    SwotItem,
)

SECTIONS = (
    "masterplan",
    "missions",
    "readiness",
    "gaps",
    "swot",
    "goals",
    "indicators",
    "strategies",
    "programs",
    "action_items",
)


@dataclass
class Entry:
    key: uuid.UUID | str
    natural_key: str | None
    label: str
    fields: dict[str, str | None]


@dataclass
class Change:
    change: str  # added, removed, changed
    label: str
    fields: list[dict] = field(default_factory=list)


@dataclass
class Comparison:
    base: object
    other: object
    sections: dict[str, list[Change]]

    def count(self, change: str) -> int:
        return sum(1 for changes in self.sections.values() for c in changes if c.change == change)


def _money(amount) -> str:
    return f"{int(amount):,}".replace(",", ".") if amount is not None else ""


def _text(value) -> str | None:
    if value is None or value == "" or value == []:
        return None
    return str(value)


class _Describer:
    """Turns one version's rows into comparable entries: ids become codes, lists become text."""

    def __init__(self, content: MasterplanContent):
        self.c = content
        refs = content.refs
        self.dim = {d.id: d.code for d in refs.dimensions}
        self.sub = {s.id: s.code for s in refs.sub_dimensions}
        self.opd = {o.id: o.code for o in refs.opd_by_id.values()}
        self.goal_label = {g.id: self._goal_label(g) for g in content[Goal]}
        self.strategy_code = {s.id: s.code for s in content[Strategy]}
        self.program_code = {p.id: p.code for p in content[Program]}

    def _place(self, row) -> str:
        sub = self.sub.get(getattr(row, "sub_dimension_id", None))
        return sub or self.dim.get(getattr(row, "dimension_id", None), "")

    def _goal_label(self, goal: Goal) -> str:
        return f"{self._place(goal)} · {shorten(goal.text, 80, placeholder=' …')}"

    def masterplan(self) -> list[Entry]:
        m = self.c.masterplan
        framework = self.c.refs.framework.framework
        fields = {
            "title": m.title,
            "period": f"{m.period_start}–{m.period_end}",
            "rpjmd": f"{m.rpjmd_start}–{m.rpjmd_end}" if m.rpjmd_start else None,
            "framework": f"{framework.code} v{framework.version}",
            "legal_basis": " ".join(str(v) for v in (m.legal_type, m.legal_number, m.legal_date) if v)
            or None,
            "vision": m.vision,
            "strategy_prefixes": ", ".join(
                f"{k}={v}" for k, v in sorted((m.strategy_prefixes or {}).items())
            ),
        }
        return [Entry("masterplan", "masterplan", m.title, {k: _text(v) for k, v in fields.items()})]

    def missions(self) -> list[Entry]:
        dims = self.c.mission_dimensions()
        return [
            Entry(
                m.lineage,
                f"mission:{m.number}",
                f"{m.number}. {shorten(m.text, 80, placeholder=' …')}",
                {
                    "number": str(m.number),
                    "text": m.text,
                    "dimensions": _text(", ".join(sorted(self.dim[d] for d in dims.get(m.id, [])))),
                },
            )
            for m in self.c[Mission]
        ]

    def readiness(self) -> list[Entry]:
        return [
            Entry(
                r.lineage,
                f"readiness:{self.dim[r.dimension_id]}:{r.aspect}",
                f"{self.dim[r.dimension_id]} · {r.aspect}",
                {"level": r.level, "condition": r.condition},
            )
            for r in self.c[ReadinessEntry]
        ]

    def gaps(self) -> list[Entry]:
        return [
            Entry(
                g.lineage,
                None,
                f"{self.sub[g.sub_dimension_id]} · {g.current_condition[:80]}",
                {
                    "sub_dimension": self.sub[g.sub_dimension_id],
                    "current_condition": g.current_condition,
                    "future_condition": g.future_condition,
                    "implication": g.implication,
                },
            )
            for g in self.c[GapAnalysis]
        ]

    def swot(self) -> list[Entry]:
        return [
            Entry(
                s.lineage,
                None,
                f"{self.dim[s.dimension_id]} · {s.quadrant} · {shorten(s.text, 80, placeholder=' …')}",
                {"dimension": self.dim[s.dimension_id], "quadrant": s.quadrant, "text": s.text},
            )
            for s in self.c[SwotItem]
        ]

    def goals(self) -> list[Entry]:
        return [
            Entry(g.lineage, None, self.goal_label[g.id], {"placement": self._place(g), "text": g.text})
            for g in self.c[Goal]
        ]

    def indicators(self) -> list[Entry]:
        targets = self.c.targets_by_indicator()
        entries = []
        for i in self.c[Indicator]:
            baseline = f"{i.baseline_value:g} ({i.baseline_year})" if i.baseline_value is not None else None
            entries.append(
                Entry(
                    i.lineage,
                    f"indicator:{i.code}" if i.code else None,
                    f"{i.code + ' · ' if i.code else ''}{i.name}",
                    {
                        "goal": self.goal_label.get(i.goal_id),
                        "name": i.name,
                        "unit": i.unit,
                        "polarity": i.polarity,
                        "accumulation": i.accumulation,
                        "baseline": baseline,
                        "targets": _text(
                            ", ".join(f"{y}: {v:g}" for y, v in sorted(targets.get(i.id, {}).items()))
                        ),
                        "data_source": i.data_source,
                        "responsible_opd": self.opd.get(i.responsible_opd_id),
                    },
                )
            )
        return entries

    def strategies(self) -> list[Entry]:
        return [
            Entry(
                s.lineage,
                f"strategy:{s.code}",
                f"{s.code} {shorten(s.text, 80, placeholder=' …')}",
                {
                    "code": s.code,
                    "placement": self._place(s),
                    "parent": self.strategy_code.get(s.parent_id),
                    "text": s.text,
                },
            )
            for s in self.c[Strategy]
        ]

    def programs(self) -> list[Entry]:
        strategies, opds = self.c.strategies_by_program(), self.c.opds_by_program()
        partners, budget = self.c.partners_by_program(), self.c.budget_by_program()
        entries = []
        for p in self.c[Program]:
            lines = budget.get(p.id, [])
            fields = {
                "code": p.code,
                "name": p.name,
                "description": p.description,
                "placement": self._place(p),
                "strategies": ", ".join(sorted(self.strategy_code[s] for s in strategies.get(p.id, []))),
                "program_class": p.program_class,
                "horizon": p.horizon,
                "quick_win": "✓" if p.quick_win else None,
                "lead_opd": self.opd.get(p.lead_opd_id),
                "supporting_opds": ", ".join(sorted(self.opd.get(o, "?") for o in opds.get(p.id, []))),
                "partners": "; ".join(f"{x.name} ({x.sector})" for x in partners.get(p.id, [])),
                "roadmap_years": ", ".join(str(y) for y in sorted(p.roadmap_years or [])),
                "budget": "; ".join(
                    f"{b.year} {b.funding_source} {b.status} Rp {_money(b.amount)}"
                    for b in sorted(lines, key=lambda b: (b.year, b.funding_source, b.status, b.amount))
                ),
                "status": p.status,
            }
            entries.append(
                Entry(
                    p.lineage,
                    f"program:{p.code}",
                    f"{p.code} {p.name}",
                    {k: _text(v) for k, v in fields.items()},
                )
            )
        return entries

    def action_items(self) -> list[Entry]:
        return [
            Entry(
                a.lineage,
                None,
                f"{self.program_code[a.program_id]} · {a.year} · {a.activity[:80]}",
                {
                    "program": self.program_code[a.program_id],
                    "year": str(a.year),
                    "activity": a.activity,
                    "output": a.output,
                    "target": a.target,
                    "opd": self.opd.get(a.opd_id),
                    "budget": _money(a.budget) if a.budget is not None else None,
                },
            )
            for a in self.c[ActionItem]
        ]


def _pair(base: list[Entry], other: list[Entry]) -> list[tuple[Entry | None, Entry | None]]:
    other_by_key = {e.key: e for e in other}
    other_by_natural = {e.natural_key: e for e in other if e.natural_key}
    used: set[int] = set()
    pairs = []
    for entry in base:
        match = other_by_key.get(entry.key)
        if match is None and entry.natural_key:
            match = other_by_natural.get(entry.natural_key)
        if match is not None and id(match) in used:
            match = None
        if match is not None:
            used.add(id(match))
        pairs.append((entry, match))
    pairs.extend((None, e) for e in other if id(e) not in used)
    return pairs


def _changes(base: list[Entry], other: list[Entry]) -> list[Change]:
    changes = []
    for old, new in _pair(base, other):
        if old is None:
            changes.append(
                Change(
                    "added",
                    new.label,
                    [{"field": k, "old": None, "new": v} for k, v in new.fields.items() if v],
                )
            )
        elif new is None:
            changes.append(
                Change(
                    "removed",
                    old.label,
                    [{"field": k, "old": v, "new": None} for k, v in old.fields.items() if v],
                )
            )
        else:
            diff = [
                {"field": k, "old": old.fields.get(k), "new": new.fields.get(k)}
                for k in new.fields
                if old.fields.get(k) != new.fields.get(k)
            ]
            if diff:
                changes.append(Change("changed", new.label, diff))
    return changes


def compare(base_id: uuid.UUID | None, other_id: uuid.UUID, *, actor: Actor) -> Comparison:
    """What ``other`` adds, removes and changes relative to ``base`` (no base: everything is added)."""
    other = _Describer(load_content(other_id, actor=actor))
    base = _Describer(load_content(base_id, actor=actor)) if base_id else None
    sections = {}
    for name in SECTIONS:
        old_entries = getattr(base, name)() if base else []
        sections[name] = _changes(old_entries, getattr(other, name)())
    return Comparison(base.c.masterplan if base else None, other.c.masterplan, sections)

"""The roll-up: verified physical progress of programs, combined into each sub-dimension (element), each
dimension and the whole masterplan, by the tenant's rule. A pure function (figures in, figures and the
arithmetic out) so the page, the API and a published snapshot all show the same numbers.

Rules:
* ``budget_weighted``: each program weighs its budget for the year (a level without budget falls back
  to equal weights, and says so);
* ``equal``: every program weighs the same.
A program without a verified report counts as 0 % (``as_zero``) or is left out (``left_out``). Only
verified reports count. Percentages are computed in ``Decimal`` and rounded once, at the end, half up.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

BUDGET_WEIGHTED, EQUAL = "budget_weighted", "equal"
AS_ZERO, LEFT_OUT = "as_zero", "left_out"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ProgramFigure:
    """One program's verified progress (None without a verified report) and its budget for the year."""

    code: str
    name: str
    dimension: str
    sub_dimension: str | None
    physical_pct: Decimal | None
    budget: int


@dataclass
class Node:
    """A level of the roll-up with its value, the programs or levels beneath it and how it was computed."""

    key: str
    label: str
    value: Decimal | None = None
    weight: Decimal = Decimal(0)
    children: list = field(default_factory=list)
    rule_used: str = EQUAL
    counted: int = 0
    missing: int = 0

    @property
    def rounded(self) -> Decimal | None:
        return None if self.value is None else self.value.quantize(CENT, rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "physical_pct": None if self.rounded is None else float(self.rounded),
            "weight": float(self.weight),
            "rule_used": self.rule_used,
            "counted": self.counted,
            "missing": self.missing,
            "children": [c.as_dict() for c in self.children],
        }


def _leaf(figure: ProgramFigure, missing_rule: str) -> Node:
    value = figure.physical_pct
    if value is None and missing_rule == AS_ZERO:
        value = Decimal(0)
    return Node(
        key=figure.code,
        label=figure.name,
        value=value,
        weight=Decimal(figure.budget),
        counted=1 if value is not None else 0,
        missing=1 if figure.physical_pct is None else 0,
    )


def _combine(key: str, label: str, children: list[Node], rule: str) -> Node:
    """A level's value: the weighted mean of the children that count (budget weights, or equal ones
    when the rule says so or no child has a budget)."""
    counting = [c for c in children if c.value is not None]
    node = Node(key=key, label=label, children=children)
    node.counted = sum(c.counted for c in children)
    node.missing = sum(c.missing for c in children)
    node.weight = sum((c.weight for c in children), Decimal(0))
    if not counting:
        return node
    total_weight = sum((c.weight for c in counting), Decimal(0))
    if rule == BUDGET_WEIGHTED and total_weight > 0:
        node.rule_used = BUDGET_WEIGHTED
        node.value = sum((c.value * c.weight for c in counting), Decimal(0)) / total_weight
    else:
        # Equal weights: every counted program weighs the same, whatever level it sits in.
        node.rule_used = EQUAL
        programs = sum(c.counted for c in counting)
        node.value = sum((c.value * c.counted for c in counting), Decimal(0)) / programs
    return node


def roll_up(figures: list[ProgramFigure], rule: str, missing_rule: str, *, label: str = "") -> Node:
    """The whole tree: masterplan → dimensions → sub-dimensions → programs, in code order."""
    dimensions: dict[str, dict[str, list[Node]]] = {}
    for figure in sorted(figures, key=lambda f: f.code):
        subs = dimensions.setdefault(figure.dimension, {})
        subs.setdefault(figure.sub_dimension or "", []).append(_leaf(figure, missing_rule))
    dimension_nodes = []
    for dimension, subs in sorted(dimensions.items()):
        sub_nodes = [
            _combine(sub or dimension, sub or dimension, leaves, rule) for sub, leaves in sorted(subs.items())
        ]
        dimension_nodes.append(_combine(dimension, dimension, sub_nodes, rule))
    return _combine("masterplan", label, dimension_nodes, rule)

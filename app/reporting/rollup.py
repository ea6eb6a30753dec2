"""The roll-up: verified physical progress of programs, combined into each sub-dimension (element), each
dimension and the whole masterplan, by the tenant's rule, with the strategies of each element shown
beneath it. A pure function (figures in, figures and the arithmetic out) so the page, the API and a
published snapshot all show the same numbers.

Rules:
* ``budget_weighted``: each program weighs its budget for the year (a level without budget falls back
  to equal weights, and says so);
* ``equal``: every program weighs the same;
* ``own_weights``: the tenant sets a weight per dimension and per element; programs within an element
  weigh the same. A level where no counted part has a weight falls back to equal weights, and says so;
  a part without a weight, beside parts with one, weighs 0.
A program without a verified report counts as 0 % (``as_zero``) or is left out (``left_out``). Only
verified reports count. Percentages are computed in ``Decimal`` and rounded once, at the end, half up.

Strategies: a program may serve several strategies. The strategy level shows each strategy's programs
(a program under two strategies shows under both), but an element combines its programs directly, each
program once, so a program never counts twice. Programs that serve no strategy show under "without a
strategy". A program links to the lowest strategy it serves (a child strategy S.1.1 stands on its own).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

BUDGET_WEIGHTED, EQUAL, OWN_WEIGHTS = "budget_weighted", "equal", "own_weights"
AS_ZERO, LEFT_OUT = "as_zero", "left_out"
CENT = Decimal("0.01")
# The key of the strategy node that gathers an element's programs serving no strategy.
NO_STRATEGY = ""


@dataclass(frozen=True)
class ProgramFigure:
    """One program's verified progress (None without a verified report), its budget for the year and the
    strategies it serves, as (code, text)."""

    code: str
    name: str
    dimension: str
    sub_dimension: str | None
    physical_pct: Decimal | None
    budget: int
    strategies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Weights:
    """The tenant's own weights, by dimension code and by element (sub-dimension) code."""

    dimensions: dict = field(default_factory=dict)
    elements: dict = field(default_factory=dict)


@dataclass
class Node:
    """A level of the roll-up with its value, the programs or levels beneath it and how it was computed:
    its weight, its share of its parent and its contribution to the parent's value."""

    key: str
    label: str
    value: Decimal | None = None
    weight: Decimal = Decimal(0)
    children: list = field(default_factory=list)
    rule_used: str = EQUAL
    counted: int = 0
    missing: int = 0
    budget: int = 0
    share: Decimal | None = None
    strategies: list = field(default_factory=list)

    @property
    def rounded(self) -> Decimal | None:
        return None if self.value is None else self.value.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def contribution(self) -> Decimal | None:
        """Progress × share: the contributions of a level's parts add up to the level's value."""
        if self.share is None or self.value is None:
            return None
        return self.value * self.share

    def as_dict(self) -> dict:
        found = {
            "key": self.key,
            "label": self.label,
            "physical_pct": None if self.rounded is None else float(self.rounded),
            "weight": float(self.weight),
            "budget": self.budget,
            "share_pct": None if self.share is None else float(_pct(self.share * 100)),
            "contribution_pct": None if self.contribution is None else float(_pct(self.contribution)),
            "rule_used": self.rule_used,
            "counted": self.counted,
            "missing": self.missing,
            "children": [c.as_dict() for c in self.children],
        }
        if self.strategies:
            found["strategies"] = [s.as_dict() for s in self.strategies]
        return found


def _pct(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _leaf(figure: ProgramFigure, missing_rule: str, rule: str) -> Node:
    value = figure.physical_pct
    if value is None and missing_rule == AS_ZERO:
        value = Decimal(0)
    return Node(
        key=figure.code,
        label=figure.name,
        value=value,
        weight=Decimal(figure.budget) if rule == BUDGET_WEIGHTED else Decimal(1),
        budget=figure.budget,
        counted=1 if value is not None else 0,
        missing=1 if figure.physical_pct is None else 0,
    )


def _combine(key: str, label: str, children: list[Node], rule: str, *, share: bool = True) -> Node:
    """A level's value: the weighted mean of the children that count (budget or the tenant's weights, or
    equal ones when the rule says so or no counted child has a weight). Sets each child's share unless
    ``share`` is false (the strategy level, which only shows its programs)."""
    counting = [c for c in children if c.value is not None]
    node = Node(key=key, label=label, children=children)
    node.counted = sum(c.counted for c in children)
    node.missing = sum(c.missing for c in children)
    node.budget = sum(c.budget for c in children)
    # A level's own weight: its budget, or its counted programs under equal weights (the tenant's weight
    # replaces it under own weights, set by the caller).
    node.weight = Decimal(node.budget) if rule == BUDGET_WEIGHTED else Decimal(node.counted)
    if not counting:
        return node
    total_weight = sum((c.weight for c in counting), Decimal(0))
    if rule in (BUDGET_WEIGHTED, OWN_WEIGHTS) and total_weight > 0:
        node.rule_used = rule
        shares = {id(c): c.weight / total_weight for c in counting}
    else:
        # Equal weights: every counted program weighs the same, whatever level it sits in.
        node.rule_used = EQUAL
        programs = sum(c.counted for c in counting)
        shares = {id(c): Decimal(c.counted) / programs for c in counting}
    node.value = sum((c.value * shares[id(c)] for c in counting), Decimal(0))
    if share:
        for child in children:
            child.share = shares.get(id(child), Decimal(0))
    return node


def _strategies(figures: list[ProgramFigure], leaves: list[Node], rule: str) -> list:
    """An element's strategies, each with its programs (a program shows under each strategy it serves, the
    same program node with its share of the element), then the programs serving none; a strategy's value
    combines its programs by the program rule."""
    by_strategy: dict[tuple[str, str], list[Node]] = {}
    for figure, leaf in zip(figures, leaves, strict=True):
        for code, text in figure.strategies or ((NO_STRATEGY, ""),):
            by_strategy.setdefault((code, text), []).append(leaf)
    ordered = sorted(by_strategy.items(), key=lambda item: (item[0][0] == NO_STRATEGY, item[0][0]))
    return [_combine(code, text, programs, rule, share=False) for (code, text), programs in ordered]


def roll_up(
    figures: list[ProgramFigure],
    rule: str,
    missing_rule: str,
    *,
    label: str = "",
    weights: Weights | None = None,
) -> Node:
    """The whole tree: masterplan → dimensions → sub-dimensions (with their strategies) → programs, in
    code order."""
    weights = weights or Weights()
    program_rule = BUDGET_WEIGHTED if rule == BUDGET_WEIGHTED else EQUAL
    dimensions: dict[str, dict[str, list[ProgramFigure]]] = {}
    for figure in sorted(figures, key=lambda f: f.code):
        subs = dimensions.setdefault(figure.dimension, {})
        subs.setdefault(figure.sub_dimension or "", []).append(figure)
    dimension_nodes = []
    for dimension, subs in sorted(dimensions.items()):
        sub_nodes = []
        for sub, members in sorted(subs.items()):
            leaves = [_leaf(f, missing_rule, program_rule) for f in members]
            element = _combine(sub or dimension, sub or dimension, leaves, program_rule)
            element.strategies = _strategies(members, leaves, program_rule)
            if rule == OWN_WEIGHTS:
                element.weight = Decimal(weights.elements.get(sub or dimension, 0))
            sub_nodes.append(element)
        node = _combine(dimension, dimension, sub_nodes, rule)
        if rule == OWN_WEIGHTS:
            node.weight = Decimal(weights.dimensions.get(dimension, 0))
        dimension_nodes.append(node)
    top = _combine("masterplan", label, dimension_nodes, rule)
    top.share = None
    return top

"""The roll-up as a pure function, table-driven (figures in, figures out), and through the API and the
page on the demo: only verified reports count, the rule is stated and each level shows its arithmetic."""

from decimal import Decimal

import pytest

from app.reporting.rollup import ProgramFigure, Weights, roll_up
from tests.conftest import login


def _p(code, dim, sub, pct, budget):
    return ProgramFigure(code, code, dim, sub, None if pct is None else Decimal(pct), budget)


CASES = [
    # (name, figures, rule, missing rule, expected whole, expected per dimension)
    (
        "budget weights favour the big program",
        [_p("A", "SOC", "SOC.1", "100", 300), _p("B", "SOC", "SOC.1", "0", 100)],
        "budget_weighted",
        "as_zero",
        Decimal("75.00"),
        {"SOC": Decimal("75.00")},
    ),
    (
        "equal weights ignore the budget",
        [_p("A", "SOC", "SOC.1", "100", 300), _p("B", "SOC", "SOC.1", "0", 100)],
        "equal",
        "as_zero",
        Decimal("50.00"),
        {"SOC": Decimal("50.00")},
    ),
    (
        "a missing report counts as zero",
        [_p("A", "SOC", "SOC.1", "80", 100), _p("B", "GOV", None, None, 100)],
        "budget_weighted",
        "as_zero",
        Decimal("40.00"),
        {"SOC": Decimal("80.00"), "GOV": Decimal("0.00")},
    ),
    (
        "a missing report is left out",
        [_p("A", "SOC", "SOC.1", "80", 100), _p("B", "GOV", None, None, 100)],
        "budget_weighted",
        "left_out",
        Decimal("80.00"),
        {"SOC": Decimal("80.00"), "GOV": None},
    ),
    (
        "no budget anywhere falls back to equal weights",
        [
            _p("A", "ENV", "ENV.1", "10", 0),
            _p("B", "ENV", "ENV.2", "20", 0),
            _p("C", "ENV", "ENV.2", "60", 0),
        ],
        "budget_weighted",
        "as_zero",
        Decimal("30.00"),
        {"ENV": Decimal("30.00")},
    ),
    (
        "equal weights count programs, not sub-dimensions",
        [
            _p("A", "ENV", "ENV.1", "10", 5),
            _p("B", "ENV", "ENV.2", "20", 5),
            _p("C", "ENV", "ENV.2", "60", 5),
        ],
        "equal",
        "as_zero",
        Decimal("30.00"),
        {"ENV": Decimal("30.00")},
    ),
    ("rounded once, half up", [_p("A", "SOC", None, "33.335", 1)], "equal", "as_zero", Decimal("33.34"), {}),
]


@pytest.mark.parametrize(
    ("name", "figures", "rule", "missing", "whole", "dims"), CASES, ids=[c[0] for c in CASES]
)
def test_the_roll_up_follows_its_rule(name, figures, rule, missing, whole, dims):
    tree = roll_up(figures, rule, missing)
    assert tree.rounded == whole
    got = {d.key: d.rounded for d in tree.children}
    for key, value in dims.items():
        assert got[key] == value


def test_only_verified_reports_count_in_the_api_and_the_page_states_the_rule(client, reporting):
    from app.extensions import db
    from app.reporting import reports

    demo = reporting.demo
    with demo.inside():
        for code, pct in (("PLP-S-02", "40"), ("PLP-S-01", "80")):
            report = reports.start_report(reporting.period_id, reporting.programs[code], actor=demo.actor)
            reports.update_report(
                report.id, {"progress_status": "on_track", "physical_pct": pct}, actor=demo.actor
            )
            reports.submit_report(report.id, actor=demo.actor)
            if code == "PLP-S-02":
                reports.verify_report(report.id, actor=demo.actor)
        db.session.commit()
    tree = client.get(
        f"{reporting.base}/periods/{reporting.period_id}/rollup", headers=reporting.headers()
    ).get_json()
    programs = {p["key"]: p for d in tree["children"] for s in d["children"] for p in s["children"]}
    assert programs["PLP-S-02"]["physical_pct"] == 40 and programs["PLP-S-02"]["missing"] == 0
    # Submitted but not verified: it does not count (as 0 % under the default rule).
    assert programs["PLP-S-01"]["physical_pct"] == 0 and programs["PLP-S-01"]["missing"] == 1
    assert tree["missing"] == len(programs) - 1
    login(client, "admin@kota-palopo.demo")
    page = client.get(f"/t/kota-palopo/reporting/periods/{reporting.period_id}/rollup").get_data(as_text=True)
    assert "Σ(capaian × anggaran) ÷ Σ anggaran" in page or "Σ capaian ÷" in page
    assert "PLP-S-02" in page and 'data-chart="bar"' in page


def _s(code, dim, sub, pct, budget, *strategies):
    return ProgramFigure(
        code,
        code,
        dim,
        sub,
        None if pct is None else Decimal(pct),
        budget,
        tuple((s, f"Strategy {s}") for s in strategies),
    )


def test_a_program_under_two_strategies_shows_under_both_and_counts_once_in_its_element():
    figures = [
        _s("A", "SOC", "SOC.1", "100", 100, "S.1", "S.2"),
        _s("B", "SOC", "SOC.1", "0", 100, "S.2"),
        _s("C", "SOC", "SOC.1", "40", 100),
    ]
    tree = roll_up(figures, "equal", "as_zero")
    element = tree.children[0].children[0]
    strategies = {s.key: s for s in element.strategies}
    assert list(strategies) == ["S.1", "S.2", ""]  # the programs without a strategy come last
    assert [p.key for p in strategies["S.1"].children] == ["A"]
    assert [p.key for p in strategies["S.2"].children] == ["A", "B"]
    assert [p.key for p in strategies[""].children] == ["C"]
    assert strategies["S.1"].rounded == Decimal("100.00") and strategies["S.2"].rounded == Decimal("50.00")
    # The element counts A once: (100 + 0 + 40) / 3, not (100 + 100 + 0 + 40) / 4.
    assert element.rounded == Decimal("46.67") and element.counted == 3
    assert tree.as_dict()["children"][0]["children"][0]["strategies"][1]["key"] == "S.2"


def test_the_strategy_level_follows_the_budget_rule_and_the_missing_rule():
    figures = [_s("A", "SOC", "SOC.1", "100", 300, "S.1"), _s("B", "SOC", "SOC.1", None, 100, "S.1")]
    weighted = roll_up(figures, "budget_weighted", "as_zero").children[0].children[0].strategies[0]
    assert weighted.rounded == Decimal("75.00") and weighted.rule_used == "budget_weighted"
    left_out = roll_up(figures, "budget_weighted", "left_out").children[0].children[0].strategies[0]
    assert left_out.rounded == Decimal("100.00") and left_out.missing == 1


def test_own_weights_weigh_dimensions_and_elements_and_a_level_without_weights_falls_back_to_equal():
    figures = [
        _s("A", "ENV", "ENV.1", "100", 1),
        _s("B", "ENV", "ENV.2", "0", 1),
        _s("C", "ENV", "ENV.2", "0", 1),
        _s("D", "SOC", "SOC.1", "20", 1),
        _s("E", "SOC", "SOC.2", "80", 1),
    ]
    weights = Weights(dimensions={"ENV": Decimal(3), "SOC": Decimal(1)}, elements={"ENV.1": 1, "ENV.2": 3})
    tree = roll_up(figures, "own_weights", "as_zero", weights=weights)
    env, soc = tree.children
    # ENV's elements weigh 1 : 3, whatever their number of programs: 100 × ¼ + 0 × ¾.
    assert env.rule_used == "own_weights" and env.rounded == Decimal("25.00")
    assert [e.share for e in env.children] == [Decimal("0.25"), Decimal("0.75")]
    # SOC's elements have no weight: equal weights, and the node says so.
    assert soc.rule_used == "equal" and soc.rounded == Decimal("50.00")
    # The whole: 25 × ¾ + 50 × ¼.
    assert tree.rule_used == "own_weights" and tree.rounded == Decimal("31.25")
    assert env.contribution == Decimal("18.75") and soc.contribution == Decimal("12.5")
    # Programs within an element weigh the same.
    assert env.children[1].rule_used == "equal"


def test_own_weights_and_the_missing_rule():
    figures = [_s("A", "ENV", "ENV.1", "60", 1), _s("B", "SOC", "SOC.1", None, 1)]
    weights = Weights(dimensions={"ENV": 1, "SOC": 1})
    # Counted as 0 %: SOC weighs its share.
    assert roll_up(figures, "own_weights", "as_zero", weights=weights).rounded == Decimal("30.00")
    # Left out: SOC has no value, so ENV's weight is the whole.
    left_out = roll_up(figures, "own_weights", "left_out", weights=weights)
    assert left_out.rounded == Decimal("60.00") and left_out.children[1].value is None
    # No weight set anywhere: equal weights at every level.
    assert roll_up(figures, "own_weights", "as_zero").rule_used == "equal"

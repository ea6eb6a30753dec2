"""The roll-up as a pure function, table-driven (figures in, figures out), and through the API and the
page on the demo: only verified reports count, the rule is stated and each level shows its arithmetic."""

from decimal import Decimal

import pytest

from app.reporting.rollup import ProgramFigure, roll_up
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

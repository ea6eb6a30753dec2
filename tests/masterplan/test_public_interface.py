"""The masterplan's public interface (app.masterplan.services): what progress reporting, the council and
the other packages read of a tenant's masterplan, as frozen values, in a fixed number of queries."""

import dataclasses
from datetime import date

import pytest
from sqlalchemy import event

from app.core.auth import ANONYMOUS, OPD_OPERATOR, Actor
from app.core.errors import NotFound, PermissionDenied
from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan import goals, programs, versions
from app.masterplan import services as masterplan
from tests.factories import admin_actor
from tests.masterplan.conftest import make_masterplan

LEGAL = {"legal_type": "PERWALI", "legal_number": "23 Tahun 2025", "legal_date": date(2025, 6, 30)}


def _enact(setup, masterplan_id):
    with tenant_context(setup.tenant_id):
        for status in ("in_review", "endorsed"):
            versions.change_status(masterplan_id, status, actor=admin_actor(setup))
        versions.change_status(masterplan_id, "enacted", actor=admin_actor(setup), legal=LEGAL)
        db.session.commit()


def _opds(setup):
    with tenant_context(setup.tenant_id):
        return {o.code: o.id for o in masterplan.list_opds(actor=admin_actor(setup))}


def _program(setup, masterplan_id, code, sub="SOC.1", lead=None, supporting=(), budget=()):
    with tenant_context(setup.tenant_id):
        program = programs.create_program(
            masterplan_id,
            {
                "code": code,
                "name": f"Program {code}",
                "sub_dimension_code": sub,
                "lead_opd_id": lead,
                "supporting_opd_ids": list(supporting),
                "roadmap_years": [2027, 2025, 2026],
                "budget_lines": [
                    {"year": year, "amount": amount, "funding_source": source}
                    for year, source, amount in budget
                ],
            },
            actor=admin_actor(setup),
        )
        db.session.commit()
        return program.id


def _indicator(setup, masterplan_id, sub, name, targets, **values):
    with tenant_context(setup.tenant_id):
        data = {"sub_dimension_code": sub} if sub else {"dimension_code": "SOC"}
        goal = goals.create_goal(masterplan_id, {**data, "text": f"Sasaran {name}"}, actor=admin_actor(setup))
        goals.create_indicator(
            masterplan_id,
            {
                "goal_id": goal.id,
                "name": name,
                "unit": "%",
                "targets": [{"year": y, "value": v} for y, v in targets.items()],
                **values,
            },
            actor=admin_actor(setup),
        )
        db.session.commit()


def test_the_current_masterplan_is_the_enacted_version_else_the_newest_with_its_dimensions(city):
    actor = admin_actor(city)
    with tenant_context(city.tenant_id):
        assert masterplan.current_masterplan(actor=actor) is None
    first = make_masterplan(city, version_label="2025")
    with tenant_context(city.tenant_id):
        current = masterplan.current_masterplan(actor=actor)
    assert (current.id, current.status, current.years) == (first.id, "draft", (2025, 2026, 2027, 2028, 2029))
    assert [d.code for d in current.dimensions] == ["GOV", "BRA", "ECO", "LIV", "SOC", "ENV"]
    society = next(d for d in current.dimensions if d.code == "SOC")
    assert (society.name_en, [s.code for s in society.sub_dimensions]) == (
        "Smart Society",
        ["SOC.1", "SOC.2", "SOC.3"],
    )

    _enact(city, first.id)
    make_masterplan(city, version_label="2026", period_start=2026, period_end=2030)
    with tenant_context(city.tenant_id):
        current = masterplan.current_masterplan(actor=actor)
    # A newer draft being written does not replace the enacted version.
    assert (current.id, current.status) == (first.id, "enacted")
    with pytest.raises(dataclasses.FrozenInstanceError):
        current.title = "changed"


def test_programs_name_their_dimension_opds_and_years_and_filter_by_opd(city):
    plan = make_masterplan(city)
    opds = _opds(city)
    _program(city, plan.id, "S1-01", lead=opds["DISKOMINFO"], supporting=[opds["DLH"]])
    _program(city, plan.id, "S2-01", sub="SOC.2", lead=opds["BAPPEDA"])
    _program(city, plan.id, "S3-01", sub="SOC.3")
    actor = admin_actor(city)
    with tenant_context(city.tenant_id):
        everything = masterplan.list_programs(plan.id, actor=actor)
        by_dlh = masterplan.list_programs(plan.id, actor=actor, opd_ids=[opds["DLH"]])
        by_two = masterplan.list_programs(plan.id, actor=actor, opd_ids=[opds["BAPPEDA"], opds["DLH"]])
    assert [p.code for p in everything] == ["S1-01", "S2-01", "S3-01"]
    first = everything[0]
    assert (first.dimension_code, first.lead_opd_id, first.lead_opd_name) == (
        "SOC",
        opds["DISKOMINFO"],
        "Dinas DISKOMINFO",
    )
    assert (first.supporting_opd_ids, first.years, first.lineage_id) == (
        (opds["DLH"],),
        (2025, 2026, 2027),
        first.id,
    )
    assert everything[2].lead_opd_id is None and everything[2].lead_opd_name is None
    # An OPD finds the programs it leads and those it supports.
    assert [p.code for p in by_dlh] == ["S1-01"]
    assert [p.code for p in by_two] == ["S1-01", "S2-01"]


def test_a_revision_keeps_the_programs_lineage(city):
    plan = make_masterplan(city)
    program_id = _program(city, plan.id, "S1-01")
    _enact(city, plan.id)
    with tenant_context(city.tenant_id):
        revision = versions.start_revision(plan.id, actor=admin_actor(city))
        db.session.commit()
        (copy,) = masterplan.list_programs(revision.id, actor=admin_actor(city))
    assert copy.id != program_id and copy.lineage_id == program_id


def test_a_program_has_its_indicators_with_targets_and_its_budget_per_year_and_source(city):
    plan = make_masterplan(city)
    budget = [(2025, "APBD", 100_000_000), (2025, "DAK", 50_000_000), (2026, "APBD", 120_000_000)]
    program_id = _program(city, plan.id, "S1-01", budget=budget)
    baseline = {"baseline_value": 30, "baseline_year": 2024}
    served = {2025: 40, 2026: 55.5}
    _indicator(city, plan.id, "SOC.1", "Warga terlayani", served, polarity="higher_better", **baseline)
    _indicator(city, plan.id, None, "Aduan tak tertangani", {2025: 120}, polarity="lower_better")
    _indicator(city, plan.id, "SOC.2", "Indikator lain", {2025: 1})
    with tenant_context(city.tenant_id):
        detail = masterplan.get_program(program_id, actor=admin_actor(city))
    assert detail.program.code == "S1-01"
    # Its sub-dimension's goals and its dimension's own goals; not another sub-dimension's.
    assert [(i.name, i.unit, i.polarity) for i in detail.indicators] == [
        ("Warga terlayani", "%", "higher_better"),
        ("Aduan tak tertangani", "%", "lower_better"),
    ]
    served = detail.indicators[0]
    assert [(t.year, t.value) for t in served.targets] == [(2025, 40), (2026, 55.5)]
    assert (served.target(2026), served.target(2029), served.baseline_value) == (55.5, None, 30)
    assert [(b.year, b.funding_source, b.amount) for b in detail.budget] == budget
    assert (detail.budget_for(2025), detail.budget_for(2027)) == (150_000_000, 0)


def test_another_tenants_program_is_out_of_reach_and_the_public_reads_nothing(city, other_city):
    plan = make_masterplan(city)
    program_id = _program(city, plan.id, "S1-01")
    with tenant_context(other_city.tenant_id):
        with pytest.raises(NotFound):
            masterplan.get_program(program_id, actor=admin_actor(other_city))
        assert masterplan.list_programs(plan.id, actor=admin_actor(other_city)) == []
    with tenant_context(city.tenant_id):
        with pytest.raises(PermissionDenied):
            masterplan.list_programs(plan.id, actor=ANONYMOUS)
        operator = Actor(user_id=city.admin_id, tenant_role=OPD_OPERATOR)
        # Every member reads the tenant's plan, an OPD operator too.
        assert [p.code for p in masterplan.list_programs(plan.id, actor=operator)] == ["S1-01"]


def _queries(call) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def _measure(plan_id, program_id, actor, opds) -> tuple[int, ...]:
    return (
        _queries(lambda: masterplan.current_masterplan(actor=actor)),
        _queries(lambda: masterplan.list_programs(plan_id, actor=actor)),
        _queries(lambda: masterplan.list_programs(plan_id, actor=actor, opd_ids=opds[:1])),
        _queries(lambda: masterplan.get_program(program_id, actor=actor)),
        _queries(lambda: masterplan.list_opds(actor=actor)),
    )


def test_each_read_costs_the_same_number_of_queries_whatever_the_size(city):
    small, large = make_masterplan(city, version_label="small"), make_masterplan(city, version_label="large")
    opds = list(_opds(city).values())
    budget = [(y, s, 1_000_000) for y in range(2025, 2030) for s in ("APBD", "DAK")]
    small_program = _program(city, small.id, "S1-01", lead=opds[0], supporting=opds[1:], budget=budget[:1])
    _indicator(city, small.id, "SOC.1", "Satu", {2025: 1})
    for n, sub in enumerate(("SOC.1", "SOC.2", "SOC.3") * 4):
        _program(city, large.id, f"{sub}-{n:02d}", sub=sub, lead=opds[n % 3], supporting=opds, budget=budget)
        _indicator(city, large.id, sub, f"Indikator {n}", {y: n for y in range(2025, 2030)})
    large_program = _program(city, large.id, "S1-99", lead=opds[0], supporting=opds, budget=budget)
    actor = admin_actor(city)
    with tenant_context(city.tenant_id):
        counts = {
            "small": _measure(small.id, small_program, actor, opds),
            "large": _measure(large.id, large_program, actor, opds),
        }
        assert len(masterplan.list_programs(large.id, actor=actor)) == 13
        assert len(masterplan.get_program(large_program, actor=actor).indicators) == 4
    assert counts["small"] == counts["large"]
    assert max(counts["large"]) <= 6, counts

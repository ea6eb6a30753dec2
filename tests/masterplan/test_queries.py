"""Pages and list endpoints run a fixed number of SQL queries, whatever the size of the masterplan.

Each page is counted on a masterplan with one program, then again once it holds 18 sub-dimensions × 10
programs × 5 years of budget (with strategies, OPDs, partners, indicators and action items): the counts
must be equal, and small.
"""

from contextlib import contextmanager

from sqlalchemy import event

from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan import goals, programs
from app.masterplan.common import MasterplanRefs, get_masterplan
from app.tenants import services as tenants
from tests.factories import admin_actor
from tests.masterplan.conftest import Api, make_masterplan, page_get, page_login

YEARS = range(2025, 2030)
PAGES = (
    "",
    "/tree",
    "/roadmap",
    "/budget",
    "/programs",
    "/goals",
    "/strategies",
    "/action-plan",
    "/analysis",
)
API_LISTS = ("/programs?page_size=100", "/indicators?page_size=100", "/strategies?page_size=100", "/goals")
MOST_QUERIES = 40


@contextmanager
def counting():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _add_programs(setup, masterplan_id, per_sub: int, years) -> None:
    """``per_sub`` programs in every sub-dimension, each with a budget line per year."""
    actor = admin_actor(setup)
    with tenant_context(setup.tenant_id):
        opds = [o.id for o in tenants.list_opds(actor=SYSTEM)]
        refs = MasterplanRefs(get_masterplan(masterplan_id, actor=SYSTEM))
        for sub in refs.sub_dimensions:
            strategy = programs.create_strategy(
                masterplan_id, {"sub_dimension_code": sub.code, "text": sub.name_id}, actor=actor
            )
            goal = goals.create_goal(
                masterplan_id, {"sub_dimension_code": sub.code, "text": f"Sasaran {sub.code}"}, actor=actor
            )
            goals.create_indicator(
                masterplan_id,
                {"goal_id": goal.id, "name": f"Indikator {sub.code}", "unit": "%",
                 "targets": [{"year": y, "value": 50 + y - 2025} for y in years]},
                actor=actor,
            )  # fmt: skip
            for n in range(per_sub):
                program = programs.create_program(
                    masterplan_id,
                    {
                        "code": f"{sub.code}-{n + 1:02d}",
                        "name": f"Program {n + 1} {sub.name_id}",
                        "strategy_ids": [strategy.id],
                        "quick_win": n == 0,
                        "lead_opd_id": opds[n % len(opds)],
                        "supporting_opd_ids": [opds[(n + 1) % len(opds)]],
                        "partners": [{"name": "Universitas", "sector": "AKADEMISI"}],
                        "roadmap_years": list(years),
                        "budget_lines": [
                            {
                                "year": y,
                                "amount": 100_000_000 * (n + 1),
                                "funding_source": ("APBD", "DAK")[y % 2],
                            }
                            for y in years
                        ],
                    },
                    actor=actor,
                )
                programs.create_action_item(
                    masterplan_id,
                    {"program_id": program.id, "year": years[0], "activity": "Kickoff"},
                    actor=actor,
                )
        db.session.commit()


def _count(client, url: str, headers=None) -> int:
    # A fresh session, as each request has in production (tests share one through the open app context).
    db.session.remove()
    with counting() as statements:
        response = page_get(client, url, headers=headers or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(statements)


def _measure(client, api, masterplan_id) -> dict[str, int]:
    base = f"/t/{api.setup.slug}/masterplans/{masterplan_id}"
    counts = {page or "/": _count(client, base + page) for page in PAGES}
    for path in API_LISTS:
        counts["api " + path] = _count(
            client, api.url(f"/masterplans/{masterplan_id}{path}"), api.setup.headers()
        )
    return counts


def test_pages_and_lists_query_the_database_a_fixed_number_of_times(client, city):
    page_login(client, city.admin_email)
    api = Api(client, city)
    small = make_masterplan(city, version_label="small")
    _add_programs(city, small.id, per_sub=1, years=[2025])
    large = make_masterplan(city, version_label="large")
    _add_programs(city, large.id, per_sub=10, years=list(YEARS))
    # The token's first use is written once; the counts compare reads.
    page_get(client, api.url(f"/masterplans/{small.id}{API_LISTS[0]}"), headers=api.setup.headers())
    few = _measure(client, api, small.id)
    many = _measure(client, api, large.id)
    assert many == few
    assert max(many.values()) <= MOST_QUERIES, many

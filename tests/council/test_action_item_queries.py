"""The action items' list (page and API) and a program's page read a fixed number of SQL statements
whatever the number of action items."""

from datetime import date

from app.council import services as council
from app.extensions import db
from app.masterplan import services as masterplans
from app.tenants import services as tenants
from tests.conftest import login
from tests.support.queries import count_queries

T = "/t/kota-palopo"


def _more_action_items(palopo, count: int):
    """``count`` more action items on the demo's first decision, spread over three programs and two OPDs."""
    from app.council import meetings

    with palopo.inside():
        actor = palopo.actor
        current = masterplans.current_masterplan(actor=actor)
        programs = masterplans.list_programs(current.id, actor=actor)[:3]
        opds = [o.id for o in tenants.list_opds(actor=actor)][:2]
        meeting = next(
            m
            for m in db.session.scalars(meetings.meetings_query(actor=actor))
            if meetings.list_decisions(m.id, actor=actor)
        )
        decision = meetings.list_decisions(meeting.id, actor=actor)[0]
        for n in range(count):
            council.create_action_item(
                meeting.id,
                decision.id,
                {
                    "title": f"Tindak lanjut nomor {n}",
                    "owner_opd_id": opds[n % 2],
                    "due_on": date(2027, 1, 1 + n % 28),
                    "program_ids": [programs[n % 3].id],
                },
                actor=actor,
            )
        db.session.commit()
        return programs[0]


def _statements(app, client, url, **kwargs) -> int:
    with count_queries(app) as statements:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return len(statements)


def test_the_lists_and_the_program_page_read_a_fixed_number_of_statements(app, palopo, client):
    login(client, "admin@kota-palopo.demo")
    token = palopo.token()
    program = _more_action_items(palopo, 3)
    program_url = f"{T}/masterplans/{program.masterplan_id}/programs/{program.id}"
    api = "/api/v1/t/kota-palopo/council/action-items?page_size=100"
    client.get(api, headers=token)  # the token's first use records when it was used, once
    few = [
        _statements(app, client, f"{T}/council/action-items"),
        _statements(app, client, api, headers=token),
        _statements(app, client, program_url),
    ]
    _more_action_items(palopo, 30)
    many = [
        _statements(app, client, f"{T}/council/action-items"),
        _statements(app, client, api, headers=token),
        _statements(app, client, program_url),
    ]
    assert many == few, (few, many)

"""After logging in each person lands where their work is: an OPD operator on their OPD's programs, the
secretariat on the dashboard, a ministry account on its start page; a tenant without a masterplan shows
its administrator a first-steps checklist until the masterplan is started."""

import re
from urllib.parse import parse_qs, urlsplit

from app.accounts.models import User
from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan import versions
from app.tenants import services as tenants
from app.tenants.models import Opd
from tests.conftest import login
from tests.factories import PASSWORD, admin_actor, make_tenant
from tests.masterplan import conftest as masterplan_setup
from tests.support import demo

# Fixtures of other folders: the seeded demo's Kota Palopo, the reference frameworks.
palopo = demo.palopo
reference = masterplan_setup.reference

DEMO_PASSWORD = "kotacerdas-demo"


def _follow(client, response, hops: int = 3):
    for _ in range(hops):
        if response.status_code not in (301, 302, 303):
            break
        response = client.get(response.headers["Location"])
    return response


def test_an_opd_operator_lands_on_the_programs_of_their_opd(app, palopo):
    client = app.test_client()
    response = login(client, "opd@kota-palopo.demo", DEMO_PASSWORD)
    assert response.headers["Location"] == "/t/kota-palopo/start"
    start = client.get("/t/kota-palopo/start")
    target = urlsplit(start.headers["Location"])
    with palopo.inside():
        current = versions.current_masterplan(actor=palopo.actor)
        operator = tenants.actor_for(db.session.get(User, palopo.operator_id))
        (operator_opd,) = [db.session.get(Opd, (palopo.tenant_id, i)) for i in operator.opd_ids]
    assert target.path == f"/t/kota-palopo/masterplans/{current.id}/programs"
    assert parse_qs(target.query) == {"opd_id": [str(operator_opd.id)]}
    page = client.get(start.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'value="{operator_opd.id}" selected' in html  # the list is filtered by their OPD


def test_the_secretariat_lands_on_the_dashboard(app, palopo):
    client = app.test_client()
    assert login(client, "admin@kota-palopo.demo", DEMO_PASSWORD).headers["Location"] == "/t/kota-palopo/"
    # The demo's Palopo has its masterplan: no first steps any more.
    assert "kc-first-steps" not in client.get("/t/kota-palopo/").get_data(as_text=True)


def test_a_ministry_account_lands_on_its_start_page(app, palopo):
    client = app.test_client()
    assert login(client, "kementerian@kotacerdas.local", DEMO_PASSWORD).headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert 'href="/ministry/masterplans"' in home


def _steps(html: str) -> list[tuple[str, bool]]:
    """(label, done) of each first step on the dashboard."""
    block = html.split('class="card mb-3 kc-first-steps"')[1].split("</section>")[0]
    items = re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
    return [
        (
            re.sub(r"<[^>]+>|\s+", " ", re.split(r"<br>", item)[0]).strip().removesuffix("(done)").strip(),
            "<s " in item,
        )
        for item in items
    ]


def test_a_new_tenant_shows_its_administrator_the_first_steps_until_the_masterplan_starts(app, reference):
    setup = make_tenant("64.71", "kota-balikpapan")
    client = app.test_client()
    with client.session_transaction() as session:
        session["locale"] = "en"
    assert login(client, setup.admin_email, PASSWORD).headers["Location"] == "/t/kota-balikpapan/"
    html = client.get("/t/kota-balikpapan/").get_data(as_text=True)
    steps = _steps(html)
    assert [label for label, _done in steps] == [
        "Add your OPDs",
        "Invite your colleagues",
        "Connect your city's sign-in service (optional)",
        "Create the masterplan",
    ]
    assert not any(done for _label, done in steps)
    assert 'href="/t/kota-balikpapan/opds#add-opd"' in html

    with tenant_context(setup.tenant_id):
        tenants.create_opd({"code": "BAPPEDA", "name": "Bappeda"}, actor=admin_actor(setup))
        db.session.commit()
    steps = dict(_steps(client.get("/t/kota-balikpapan/").get_data(as_text=True)))
    assert steps["Add your OPDs"] is True and steps["Create the masterplan"] is False

    masterplan_setup.make_masterplan(setup)
    assert "kc-first-steps" not in client.get("/t/kota-balikpapan/").get_data(as_text=True)

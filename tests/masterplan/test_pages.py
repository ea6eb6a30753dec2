"""A tenant admin builds a whole masterplan through the pages alone (forms post, no JavaScript), enacts it
and starts a revision; readers see it but cannot change it; the tree edits in place with htmx."""

import re

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.core.auth import SYSTEM, VIEWER
from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan.models import Strategy
from app.tenants import services as tenants
from tests.factories import admin_actor
from tests.masterplan.conftest import kominfo_id, make_masterplan, page_get, page_login, page_post

UUID = r"[0-9a-f-]{36}"


@pytest.fixture
def admin(client, city):
    page_login(client, city.admin_email)
    return city


def _opd_ids(city) -> dict:
    with tenant_context(city.tenant_id):
        return {o.code: str(o.id) for o in tenants.list_opds(actor=SYSTEM)}


def _location_id(response, kind: str) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return re.search(rf"/{kind}/({UUID})", response.headers["Location"]).group(1)


def test_a_tenant_admin_builds_a_masterplan_through_the_pages_and_revises_it(client, admin):
    base = f"/t/{admin.slug}/masterplans"
    created = page_post(
        client,
        f"{base}/",
        {
            "title": "Masterplan Smart City Kota Palopo",
            "version_label": "1.0",
            "period_start": "2025",
            "period_end": "2029",
            "rpjmd_start": "2025",
            "rpjmd_end": "2029",
            "framework_id": str(kominfo_id()),
        },
    )
    mp = f"{base}/{_location_id(created, 'masterplans')}"
    opds = _opd_ids(admin)

    assert (
        page_post(client, f"{mp}/vision", {"vision": "Palopo Kota Cerdas yang Melayani"}).status_code == 302
    )
    page_post(
        client, f"{mp}/missions", {"number": "4", "text": "Pelayanan dasar", "dimension_codes": ["SOC"]}
    )
    page_post(
        client,
        f"{mp}/readiness",
        {
            "dimension_code": "SOC",
            "aspect": "SUPRASTRUKTUR",
            "level": "HIGH",
            "condition": "RPJMD memuat Smart City",
        },
    )
    page_post(client, f"{mp}/gaps", {"sub_dimension_code": "SOC.3", "current_condition": "230 kasus (2019)"})
    page_post(client, f"{mp}/swot", {"dimension_code": "SOC", "quadrant": "S", "text": "17 perguruan tinggi"})
    page_post(client, f"{mp}/goals", {"dimension_code": "SOC", "text": "Masyarakat humanis dan dinamis"})
    goals_page = page_get(client, f"{mp}/goals").get_data(as_text=True)
    goal_id = re.search(rf"indicators/new\?goal_id=({UUID})", goals_page).group(1)
    indicator = page_post(
        client,
        f"{mp}/indicators/new",
        {
            "goal_id": goal_id,
            "name": "Tindak kriminal tertangani",
            "unit": "kasus",
            "polarity": "neutral",
            "accumulation": "annual",
            "baseline_value": "230",
            "baseline_year": "2019",
            "responsible_opd_id": opds["DISKOMINFO"],
            "target-2026": "200",
            "target-2027": "190,5",
        },
    )
    assert indicator.status_code == 302

    # The next strategy code is offered: S.1 for the first sub-dimension of Smart Society.
    form = page_get(client, f"{mp}/strategies/new?sub=SOC.3").get_data(as_text=True)
    assert 'value="S.3"' in form
    page_post(client, f"{mp}/strategies/new?sub=SOC.3", {"code": "S.3", "text": "Keamanan Masyarakat"})
    strategies = page_get(client, f"{mp}/strategies").get_data(as_text=True)
    parent_id = re.search(rf"strategies/new\?parent=({UUID})", strategies).group(1)
    assert 'value="S.3.1"' in page_get(client, f"{mp}/strategies/new?parent={parent_id}").get_data(
        as_text=True
    )
    page_post(
        client, f"{mp}/strategies/new?parent={parent_id}", {"code": "S.3.1", "text": "Layanan keamanan"}
    )
    form = page_get(client, f"{mp}/programs/new").get_data(as_text=True)
    choices = dict(re.findall(rf'value="({UUID})"[^>]*>\s*<label[^>]*>(S[.0-9]+) ', form))
    strategy_id = next(key for key, code in choices.items() if code == "S.3.1")

    program = page_post(
        client,
        f"{mp}/programs/new",
        {
            "code": "PLP-S-03",
            "name": "Layanan Darurat Terpadu 112",
            "strategy_ids": [strategy_id],
            "program_class": "INFRASTRUKTUR",
            "horizon": "MENENGAH",
            "status": "in_progress",
            "quick_win": "1",
            "lead_opd_id": opds["DISKOMINFO"],
            "supporting_opd_ids": [opds["DLH"]],
            "roadmap_years": ["2026", "2027"],
            "partner-name": ["Polres Palopo", ""],
            "partner-sector": ["PEMERINTAH", ""],
            "budget-year": ["2026", "2027", ""],
            "budget-amount": ["Rp 1.200.000.000", "800000000", ""],
            "budget-funding_source": ["APBD", "DAK", ""],
            "budget-status": ["allocated", "indicative", "indicative"],
        },
    )
    program_id = _location_id(program, "programs")
    page_post(
        client,
        f"{mp}/action-plan",
        {"program_id": program_id, "year": "2026", "activity": "Integrasi CCTV", "budget": "700000000"},
    )

    overview = page_get(client, f"{mp}?lang=en").get_data(as_text=True)
    assert "Rp 2,000,000,000" in overview  # the quick win's two years
    assert "Smart Society" in overview
    roadmap = page_get(client, f"{mp}/roadmap?lang=en&funding_source=DAK").get_data(as_text=True)
    assert "Rp 800,000,000" in roadmap and "Rp 1,200,000,000" not in roadmap
    budget = page_get(client, f"{mp}/budget").get_data(as_text=True)
    assert "Rp 2,000,000,000" in budget  # grouped for the page's language (English here)
    detail = page_get(client, f"{mp}/programs/{program_id}").get_data(as_text=True)
    assert "Polres Palopo" in detail and "S.3.1" in detail and "Integrasi CCTV" in detail

    for status in ("in_review", "endorsed"):
        page_post(client, f"{mp}/status", {"status": status})
    page_post(
        client,
        f"{mp}/status",
        {
            "status": "enacted",
            "legal_type": "PERWALI",
            "legal_number": "23 Tahun 2025",
            "legal_date": "2025-06-30",
        },
    )
    enacted = page_get(client, f"{mp}?lang=en").get_data(as_text=True)
    assert "Enacted" in enacted and "23 Tahun 2025" in enacted
    # The legal basis by its kind and its date as people write them, not a code and an ISO date.
    assert "Perwali (mayor&#39;s regulation) 23 Tahun 2025 · Jun 30, 2025" in enacted
    listed = page_get(client, f"{base}/?lang=id").get_data(as_text=True)
    assert "Perwali (Peraturan Wali Kota) 23 Tahun 2025 · 30 Jun 2025" in listed
    assert ">PERWALI " not in listed and "2025-06-30" not in listed
    assert "Submit for review" not in enacted
    refused = page_post(client, f"{mp}/missions", {"text": "Misi baru"})
    assert refused.status_code == 409

    revision = page_post(client, f"{mp}/revision", {"version_label": "1.1"})
    revised = f"{base}/{_location_id(revision, 'masterplans')}"
    assert "Draft" in page_get(client, f"{revised}?lang=en").get_data(as_text=True)
    programs = page_get(client, f"{revised}/programs").get_data(as_text=True)
    assert re.search(r">1 program</p>", programs)  # not "1 program(s)"
    copy_id = re.search(rf"/programs/({UUID})", programs).group(1)
    assert copy_id != program_id
    page_post(
        client,
        f"{revised}/programs/{copy_id}/edit",
        {
            "code": "PLP-S-03",
            "name": "Layanan 112 Terintegrasi",
            "sub_dimension_code": "SOC.3",
            "status": "planned",
        },
    )
    comparison = page_get(client, f"{revised}/compare?lang=en").get_data(as_text=True)
    changed = re.findall(r"Changed</span> <strong>([^<]+)<", comparison)
    # The revision is not enacted yet (no legal basis), and its program was renamed.
    assert changed == ["Masterplan Smart City Kota Palopo", "PLP-S-03 Layanan 112 Terintegrasi"]
    assert (
        '<td>Legal basis</td><td class="text-danger">'
        "Perwali (mayor&#39;s regulation) 23 Tahun 2025 · Jun 30, 2025</td>" in comparison
    )


def test_a_refused_form_comes_back_with_the_field_named(client, admin):
    masterplan = make_masterplan(admin)
    url = f"/t/{admin.slug}/masterplans/{masterplan.id}/programs/new"
    response = page_post(
        client,
        url,
        {
            "code": "P-1",
            "name": "Program",
            "dimension_code": "SOC",
            "budget-year": ["2026", "2027"],
            "budget-amount": ["Rp 1.000.000", "1.5 M"],
            "budget-funding_source": ["APBD", "APBD"],
        },
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    # Named as the form names it, the bad row pointed at; what was typed stays; "1.5 M" is not Rp 15: in
    # English an M is a million to some and a miliar to others.
    assert "Budget</span>: row 2, Amount (Rp): “1.5 M” could mean million or miliar" in body
    assert 'value="P-1"' in body and 'value="1.5 M"' in body
    indonesian = page_post(
        client,
        f"{url}?lang=id",
        {
            "code": "P-1",
            "name": "Program",
            "dimension_code": "SOC",
            "budget-year": ["2026"],
            "budget-amount": ["1,5 m"],
            "budget-funding_source": ["APBD"],
        },
    )
    assert indonesian.status_code == 422  # a lower-case m is no amount word (metres?)
    assert "baris 1" in indonesian.get_data(as_text=True) and 'value="1,5 m"' in indonesian.get_data(
        as_text=True
    )
    header = {"title": "X", "version_label": "1.0", "period_start": "2025", "period_end": "2029"}
    duplicate = page_post(
        client, f"/t/{admin.slug}/masterplans/", {**header, "framework_id": str(kominfo_id())}
    )
    assert duplicate.status_code == 409


def test_a_form_without_its_csrf_token_is_refused(client, admin):
    masterplan = make_masterplan(admin)
    response = client.post(f"/t/{admin.slug}/masterplans/{masterplan.id}/vision", data={"vision": "x"})
    assert response.status_code == 400


def test_a_viewer_reads_every_page_but_gets_no_form_and_no_write(client, city):
    masterplan = make_masterplan(city)
    user = accounts.create_user("viewer@palopo.test", "Viewer", "correct-horse-battery")
    with tenant_context(city.tenant_id):
        tenants.add_member(user.id, VIEWER, actor=admin_actor(city))
    db.session.commit()
    page_login(client, "viewer@palopo.test", "correct-horse-battery")
    base = f"/t/{city.slug}/masterplans/{masterplan.id}"
    for page in ("", "/tree", "/vision", "/analysis", "/goals", "/strategies", "/programs", "/action-plan",
                 "/roadmap", "/budget", "/compare"):  # fmt: skip
        response = page_get(client, base + page)
        assert response.status_code == 200, page
        assert 'method="post" action="/t/' not in response.get_data(as_text=True).split("</header>")[1], page
    assert page_post(client, f"{base}/missions", {"text": "x"}).status_code == 403
    assert page_post(client, f"{base}/revision").status_code == 403


def test_the_tree_is_edited_in_place_with_htmx_and_without_it(client, admin):
    masterplan = make_masterplan(admin)
    with tenant_context(admin.tenant_id):
        from app.masterplan import programs

        program = programs.create_program(
            masterplan.id,
            {"code": "P-1", "name": "Satu Data", "dimension_code": "GOV"},
            actor=admin_actor(admin),
        )
        db.session.commit()
    base = f"/t/{admin.slug}/masterplans/{masterplan.id}"
    htmx = {"HX-Request": "true"}
    partial = page_get(client, f"{base}/tree?dimension=GOV", headers={**htmx, "HX-Target": "tree"})
    assert "<html" not in partial.get_data(as_text=True) and "Satu Data" in partial.get_data(as_text=True)
    node = f"{base}/tree/programs/{program.id}"
    form = page_get(client, f"{node}?edit=1", headers=htmx).get_data(as_text=True)
    assert f'hx-post="{node}"' in form
    saved = page_post(
        client, node, {"code": "P-1", "name": "Satu Data Palopo", "status": "planned"}, headers=htmx
    )
    assert saved.status_code == 200 and "Satu Data Palopo" in saved.get_data(as_text=True)
    refused = page_post(client, node, {"code": "", "name": "x", "status": "planned"}, headers=htmx)
    assert refused.status_code == 200 and "is-invalid" in refused.get_data(as_text=True)
    # Without JavaScript the same links lead to the full edit page.
    assert page_get(client, f"{node}?edit=1").headers["Location"].endswith(f"/programs/{program.id}/edit")
    assert (
        page_post(client, node, {"code": "P-1", "name": "Satu Data", "status": "planned"}).status_code == 302
    )


def test_the_settings_page_changes_details_and_prefixes_then_only_the_legal_basis(client, admin):
    masterplan = make_masterplan(admin)
    url = f"/t/{admin.slug}/masterplans/{masterplan.id}"
    form = {
        "title": "Masterplan Smart City 2026",
        "version_label": "1.0",
        "period_start": "2026",
        "period_end": "2030",
        "framework_id": str(kominfo_id()),
        "prefix-SOC": "SS",
    }
    assert page_post(client, f"{url}/settings", form).status_code == 302
    page_post(client, f"{url}/strategies/new?sub=SOC.1", {"text": "Interaksi"})
    assert "SS.1" in page_get(client, f"{url}/strategies").get_data(as_text=True)
    page_post(client, f"{url}/status", {"status": "in_review"})
    settings = page_get(client, f"{url}/settings").get_data(as_text=True)
    assert 'name="title"' not in settings and 'name="legal_number"' in settings
    saved = page_post(client, f"{url}/settings", {"legal_type": "PERWALI", "legal_number": "7 Tahun 2026"})
    assert saved.status_code == 302
    overview = page_get(client, f"{url}?lang=en").get_data(as_text=True)
    assert "7 Tahun 2026" in overview and "2026–2030" in overview


def test_a_strategy_moves_to_another_place_on_its_edit_page(client, admin):
    masterplan = make_masterplan(admin)
    url = f"/t/{admin.slug}/masterplans/{masterplan.id}"
    page_post(client, f"{url}/strategies/new?sub=SOC.1", {"code": "S.1", "text": "Interaksi warga"})
    page_post(client, f"{url}/strategies/new?sub=SOC.2", {"code": "S.2", "text": "Literasi digital"})
    with tenant_context(admin.tenant_id):
        ids = {s.code: str(s.id) for s in db.session.scalars(select(Strategy))}
    s1, s2 = ids["S.1"], ids["S.2"]
    edit = page_get(client, f"{url}/strategies/{s2}").get_data(as_text=True)
    assert 'name="parent_id"' in edit and f'value="{s1}"' in edit and f'value="{s2}"' not in edit

    moved = {
        "code": "S.1.1",
        "text": "Literasi digital",
        "dimension_code": "SOC",
        "sub_dimension_code": "SOC.1",
    }
    assert page_post(client, f"{url}/strategies/{s2}", {**moved, "parent_id": s1}).status_code == 302
    tree = page_get(client, f"{url}/strategies").get_data(as_text=True)
    assert tree.index(">S.1<") < tree.index(">S.1.1<") and ">S.2<" not in tree
    # A parent in another dimension is refused on the field, and nothing changes.
    elsewhere = {**moved, "dimension_code": "GOV", "sub_dimension_code": "", "parent_id": s1}
    refused = page_post(client, f"{url}/strategies/{s2}", elsewhere)
    assert refused.status_code == 422 and "another dimension" in refused.get_data(as_text=True)
    # S.1 has a strategy beneath it: it cannot leave its dimension alone.
    alone = {"code": "S.1", "text": "Interaksi warga", "dimension_code": "GOV", "sub_dimension_code": ""}
    refused = page_post(client, f"{url}/strategies/{s1}", alone)
    assert refused.status_code == 409 and "move them first" in refused.get_data(as_text=True)
    with tenant_context(admin.tenant_id):
        placed = {s.code: (s.dimension_id, s.parent_id) for s in db.session.scalars(select(Strategy))}
    assert placed["S.1.1"][1] is not None and placed["S.1.1"][0] == placed["S.1"][0]


def test_the_analysis_opens_on_a_dimension_that_holds_entries(client, admin):
    masterplan = make_masterplan(admin)
    url = f"/t/{admin.slug}/masterplans/{masterplan.id}"
    for text in ("Jaringan komunitas kuat", "Relawan TIK aktif"):
        form = {"dimension_code": "SOC", "quadrant": "S", "text": text}
        assert page_post(client, f"{url}/swot", form).status_code == 302
    page = page_get(client, f"{url}/analysis?lang=en").get_data(as_text=True)
    current = re.search(r'aria-current="page" href="[^"]*dimension=(\w+)"[^>]*>([^<]*)<span[^>]*>(\d+)', page)
    assert current.groups() == ("SOC", "SOC · Smart Society ", "2")
    assert "Relawan TIK aktif" in page

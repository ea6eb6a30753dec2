"""The shared layout: header, menu per role, breadcrumbs, flash messages, empty states, lists that
paginate and filter (with htmx fragments), the OPD row edited in place, and a constant number of queries
per page whatever the data size."""

import re

import pytest

from app.accounts import services as accounts
from app.core import nav
from app.core.auth import OPD_OPERATOR, SYSTEM, TENANT_ADMIN, Actor
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import csrf_token, form_post, login
from tests.factories import PASSWORD, make_tenant
from tests.support.pages import count_queries

HTMX = {"HX-Request": "true"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _header(page: str) -> str:
    return page.split("<header", 1)[1].split("</header>", 1)[0]


def _menu(page: str) -> list[str]:
    """The labels of the wide-screen menu."""
    bar = page.split('class="kc-nav d-none d-md-block"', 1)
    if len(bar) == 1:
        return []
    return re.findall(r"<a href=\"[^\"]+\"[^>]*>([^<]+)</a>", bar[1].split("</nav>", 1)[0])


def _in_order(menu: list[str], expected: list[str]) -> bool:
    """The expected entries are in the menu, in this order (other capabilities add their own)."""
    return [label for label in menu if label in expected] == expected


# --- layout and menu ----------------------------------------------------------------------------


def test_every_page_of_a_tenant_admin_shares_the_layout(client, demo):
    login(client, "admin@kota-palopo.demo")
    with client.application.app_context():
        opd = tenants.find_tenant_by_slug("kota-palopo")
        with tenant_context(opd.id):
            opd_id = tenants.list_opds(actor=SYSTEM)[0].id
    pages = ["/t/kota-palopo/", "/t/kota-palopo/opds", f"/t/kota-palopo/opds/{opd_id}/edit"]
    pages += ["/t/kota-palopo/members", "/account/tokens", "/"]
    for url in pages:
        response = client.get(url, query_string={"lang": "en"})
        assert response.status_code == 200, url
        page = _text(response)
        assert '<html lang="en">' in page
        assert 'name="csrf-token"' in page
        assert re.search(r'<script type="module" src="/static/dist/assets/main-[^"]+\.js"></script>', page)
        assert "Kota Cerdas · Smart city masterplans" in page
        assert 'class="kc-lang"' in _header(page)
        assert "Admin Kota Palopo" in _header(page)
        if url.startswith("/t/"):
            assert "Kota Palopo" in _header(page) and "Sulawesi Selatan · 73.73 · WITA" in _header(page)
            assert _in_order(_menu(page), ["Dashboard", "OPDs", "Members"])
            assert "Times are shown in WITA." in page
        else:  # outside the tenant: still in its zone, as the admin belongs to Kota Palopo alone
            assert "Times are shown in WITA." in page


def test_outside_a_tenant_times_are_in_the_zone_of_ones_only_tenant_else_plainly_in_wib(app, client, demo):
    visitor = _text(client.get("/login?lang=en"))
    assert (
        "Times on this page are shown in WIB (Jakarta time); a tenant&#39;s pages show its own zone."
        in visitor
    )
    login(client, "admin@kota-palopo.demo")
    assert "Waktu ditampilkan dalam WITA." in _text(client.get("/?lang=id"))
    with app.app_context():
        second = make_tenant("73.71", "kota-makassar")
        palopo_admin = accounts.find_user_by_email("admin@kota-palopo.demo")
        with tenant_context(second.tenant_id):
            tenants.add_member(
                palopo_admin.id, "viewer", actor=Actor(second.admin_id, tenant_role=TENANT_ADMIN)
            )
        db.session.commit()
    home = _text(client.get("/?lang=id"))
    assert "Waktu di halaman ini ditampilkan dalam WIB (waktu Jakarta)" in home


def test_the_menu_marks_the_current_page(client, demo):
    login(client, "admin@kota-palopo.demo")
    page = _text(client.get("/t/kota-palopo/opds?lang=en"))
    assert '<a href="/t/kota-palopo/opds" aria-current="page">OPDs</a>' in page
    assert '<a href="/t/kota-palopo/">Dashboard</a>' in page


def test_an_opd_operator_sees_no_member_pages(client, demo):
    login(client, "opd@kota-palopo.demo")
    page = _text(client.get("/t/kota-palopo/?lang=en"))
    assert _in_order(_menu(page), ["Dashboard", "OPDs"]) and "Members" not in _menu(page)
    assert "OPD operator" in _header(page)
    assert client.get("/t/kota-palopo/members").status_code == 403


def test_a_platform_admin_who_is_also_a_member_sees_both_sections_headed(app, client, demo):
    with app.app_context():
        operator = accounts.find_user_by_email("admin@kotacerdas.local")
        tenants.seed_tenant_admin(tenants.find_tenant_by_slug("kota-palopo"), operator, actor=SYSTEM)
        db.session.commit()
    login(client, "admin@kotacerdas.local")
    page = _text(client.get("/t/kota-palopo/?lang=en"))
    assert _in_order(_menu(page), ["Dashboard", "OPDs", "Members", "Tenants"])
    assert '<span class="kc-nav-heading">Kota Palopo</span>' in page
    assert '<span class="kc-nav-heading">Platform</span>' in page
    # Outside the tenant only the ministry's and the platform's pages are offered.
    page = _text(client.get("/admin/tenants?lang=en"))
    assert _in_order(_menu(page), ["Frameworks", "Tenants"]) and "Dashboard" not in _menu(page)
    assert '<span class="kc-nav-heading">Kota Palopo</span>' not in page


def test_ministry_pages_show_to_ministry_roles_only(app, client, demo):
    with app.app_context():
        accounts.create_user("ministry@komdigi.test", "Direktorat", PASSWORD, platform_role="ministry_admin")
        accounts.create_user("asesor@komdigi.test", "Asesor", PASSWORD, platform_role="evaluator")
        db.session.commit()
    login(client, "ministry@komdigi.test", PASSWORD)
    home = _text(client.get("/?lang=en"))
    menu = _menu(home)
    assert "Frameworks" in menu and "Tenants" not in menu and "Dashboard" not in menu
    assert "/ministry/frameworks" in home.split("</nav>", 1)[1]  # and offered on the start page
    logout = {"csrf_token": csrf_token(client, "/account/tokens")}
    client.post("/logout", data=logout)
    login(client, "asesor@komdigi.test", PASSWORD)
    home = _text(client.get("/?lang=en"))
    assert "Frameworks" not in _menu(home) and "Nothing to evaluate yet" in home
    assert "not a member of any tenant" not in home
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/tokens")})
    login(client, "admin@kotacerdas.local")
    page = _text(client.get("/?lang=en"))
    assert "Frameworks" in _menu(page) and '<span class="kc-nav-heading">Ministry</span>' in page


def test_a_menu_entry_for_a_page_this_deployment_lacks_is_left_out(client, demo, monkeypatch):
    entry = nav.NavItem("tenant", "council.not_here", "Not deployed here", (), 20)
    monkeypatch.setattr(nav, "_items", [*nav._items, entry])
    login(client, "admin@kota-palopo.demo")
    menu = _menu(_text(client.get("/t/kota-palopo/?lang=en")))
    assert "Not deployed here" not in menu and "Dashboard" in menu


def test_an_unknown_menu_section_is_refused():
    with pytest.raises(ValueError, match="section"):
        nav.register_nav("council", "council.index", "Dewan")


def test_anonymous_pages_have_no_menu(client, demo):
    page = _text(client.get("/login?lang=en"))
    assert _menu(page) == [] and "kc-menu" not in page
    assert "National smart city programme" in _header(page)


def test_breadcrumbs_and_a_flash_message_after_adding_an_opd(client, demo):
    login(client, "admin@kota-palopo.demo")
    response = form_post(
        client, "/t/kota-palopo/opds?lang=en", {"code": "dpmptsp", "name": "Dinas Penanaman Modal"}
    )
    assert response.status_code == 302
    page = _text(client.get("/t/kota-palopo/opds?lang=en"))
    assert '<div class="alert alert-success kc-flash" role="status">' in page
    assert "OPD DPMPTSP added." in page
    trail = page.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]
    assert '<a href="/t/kota-palopo/">Dashboard</a>' in trail
    assert '<li class="breadcrumb-item active" aria-current="page">OPDs</li>' in trail


def test_a_refused_opd_names_the_field_with_its_label(client, demo):
    login(client, "admin@kota-palopo.demo")
    response = form_post(client, "/t/kota-palopo/opds?lang=en", {"code": "DISKOMINFO", "name": "Twice"})
    assert response.status_code == 409
    page = _text(response)
    assert '<span class="fw-semibold">Code</span>: already used in this tenant' in page
    assert 'id="f-code-error"' not in page or "is-invalid" in page


# --- empty states ---------------------------------------------------------------------------------


@pytest.fixture
def bare(app):
    """A tenant with only its admin: no OPDs, nothing else."""
    with app.app_context():
        setup = make_tenant("73.71", "kota-makassar")
        db.session.remove()
    return setup


def test_a_new_tenant_is_told_to_start_with_its_opds(client, bare):
    login(client, bare.admin_email, PASSWORD)
    page = _text(client.get("/t/kota-makassar/?lang=en"))
    steps = page.split('id="first-steps-title">First steps</h2>', 1)[1].split("</section>", 1)[0]
    assert steps.index('href="/t/kota-makassar/opds#add-opd">Add your OPDs</a>') < steps.index("Invite")
    page = _text(client.get("/t/kota-makassar/opds?lang=en"))
    assert "No OPDs yet" in page and 'href="#add-opd">Add an OPD</a>' in page


def test_a_search_without_result_offers_to_clear_it(client, demo):
    login(client, "admin@kota-palopo.demo")
    page = _text(client.get("/t/kota-palopo/opds?lang=en&q=zzz"))
    assert "No OPD matches “zzz”" in page
    assert 'href="/t/kota-palopo/opds">Show all OPDs</a>' in page


# --- lists: pagination, filters and htmx fragments ------------------------------------------------


@pytest.fixture
def big(app):
    """Kota Makassar with 45 OPDs (three pages) and 25 members (two pages)."""
    with app.app_context():
        setup = make_tenant("73.71", "kota-makassar")
        _grow(setup, opds=45, members=24)
        db.session.remove()
    return setup


def _grow(setup, *, opds: int, members: int, start: int = 0) -> None:
    actor = Actor(user_id=setup.admin_id, tenant_role=TENANT_ADMIN)
    with tenant_context(setup.tenant_id):
        made = [
            tenants.create_opd({"code": f"OPD{i:03d}", "name": f"Dinas Nomor {i}"}, actor=actor)
            for i in range(start, start + opds)
        ]
        for i in range(start, start + members):
            user = accounts.create_user(f"staf{i:03d}@{setup.slug}.test", f"Staf {i:03d}")
            tenants.add_member(user.id, OPD_OPERATOR, [made[i % len(made)].id], actor=actor)
    db.session.commit()


def test_the_opd_list_pages_by_twenty(client, big):
    login(client, big.admin_email, PASSWORD)
    first = _text(client.get("/t/kota-makassar/opds?lang=en"))
    assert first.count('<tr id="opd-') == 20
    assert "1–20 of 45" in first
    assert 'href="/t/kota-makassar/opds?page=2" hx-get="/t/kota-makassar/opds?page=2"' in first
    last = _text(client.get("/t/kota-makassar/opds?page=3&lang=en"))
    assert last.count('<tr id="opd-') == 5 and "41–45 of 45" in last
    # Past the end: the last page, not an empty one.
    assert "41–45 of 45" in _text(client.get("/t/kota-makassar/opds?page=9&lang=en"))


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_page_number_that_is_not_one_is_refused_naming_the_field(client, big, value):
    login(client, big.admin_email, PASSWORD)
    response = client.get(f"/t/kota-makassar/opds?page={value}&lang=en")
    assert response.status_code == 422
    assert '<span class="fw-semibold">page</span>: Use a whole number from 1.' in _text(response)


def test_filtering_keeps_the_filter_across_pages(client, big):
    login(client, big.admin_email, PASSWORD)
    page = _text(client.get("/t/kota-makassar/opds?q=nomor 1&lang=en"))
    # "Nomor 1", "Nomor 10".."Nomor 19": 11 OPDs.
    assert page.count('<tr id="opd-') == 11 and "1–11 of 11" in page
    page = _text(client.get("/t/kota-makassar/members?q=staf&role=opd_operator&lang=en"))
    assert "1–20 of 24" in page
    assert 'href="/t/kota-makassar/members?page=2&amp;q=staf&amp;role=opd_operator"' in page


def test_a_search_takes_percent_and_underscore_literally(client, big):
    login(client, big.admin_email, PASSWORD)
    assert "No OPD matches" in _text(client.get("/t/kota-makassar/opds?q=%25&lang=en"))
    assert "No OPD matches" in _text(client.get("/t/kota-makassar/opds?q=_&lang=en"))


def test_an_unknown_role_filter_is_refused_naming_the_field(client, big):
    login(client, big.admin_email, PASSWORD)
    response = client.get("/t/kota-makassar/members?role=mayor&lang=en")
    assert response.status_code == 422 and "role" in _text(response)


def test_htmx_gets_only_the_table_when_filtering(client, big):
    login(client, big.admin_email, PASSWORD)
    response = client.get(
        "/t/kota-makassar/opds?q=nomor 4&lang=en", headers={**HTMX, "HX-Target": "opd-table"}
    )
    fragment = _text(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="opd-table"') and "<header" not in fragment
    assert fragment.count('<tr id="opd-') == 6  # Nomor 4, 40..44
    assert "HX-Request" in response.headers["Vary"]
    # Without the target (or restoring history), the whole page.
    assert "<header" in _text(client.get("/t/kota-makassar/opds", headers=HTMX))
    restore = {**HTMX, "HX-Target": "opd-table", "HX-History-Restore-Request": "true"}
    assert "<header" in _text(client.get("/t/kota-makassar/opds", headers=restore))
    members = _text(
        client.get("/t/kota-makassar/members?page=2", headers={**HTMX, "HX-Target": "member-table"})
    )
    assert (
        members.lstrip().startswith('<div id="member-table"') and members.count('class="kc-stack-title"') == 5
    )


def test_the_platform_admin_filters_and_pages_tenants(client, demo):
    login(client, "admin@kotacerdas.local")
    page = _text(client.get("/admin/tenants?q=sulawesi&lang=en"))
    assert "Kota Palopo" in page and "Kota Balikpapan" not in page
    fragment = _text(
        client.get("/admin/tenants?status=active", headers={**HTMX, "HX-Target": "tenant-table"})
    )
    assert fragment.lstrip().startswith('<div id="tenant-table"') and "1–3 dari 3" in fragment
    response = client.get("/admin/tenants?status=gone&lang=en")
    assert response.status_code == 422 and "status" in _text(response)


# --- the OPD row, edited in place ----------------------------------------------------------------


def _opd_id(app, slug: str, code: str):
    with app.app_context(), tenant_context(tenants.find_tenant_by_slug(slug).id):
        return next(o.id for o in tenants.list_opds(actor=SYSTEM) if o.code == code)


def test_htmx_edits_an_opd_in_its_row(app, client, demo):
    login(client, "admin@kota-palopo.demo")
    opd_id = _opd_id(app, "kota-palopo", "DLH")
    target = {**HTMX, "HX-Target": f"opd-{opd_id}"}
    form = _text(client.get(f"/t/kota-palopo/opds/{opd_id}/edit?lang=en", headers=target))
    assert form.lstrip().startswith(f'<tr id="opd-{opd_id}"') and 'form="opd-form-' in form
    assert 'hx-post="/t/kota-palopo/opds/' in form and 'name="csrf_token"' in form

    token = csrf_token(client, "/account/tokens")
    data = {
        "code": "DLH",
        "name": "Dinas Lingkungan Hidup dan Kebersihan",
        "acronym": "DLHK",
        "csrf_token": token,
    }
    saved = client.post(f"/t/kota-palopo/opds/{opd_id}/edit?lang=en", data=data, headers=target)
    assert saved.status_code == 200
    row = _text(saved)
    assert row.lstrip().startswith(f'<tr id="opd-{opd_id}" class="kc-saved">')
    assert "Dinas Lingkungan Hidup dan Kebersihan" in row and "DLHK" in row and "<header" not in row

    data["code"] = "DISKOMINFO"
    refused = client.post(f"/t/kota-palopo/opds/{opd_id}/edit?lang=en", data=data, headers=target)
    assert refused.status_code == 422
    assert "already used in this tenant" in _text(refused) and 'value="DISKOMINFO"' in _text(refused)

    cancelled = client.get(f"/t/kota-palopo/opds/{opd_id}/row", headers=HTMX)
    assert '<td data-label="Kode"><span class="kc-code">DLH</span></td>' in _text(cancelled)


def test_without_htmx_the_opd_is_edited_on_a_page_of_its_own(app, client, demo):
    login(client, "admin@kota-palopo.demo")
    opd_id = _opd_id(app, "kota-palopo", "DLH")
    page = _text(client.get(f"/t/kota-palopo/opds/{opd_id}/edit?lang=en"))
    assert "<header" in page and "Edit OPD" in page
    response = form_post(
        client, f"/t/kota-palopo/opds/{opd_id}/edit", {"code": "DLH", "name": "", "acronym": ""}
    )
    assert response.status_code == 422 and 'value=""' in _text(response)
    row = client.get(f"/t/kota-palopo/opds/{opd_id}/row")
    assert row.status_code == 302 and row.headers["Location"].endswith(f"/t/kota-palopo/opds#opd-{opd_id}")


def test_another_tenants_opd_row_is_not_found(app, client, demo):
    login(client, "admin@kota-balikpapan.demo")
    palopo_opd = _opd_id(app, "kota-palopo", "DLH")
    for url in (f"/t/kota-balikpapan/opds/{palopo_opd}/row", f"/t/kota-balikpapan/opds/{palopo_opd}/edit"):
        assert client.get(url, headers=HTMX).status_code == 404


def test_an_opd_operator_cannot_open_the_inline_editor(app, client, demo):
    login(client, "opd@kota-palopo.demo")
    opd_id = _opd_id(app, "kota-palopo", "DLH")
    assert client.get(f"/t/kota-palopo/opds/{opd_id}/edit", headers=HTMX).status_code == 403
    assert "/edit" not in _text(client.get("/t/kota-palopo/opds"))


# --- a constant number of queries, whatever the size ---------------------------------------------


PAGES = ["/t/kota-makassar/", "/t/kota-makassar/opds", "/t/kota-makassar/members", "/account/tokens"]


def _queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        assert client.get(url).status_code == 200, url
    return len(statements)


def test_pages_issue_the_same_number_of_queries_at_any_size(app, client, bare):
    login(client, bare.admin_email, PASSWORD)
    small = {url: _queries(app, client, url) for url in PAGES}
    with app.app_context():
        _grow(bare, opds=60, members=45)
        db.session.remove()
    large = {url: _queries(app, client, url) for url in PAGES}
    assert large == small


def test_the_tenant_list_issues_the_same_number_of_queries_at_any_size(app, client, demo):
    login(client, "admin@kotacerdas.local")
    small = _queries(app, client, "/admin/tenants")
    with app.app_context():
        for region in tenants.unassigned_regions(actor=SYSTEM)[:30]:
            tenants.create_tenant(actor=SYSTEM, region_code=region.code)
        db.session.commit()
    assert _queries(app, client, "/admin/tenants") == small


def test_the_member_list_shows_each_members_role_and_ticked_opds(client, demo):
    login(client, "admin@kota-palopo.demo")
    page = _text(client.get("/t/kota-palopo/members?lang=en"))
    # The role filter starts at "All roles", whatever the viewer's own role.
    role_filter = page.split('id="f-role-filter"', 1)[1].split("</select>", 1)[0]
    assert "selected" not in role_filter
    operator_row = page.split("opd@kota-palopo.demo", 1)[1].split("</tr>", 1)[0]
    assert '<option value="opd_operator" selected>OPD operator</option>' in operator_row
    assert '<span class="kc-checklist-value">DISDIK</span>' in operator_row
    ticked = re.findall(
        r'name="opd_ids" value="[^"]+" checked> <span class="form-check-label">(\w+)', operator_row
    )
    assert ticked == ["DISDIK"]


def test_a_refused_invitation_keeps_the_ticked_opds(app, client, demo):
    login(client, "admin@kota-palopo.demo")
    dlh = _opd_id(app, "kota-palopo", "DLH")
    response = form_post(
        client,
        "/t/kota-palopo/members/invite?lang=en",
        {"email": "bukan-email", "role": "opd_operator", "opd_ids": str(dlh)},
    )
    assert response.status_code == 422
    invite_form = _text(response).split('id="invite"', 1)[1]
    assert f'name="opd_ids" value="{dlh}" checked>' in invite_form
    assert '<span class="fw-semibold">Email</span>: not a valid email address' in _text(response)


def test_a_search_longer_than_a_hundred_characters_is_refused_naming_the_field(client, demo):
    login(client, "admin@kota-palopo.demo")
    response = client.get("/t/kota-palopo/opds", query_string={"q": "x" * 101, "lang": "en"})
    assert response.status_code == 422
    assert '<span class="fw-semibold">q</span>: At most 100 characters.' in _text(response)

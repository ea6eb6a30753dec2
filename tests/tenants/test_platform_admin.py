"""The platform admin creates tenants from the region list, suspends and reactivates them, and invites
the first tenant admin; members of a suspended tenant see a notice and lose nothing."""

import re

import pytest
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from app.tenants.models import Opd
from tests.conftest import form_post, login
from tests.factories import PASSWORD, add_opd, make_tenant


@pytest.fixture
def operator(app_ctx, client):
    accounts.create_user("ops@kotacerdas.test", "Operator", PASSWORD, platform_role="platform_admin")
    db.session.commit()
    login(client, "ops@kotacerdas.test", PASSWORD)
    return client


def test_the_new_tenant_form_offers_only_unassigned_kabupaten_and_kota(operator):
    make_tenant("73.73", "kota-palopo")
    page = operator.get("/admin/tenants/new").get_data(as_text=True)
    options = re.findall(r'<option value="(\d\d\.\d\d)"', page)
    assert len(options) == 513  # the 514 of the decree, less Palopo
    assert "73.73" not in options and "64.71" in options
    assert "Sulawesi Selatan" in page


def test_creating_a_tenant_from_a_region(operator):
    response = form_post(operator, "/admin/tenants/new", {"region_code": "64.09", "slug": "", "timezone": ""})
    assert response.status_code == 302
    tenant = tenants.find_tenant_by_slug("kab-penajam-paser-utara")
    assert tenant.name == "Kabupaten Penajam Paser Utara"
    assert tenant.kind == "kabupaten" and tenant.province_name == "Kalimantan Timur"
    assert tenant.timezone == "Asia/Makassar" and tenant.status == "active"


def test_papua_gets_wit_and_java_gets_wib(operator):
    form_post(operator, "/admin/tenants/new", {"region_code": "91.71"})
    form_post(operator, "/admin/tenants/new", {"region_code": "32.73"})
    zones = {t.region_code: t.timezone_label for t in tenants.list_tenants(actor=_platform())}
    assert zones == {"91.71": "WIT", "32.73": "WIB"}


def _platform():
    from app.core.auth import SYSTEM

    return SYSTEM


def test_a_region_gets_one_tenant_and_bad_codes_name_the_field(operator):
    make_tenant("73.73", "kota-palopo")
    taken = form_post(operator, "/admin/tenants/new", {"region_code": "73.73", "slug": "palopo-2"})
    assert taken.status_code == 422 and "region_code" in taken.get_data(as_text=True)
    province = form_post(operator, "/admin/tenants/new", {"region_code": "73"})
    assert province.status_code == 422 and "region_code" in province.get_data(as_text=True)
    slug = form_post(operator, "/admin/tenants/new", {"region_code": "64.71", "slug": "Bad Slug!"})
    assert slug.status_code == 422 and "slug" in slug.get_data(as_text=True)


def test_suspending_shows_members_a_notice_and_keeps_their_data(operator, app):
    palopo = make_tenant("73.73", "kota-palopo")
    add_opd(palopo, "DISKOMINFO")
    response = form_post(operator, f"/admin/tenants/{palopo.tenant_id}/status", {"status": "suspended"})
    assert response.status_code == 302

    member = app.test_client()
    login(member, palopo.admin_email, PASSWORD)
    page = member.get("/t/kota-palopo/opds")
    assert page.status_code == 403
    assert "ditangguhkan" in page.get_data(as_text=True) or "suspended" in page.get_data(as_text=True)
    api = member.get("/api/v1/t/kota-palopo/opds", headers=palopo.headers())
    assert api.status_code == 403 and api.get_json()["code"] == "tenant_suspended"
    with tenant_context(palopo.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(Opd)) == 1

    form_post(operator, f"/admin/tenants/{palopo.tenant_id}/status", {"status": "active"})
    assert member.get("/t/kota-palopo/opds").status_code == 200


def test_inviting_the_first_admin_who_accepts_and_lands_in_the_tenant(operator, app, caplog):
    form_post(operator, "/admin/tenants/new", {"region_code": "64.71"})
    tenant = tenants.find_tenant_by_slug("kota-balikpapan")
    with caplog.at_level("WARNING", logger="kotacerdas.mail"):
        response = form_post(operator, f"/admin/tenants/{tenant.id}", {"email": "kadis@balikpapan.go.id"})
    assert response.status_code == 302
    link = re.search(r"http://\S+/t/kota-balikpapan/invitations/\S+", caplog.text).group(0)
    path = link.split("localhost", 1)[-1]

    newcomer = app.test_client()
    caplog.clear()
    with caplog.at_level("INFO", logger="kotacerdas.request"):
        form = newcomer.get(path)
    assert form.status_code == 200 and "kadis@balikpapan.go.id" in form.get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', form.get_data(as_text=True)).group(1)
    with caplog.at_level("INFO", logger="kotacerdas.request"):
        accepted = newcomer.post(
            path, data={"csrf_token": token, "name": "Kadis Kominfo", "password": "kuat-sekali-2026"}
        )
    # The link is a credential: the request log names the page, never the link's secret.
    assert path.rsplit("/", 1)[1] not in caplog.text
    assert caplog.text.count('"path": "/t/kota-balikpapan/invitations/<token>"') == 2
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/t/kota-balikpapan/"
    assert "Kadis Kominfo" in newcomer.get("/t/kota-balikpapan/members").get_data(as_text=True)
    # The link works once.
    assert newcomer.get(path).status_code == 404


def test_tenant_pages_are_not_for_a_platform_admin_who_is_not_a_member(operator):
    make_tenant("73.73", "kota-palopo")
    assert operator.get("/t/kota-palopo/opds").status_code == 404


def test_admin_pages_are_hidden_from_tenant_admins(app_ctx, client):
    palopo = make_tenant("73.73", "kota-palopo")
    login(client, palopo.admin_email, PASSWORD)
    assert client.get("/admin/tenants").status_code == 404

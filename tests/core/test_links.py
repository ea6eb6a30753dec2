"""Links a page builds are remembered by the process, and a remembered link is only ever the same link:
never one built for another tenant, another address the site is served under, or other values."""

from types import SimpleNamespace

from flask import g, url_for


def _link(app, endpoint: str, *, tenant: str | None = None, script_root: str = "", **values) -> str:
    """``url_for`` in a request to ``script_root`` inside ``tenant``, asked twice (the second answer is
    the remembered one, when there is one)."""
    with app.test_request_context("/", base_url=f"http://localhost{script_root}"):
        g.tenant = SimpleNamespace(slug=tenant) if tenant else None
        first = url_for(endpoint, **values)
        assert url_for(endpoint, **values) == first
        return first


def test_a_link_names_the_tenant_of_the_request_that_asks(app):
    assert _link(app, "tenants.members", tenant="kota-palopo") == "/t/kota-palopo/members"
    assert _link(app, "tenants.members", tenant="kota-balikpapan") == "/t/kota-balikpapan/members"
    assert _link(app, "tenants.members", tenant="kota-palopo") == "/t/kota-palopo/members"


def test_a_link_follows_the_address_the_site_is_served_under(app):
    assert (
        _link(app, "tenants.members", tenant="kota-palopo", script_root="/kc") == "/kc/t/kota-palopo/members"
    )
    assert _link(app, "tenants.members", tenant="kota-palopo") == "/t/kota-palopo/members"


def test_a_link_keeps_its_values_their_types_and_their_order(app):
    base = "/t/kota-palopo/opds"
    assert _link(app, "tenants.opds", tenant="kota-palopo", q="dinas", page=2) == f"{base}?q=dinas&page=2"
    assert _link(app, "tenants.opds", tenant="kota-palopo", page=2, q="dinas") == f"{base}?page=2&q=dinas"
    assert _link(app, "tenants.opds", tenant="kota-palopo", page=1) == f"{base}?page=1"
    assert _link(app, "tenants.opds", tenant="kota-palopo", page=True) == f"{base}?page=True"
    assert _link(app, "tenants.opds", tenant="kota-palopo", page=1.0) == f"{base}?page=1.0"


def test_external_links_and_anchors_are_built_as_flask_builds_them(app):
    with app.test_request_context("/", base_url="https://palopo.example"):
        g.tenant = SimpleNamespace(slug="kota-palopo")
        assert url_for("tenants.members", _external=True) == "https://palopo.example/t/kota-palopo/members"
        assert url_for("tenants.members", _anchor="invite") == "/t/kota-palopo/members#invite"
    with app.test_request_context("/", base_url="https://balikpapan.example"):
        g.tenant = SimpleNamespace(slug="kota-balikpapan")
        assert (
            url_for("tenants.members", _external=True)
            == "https://balikpapan.example/t/kota-balikpapan/members"
        )

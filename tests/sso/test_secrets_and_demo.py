"""No secret in any page, API response or log line; the demo points at a local provider with one command."""

import logging

from app.accounts import services as accounts
from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.demo import seed_demo
from app.sso import services
from app.sso.cli import sso_cli
from app.tenants import services as tenants
from tests.conftest import login
from tests.factories import PASSWORD
from tests.sso.conftest import logged_in, provider_settings, set_provider
from tests.support.idp import CLIENT_SECRET, Person

API = "/api/v1/t/kota-palopo/sso"


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_no_secret_appears_in_any_page_api_answer_or_log_line(palopo, app, client):
    capture, root = Capture(), logging.getLogger()
    loggers = [root] + [logging.getLogger(n) for n in ("kotacerdas.request", "kotacerdas.audit")]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.addHandler(capture)
        lg.setLevel(logging.INFO)
        lg.disabled = False
    bodies = []
    try:
        person = Person(client)
        bodies.append(person.sso_login(palopo.start_path, "palopo-disdik"))  # login and provisioning
        bodies.append(client.get("/t/kota-palopo/"))
        set_provider(palopo, client_id="kc-wrong-audience")
        bodies.append(Person(app.test_client()).sso_login(palopo.start_path, "palopo-disdik"))  # refusal
        admin = app.test_client()
        login(admin, palopo.setup.admin_email, PASSWORD)
        edit = f"/t/kota-palopo/sso/providers/{palopo.provider_id}/edit"
        bodies += [admin.get("/t/kota-palopo/sso/providers"), admin.get(edit)]
        headers = palopo.setup.headers()
        bodies += [
            client.get(f"{API}/providers", headers=headers),
            client.get(f"{API}/providers/{palopo.provider_id}", headers=headers),
            client.post(f"{API}/providers", json=provider_settings(palopo_issuer(palopo)), headers=headers),
        ]
    finally:
        for lg, level, disabled in saved:
            lg.removeHandler(capture)
            lg.setLevel(level)
            lg.disabled = disabled
    texts = [r.get_data(as_text=True) for r in bodies] + capture.lines
    assert any("sso.login" in line for line in capture.lines)
    assert any("sso.refused" in line for line in capture.lines)
    for text in texts:
        assert CLIENT_SECRET not in text
        assert "eyJ" not in text  # no ID or access token (JWTs)
        assert "code_verifier" not in text


def palopo_issuer(tenant):
    with tenant_context(tenant.setup.tenant_id):
        return services.get_provider(tenant.provider_id, actor=SYSTEM).issuer


def test_every_demo_tenant_has_a_provider_seeded_without_reaching_it(app_ctx):
    seed_demo()
    for slug in ("kota-palopo", "kota-balikpapan", "kab-penajam-paser-utara"):
        tenant = tenants.find_tenant_by_slug(slug)
        with tenant_context(tenant.id):
            (provider,) = services.enabled_providers(actor=SYSTEM)
        assert provider.issuer == "http://127.0.0.1:9000" and provider.opd_claim == "opd"
    assert len(services.enabled_ministry_providers(actor=SYSTEM)) == 1


def test_the_documented_command_points_the_demo_at_a_local_provider(app_ctx, app, client, idp):
    seed_demo()
    result = app.test_cli_runner().invoke(sso_cli, ["demo-provider", "--issuer", idp.issuer])
    assert result.exit_code == 0, result.output
    palopo = tenants.find_tenant_by_slug("kota-palopo")
    with tenant_context(palopo.id):
        (provider,) = services.enabled_providers(actor=SYSTEM)
    assert provider.issuer == idp.issuer
    # The demo operator of DISDIK logs in with SSO and lands in Palopo bound to DISDIK only.
    response = Person(client).sso_login(f"/t/kota-palopo/sso/{provider.id}/login", "palopo-disdik")
    assert response.headers["Location"] == "/t/kota-palopo/start"
    assert logged_in(client, "kota-palopo")
    user = accounts.find_user_by_email("operator.disdik@palopo.go.id")
    with tenant_context(palopo.id):
        actor = tenants.actor_for(user)
        opds = [o.code for o in tenants.list_opds(actor=SYSTEM) if o.id in actor.opd_ids]
    assert (actor.tenant_role, opds) == ("opd_operator", ["DISDIK"])


def test_the_command_refuses_an_unreachable_provider(app_ctx, app):
    seed_demo()
    result = app.test_cli_runner().invoke(sso_cli, ["demo-provider", "--issuer", "http://127.0.0.1:9"])
    assert result.exit_code != 0 and "cannot be reached" in result.output

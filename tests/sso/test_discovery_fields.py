"""A provider's discovery document cannot change the client's own settings: only the fields the flow
uses are kept, so a "client_id", "scope" or "code_challenge_method" in it neither overrides the settings
nor breaks the login."""

import json

from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.sso import flow, services
from tests.sso.conftest import set_provider
from tests.sso.test_outbound_guard import LocalServer


def _discovery_with_extras(real: dict):
    def answer(handler, server):
        document = {**real, "issuer": server.url, "client_id": "someone-else", "scope": "openid"}
        document["code_challenge_method"] = "plain"
        body = json.dumps(document).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def test_extra_discovery_fields_never_reach_the_client(palopo, idp):
    with tenant_context(palopo.setup.tenant_id):
        settings = services.client_settings(services.get_provider(palopo.provider_id, actor=SYSTEM))
    real = flow.client_for(settings)
    real.server_metadata = {}
    server = LocalServer(_discovery_with_extras(dict(real.load_server_metadata())))
    try:
        set_provider(palopo, issuer=server.url)
        with tenant_context(palopo.setup.tenant_id):
            settings = services.client_settings(services.get_provider(palopo.provider_id, actor=SYSTEM))
        client = flow.client_for(settings)
        client.server_metadata = {}
        metadata = client.load_server_metadata()
        assert {"client_id", "scope", "code_challenge_method"}.isdisjoint(metadata)
        session = client._get_oauth_client(**metadata)
        assert session.client_id == settings.client_id
        assert session.code_challenge_method == "S256"
        assert session.scope == settings.scopes
    finally:
        server.stop()

"""Every call the server makes to an OpenID provider passes the address guard at the moment of the call,
follows no redirect and gives up quickly: a provider cannot make the server reach its own network.

The servers here are real sockets on loopback. No public DNS or public address exists on a test machine,
so a name's answers are simulated by replacing socket.getaddrinfo in this process for the names the test
invents (every other name, and every IP literal, is resolved as usual); nothing else is replaced.
"""

import contextlib
import datetime
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.extensions import db
from app.sso import discovery, flow, outbound, services
from tests.factories import admin_actor
from tests.sso.conftest import counts, logged_in, provider_settings

API = "/api/v1/t/kota-palopo/sso"
# Stands for the provider's address on the internet at the time it was saved.
PUBLIC_ADDRESS = "93.184.215.14"
REBOUND_NAME = "sso.pemkot-palopo.example"


class LocalServer:
    """A real HTTP server on 127.0.0.1 that counts the connections it accepted. ``answer(handler)``
    answers each request; it may keep the connection waiting until the server stops."""

    def __init__(self, answer, tls: ssl.SSLContext | None = None):
        self.connections = 0
        self.stopped = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                answer(self, outer)

            do_POST = do_GET

            def log_message(self, *args):
                pass

            def handle(self):
                # The server under test hangs up on slow or oversized answers: not this server's fault.
                with contextlib.suppress(OSError):
                    super().handle()

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def process_request(self, request, client_address):
                outer.connections += 1
                super().process_request(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def servers():
    started = []

    def start(answer, tls=None) -> LocalServer:
        server = LocalServer(answer, tls)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def not_found(handler, _server):
    handler.send_response(404)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def answers_ok(handler, _server):
    body = json.dumps({"ok": True}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def never_answers(_handler, server):
    server.stopped.wait(30)


def drips(handler, server):
    """Headers at once, then one byte every 0.2 s: each wait is short, the whole answer never ends."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    deadline = time.monotonic() + 30
    while not server.stopped.is_set() and time.monotonic() < deadline:
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.2)


def drips_its_headers(handler, server):
    """The status line at once, then a header one byte every 0.2 s."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
    deadline = time.monotonic() + 30
    while not server.stopped.is_set() and time.monotonic() < deadline:
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.2)


def redirects_to(location: str):
    def answer(handler, _server):
        handler.send_response(302)
        handler.send_header("Location", location + handler.path)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def too_large(handler, _server):
    body = b'{"padding": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class Resolver:
    """What the names invented by a test resolve to: a list of answers, one per lookup, the last one
    repeated (a name whose answer changes over time, as in DNS rebinding)."""

    def __init__(self, monkeypatch):
        self.answers: dict[str, list[str]] = {}
        self.real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)

    def answer(self, name: str, *addresses: str) -> None:
        self.answers[name] = list(addresses)

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        answers = self.answers.get(host.decode() if isinstance(host, bytes) else host)
        if answers is None:
            return self.real(host, port, family, type, proto, flags)
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET, type or socket.SOCK_STREAM, proto or 6, "", (address, int(port or 0)))]


@pytest.fixture
def resolver(monkeypatch) -> Resolver:
    return Resolver(monkeypatch)


@pytest.fixture
def production(app, monkeypatch):
    """Local providers not allowed, as in production (tests/conftest.py allows them)."""
    monkeypatch.setitem(app.config, "SSO_ALLOW_LOCAL_ISSUERS", False)


def stored_provider(palopo, issuer: str) -> str:
    """A second provider of Kota Palopo, stored without reading its discovery document: the path the
    server can reach has changed since the provider was saved."""
    with tenant_context(palopo.setup.tenant_id):
        provider = services.create_provider(
            provider_settings(issuer, label="SSO Pemkot (baru)"), actor=admin_actor(palopo.setup), check=False
        )
        db.session.commit()
        return f"/t/{palopo.slug}/sso/{provider.id}/login"


def assert_refused(response, reason: str, before: dict, person, audit) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert f'data-refusal="{reason}"' in page
    assert counts() == before
    assert not logged_in(person.client, "kota-palopo")
    assert audit.refusals() == [reason]


# --- the address is checked when the server connects ----------------------------------------------


def test_a_name_that_now_resolves_to_a_local_address_is_refused_at_login(
    palopo, production, resolver, servers, person, audit
):
    """DNS rebinding: the provider's name answered a public address when it was saved, and answers
    127.0.0.1 (where something listens) when someone logs in."""
    listener = servers(not_found)
    issuer = f"https://{REBOUND_NAME}:{listener.port}"
    resolver.answer(REBOUND_NAME, PUBLIC_ADDRESS)
    assert discovery.local_address_problem(issuer) is None  # the check run when a provider is saved
    start_path = stored_provider(palopo, issuer)
    resolver.answer(REBOUND_NAME, "127.0.0.1")
    before = counts()

    response = person.start(start_path)

    assert_refused(response, "provider_invalid", before, person, audit)
    assert listener.connections == 0
    assert audit.events[-1]["details"]["refused_host"] == REBOUND_NAME


def test_a_name_that_changes_between_the_check_and_the_fetch_is_refused_at_save(
    palopo, production, resolver, servers, client
):
    """The save-time check resolves the name (a public answer), the fetch resolves it again (127.0.0.1):
    the fetch connects only to an address it checked itself."""
    listener = servers(not_found)
    resolver.answer(REBOUND_NAME, PUBLIC_ADDRESS, "127.0.0.1")
    settings = provider_settings(f"https://{REBOUND_NAME}:{listener.port}", label="SSO Pemkot (baru)")

    response = client.post(f"{API}/providers", json=settings, headers=palopo.setup.headers())

    assert response.status_code == 422
    message = " ".join(response.get_json()["errors"]["issuer"])
    assert f"{REBOUND_NAME} is a local or private address (127.0.0.1)" in message
    assert listener.connections == 0


def test_the_token_endpoint_is_checked_when_it_is_called(palopo, app, person, monkeypatch, audit):
    """The provider's discovery document names its token endpoint on 127.0.0.1. The login started while
    local providers were allowed; they are not any more when the provider sends the person back, and the
    token call is refused then, not judged by what was allowed earlier."""
    started = person.start(palopo.start_path)
    back = person.log_in_at_provider(started.headers["Location"], "palopo-disdik")
    monkeypatch.setitem(app.config, "SSO_ALLOW_LOCAL_ISSUERS", False)
    before = counts()

    response = person.back_to_app(back)

    assert_refused(response, "provider_invalid", before, person, audit)
    assert audit.events[-1]["details"]["refused_host"] == "127.0.0.1"


def test_key_set_userinfo_and_logout_calls_are_checked_when_made(palopo, app, monkeypatch):
    """The key set, userinfo and end-session metadata calls go through the same guard: refused for the
    provider's 127.0.0.1 endpoints once local providers are not allowed, made again once they are."""
    with tenant_context(palopo.setup.tenant_id):
        settings = services.client_settings(services.get_provider(palopo.provider_id, actor=SYSTEM))
    client = flow.client_for(settings)
    client.server_metadata = {}
    metadata = client.load_server_metadata()
    token = {"access_token": "not-a-real-token", "token_type": "Bearer"}

    monkeypatch.setitem(app.config, "SSO_ALLOW_LOCAL_ISSUERS", False)
    with pytest.raises(outbound.OutboundRefused) as refused:
        client.fetch_jwk_set(force=True)
    assert refused.value.host == "127.0.0.1"
    with pytest.raises(outbound.OutboundRefused):
        client.userinfo(token=token)
    client.server_metadata = {}
    assert flow.logout_url(settings, "http://localhost/") is None

    monkeypatch.setitem(app.config, "SSO_ALLOW_LOCAL_ISSUERS", True)
    assert client.fetch_jwk_set(force=True)["keys"]
    assert flow.logout_url(settings, "http://localhost/").startswith(metadata["end_session_endpoint"])


def certificate_for(name: str, directory) -> tuple[str, ssl.SSLContext]:
    """A self-signed certificate for ``name``: the CA file a client trusts, and the server's TLS context."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return str(cert_path), context


def test_tls_checks_the_name_while_connecting_to_the_checked_address(resolver, servers, tmp_path):
    """The connection goes to the address resolved once, and TLS still sends the provider's name (SNI) and
    checks the certificate against it."""
    ca_file, context = certificate_for(REBOUND_NAME, tmp_path)
    server = servers(answers_ok, tls=context)
    resolver.answer(REBOUND_NAME, "127.0.0.1")
    resolver.answer("other.pemkot-palopo.example", "127.0.0.1")
    with outbound.session(allow_local=True) as http:
        http.verify = ca_file
        assert http.get(f"https://{REBOUND_NAME}:{server.port}/").json() == {"ok": True}
        with pytest.raises(requests.exceptions.SSLError):
            http.get(f"https://other.pemkot-palopo.example:{server.port}/")
    connections = server.connections
    with outbound.session(allow_local=False) as http, pytest.raises(outbound.OutboundRefused):
        http.verify = ca_file
        http.get(f"https://{REBOUND_NAME}:{server.port}/")
    assert server.connections == connections


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fd00::2", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
    ],
)
def test_what_counts_as_a_public_address(address, public):
    assert outbound.is_public(address) is public


# --- no redirect, a short time limit, a size limit ----------------------------------------------
# These hold whether local providers are allowed or not; the servers answer on loopback, so local
# providers stay allowed here and only the redirect, the time or the size is judged.


def test_a_redirect_is_not_followed_at_login(palopo, servers, person, audit):
    inside = servers(not_found)
    provider = servers(redirects_to(inside.url))
    start_path = stored_provider(palopo, provider.url)
    before = counts()

    response = person.start(start_path)

    assert_refused(response, "provider_invalid", before, person, audit)
    assert provider.connections == 1
    assert inside.connections == 0


def test_a_redirect_is_not_followed_at_save(palopo, servers, client):
    inside = servers(not_found)
    provider = servers(redirects_to(inside.url))
    settings = provider_settings(provider.url, label="SSO Pemkot (baru)")

    response = client.post(f"{API}/providers", json=settings, headers=palopo.setup.headers())

    assert response.status_code == 422
    assert "redirect, which is not followed" in " ".join(response.get_json()["errors"]["issuer"])
    assert inside.connections == 0


@pytest.mark.parametrize(
    "answer", [never_answers, drips_its_headers, drips], ids=["never-answers", "drips-headers", "drips-body"]
)
def test_a_provider_that_does_not_answer_in_time_fails_the_login_quickly(
    palopo, servers, person, audit, answer
):
    provider = servers(answer)
    start_path = stored_provider(palopo, provider.url)
    before = counts()

    began = time.monotonic()
    response = person.start(start_path)
    elapsed = time.monotonic() - began

    assert_refused(response, "provider_down", before, person, audit)
    assert elapsed < 2 * outbound.TIMEOUT_SECONDS, elapsed


def test_an_oversized_answer_is_refused(palopo, servers, client):
    provider = servers(too_large)
    settings = provider_settings(provider.url, label="SSO Pemkot (baru)")

    response = client.post(f"{API}/providers", json=settings, headers=palopo.setup.headers())

    assert response.status_code == 422
    assert "answer is larger than 1024 kB" in " ".join(response.get_json()["errors"]["issuer"])


def test_the_real_provider_still_works_through_the_guard(palopo, person):
    response = person.sso_login(palopo.start_path, "palopo-disdik")
    assert response.status_code == 302
    assert logged_in(person.client, "kota-palopo")

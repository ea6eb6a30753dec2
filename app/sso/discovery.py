"""Reading an OpenID provider's discovery document, with short timeouts and clear reasons when it fails.

A tenant admin types the issuer URL, and the server then fetches it: unless local issuers are allowed
(SSO_ALLOW_LOCAL_ISSUERS, for development and tests), an issuer or endpoint whose host resolves to a
loopback, private, link-local or otherwise non-public address is refused when the provider is saved, so
the setting cannot be used to probe the platform's own network. The fetch itself, like every later call
to the provider, goes through ``app.sso.outbound``, which checks the address again when it connects.
"""

import socket
from urllib.parse import urlsplit

import requests
from flask_babel import lazy_gettext as _l

from app.sso import outbound
from app.sso.outbound import TIMEOUT_SECONDS

REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
# Endpoints the server itself calls (the browser is sent to the authorization and logout endpoints).
SERVER_CALLED_ENDPOINTS = ("token_endpoint", "jwks_uri", "userinfo_endpoint")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class DiscoveryFailed(Exception):
    """The provider could not be reached or its discovery document is not usable; ``reason`` (a lazy
    message) says why."""

    @property
    def reason(self):
        return self.args[0]


def normalize_issuer(issuer: str) -> str:
    return (issuer or "").strip().rstrip("/")


def issuer_problem(issuer: str):
    """Why ``issuer`` cannot be an issuer URL (a lazy message), or None. Plain http is accepted on
    loopback only."""
    parts = urlsplit(issuer)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _l("must be an https:// URL")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return _l("must use https:// (plain http only for a provider on this machine)")
    if parts.query or parts.fragment:
        return _l("must not carry a query or fragment")
    return None


def discovery_url(issuer: str) -> str:
    return normalize_issuer(issuer) + "/.well-known/openid-configuration"


def local_address_problem(url: str):
    """Why the server must not call ``url`` (a lazy message): its host resolves to an address that is
    not public."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname or "", port, proto=socket.IPPROTO_TCP)
    except (ValueError, OSError):
        return _l("the host %(host)s cannot be resolved", host=repr(parts.hostname))
    for *_rest, address in found:
        if problem := outbound.address_problem(parts.hostname, address[0]):
            return problem
    return None


def fetch_metadata(issuer: str, *, allow_local: bool = False) -> dict:
    """The provider's discovery document, checked to serve the authorization code flow with PKCE."""
    issuer = normalize_issuer(issuer)
    if not allow_local and (problem := local_address_problem(issuer)):
        raise DiscoveryFailed(problem)
    try:
        with outbound.session(allow_local=allow_local) as http:
            response = http.get(discovery_url(issuer))
    except outbound.OutboundRefused as error:
        raise DiscoveryFailed(error.reason) from error
    except requests.Timeout as error:
        raise DiscoveryFailed(
            _l("the provider did not answer within %(count)d seconds", count=TIMEOUT_SECONDS)
        ) from error
    except requests.RequestException as error:
        raise DiscoveryFailed(_l("the provider cannot be reached")) from error
    if response.status_code != 200:
        raise DiscoveryFailed(
            _l("the discovery document answered HTTP %(status)d", status=response.status_code)
        )
    try:
        metadata = response.json()
    except ValueError as error:
        raise DiscoveryFailed(_l("the discovery document is not JSON")) from error
    _check(metadata, issuer)
    if not allow_local and (problem := local_endpoint_problem(metadata)):
        raise DiscoveryFailed(problem)
    return metadata


def local_endpoint_problem(metadata: dict):
    """Why the server must not call one of the endpoints the discovery document names."""
    for name in SERVER_CALLED_ENDPOINTS:
        if metadata.get(name) and (problem := local_address_problem(str(metadata[name]))):
            return _l("its %(endpoint)s: %(problem)s", endpoint=name, problem=problem)
    return None


def _check(metadata, issuer: str) -> None:
    if not isinstance(metadata, dict):
        raise DiscoveryFailed(_l("the discovery document is not a JSON object"))
    if normalize_issuer(str(metadata.get("issuer", ""))) != issuer:
        raise DiscoveryFailed(
            _l(
                "the provider calls itself %(found)s, not %(issuer)s",
                found=repr(metadata.get("issuer")),
                issuer=repr(issuer),
            )
        )
    missing = [name for name in REQUIRED_ENDPOINTS if not metadata.get(name)]
    if missing:
        raise DiscoveryFailed(_l("the discovery document lacks %(endpoints)s", endpoints=", ".join(missing)))
    if "code" not in metadata.get("response_types_supported", ["code"]):
        raise DiscoveryFailed(_l("the provider does not offer the authorization code flow"))
    methods = metadata.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise DiscoveryFailed(_l("the provider does not offer PKCE with S256"))

"""Reading an OpenID provider's discovery document, with short timeouts and clear reasons when it fails.

A tenant admin types the issuer URL, and the server then fetches it: unless local issuers are allowed
(SSO_ALLOW_LOCAL_ISSUERS, for development and tests), an issuer or endpoint whose host resolves to a
loopback, private, link-local or otherwise non-public address is refused before any request is sent, so
the setting cannot be used to probe the platform's own network.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests

TIMEOUT_SECONDS = 5
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
# Endpoints the server itself calls (the browser is sent to the authorization and logout endpoints).
SERVER_CALLED_ENDPOINTS = ("token_endpoint", "jwks_uri", "userinfo_endpoint")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class DiscoveryFailed(Exception):
    """The provider could not be reached or its discovery document is not usable; ``str()`` says why."""


def normalize_issuer(issuer: str) -> str:
    return (issuer or "").strip().rstrip("/")


def issuer_problem(issuer: str) -> str | None:
    """Why ``issuer`` cannot be an issuer URL, or None. Plain http is accepted on loopback only."""
    parts = urlsplit(issuer)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "must be an https:// URL"
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return "must use https:// (plain http only for a provider on this machine)"
    if parts.query or parts.fragment:
        return "must not carry a query or fragment"
    return None


def discovery_url(issuer: str) -> str:
    return normalize_issuer(issuer) + "/.well-known/openid-configuration"


def local_address_problem(url: str) -> str | None:
    """Why the server must not call ``url``: its host resolves to an address that is not public."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname or "", port, proto=socket.IPPROTO_TCP)
    except (ValueError, OSError):
        return f"the host {parts.hostname!r} cannot be resolved"
    for *_rest, address in found:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if not ip.is_global:
            return f"{parts.hostname} is a local or private address ({ip}): only public providers are allowed"
    return None


def fetch_metadata(issuer: str, *, allow_local: bool = False) -> dict:
    """The provider's discovery document, checked to serve the authorization code flow with PKCE."""
    issuer = normalize_issuer(issuer)
    if not allow_local and (problem := local_address_problem(issuer)):
        raise DiscoveryFailed(problem)
    try:
        response = requests.get(discovery_url(issuer), timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.Timeout as error:
        raise DiscoveryFailed("the provider did not answer within 5 seconds") from error
    except requests.RequestException as error:
        raise DiscoveryFailed("the provider cannot be reached") from error
    if response.status_code != 200:
        raise DiscoveryFailed(f"the discovery document answered HTTP {response.status_code}")
    try:
        metadata = response.json()
    except ValueError as error:
        raise DiscoveryFailed("the discovery document is not JSON") from error
    _check(metadata, issuer)
    if not allow_local and (problem := local_endpoint_problem(metadata)):
        raise DiscoveryFailed(problem)
    return metadata


def local_endpoint_problem(metadata: dict) -> str | None:
    """Why the server must not call one of the endpoints the discovery document names."""
    for name in SERVER_CALLED_ENDPOINTS:
        if metadata.get(name) and (problem := local_address_problem(str(metadata[name]))):
            return f"its {name}: {problem}"
    return None


def _check(metadata, issuer: str) -> None:
    if not isinstance(metadata, dict):
        raise DiscoveryFailed("the discovery document is not a JSON object")
    if normalize_issuer(str(metadata.get("issuer", ""))) != issuer:
        raise DiscoveryFailed(f"the provider calls itself {metadata.get('issuer')!r}, not {issuer!r}")
    missing = [name for name in REQUIRED_ENDPOINTS if not metadata.get(name)]
    if missing:
        raise DiscoveryFailed("the discovery document lacks " + ", ".join(missing))
    if "code" not in metadata.get("response_types_supported", ["code"]):
        raise DiscoveryFailed("the provider does not offer the authorization code flow")
    methods = metadata.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise DiscoveryFailed("the provider does not offer PKCE with S256")

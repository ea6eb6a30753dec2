"""Reading an OpenID provider's discovery document, with short timeouts and clear reasons when it fails."""

from urllib.parse import urlsplit

import requests

TIMEOUT_SECONDS = 5
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
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


def fetch_metadata(issuer: str) -> dict:
    """The provider's discovery document, checked to serve the authorization code flow with PKCE."""
    issuer = normalize_issuer(issuer)
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
    return metadata


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

"""The OpenID Connect authorization code flow with PKCE (S256), one Authlib client per provider.

Clients are built from the stored settings and rebuilt when they change (no restart). Every login start
reads the discovery document afresh, so a provider that is down is found before the person is sent
there, and rotated keys are picked up. The callback checks state (Authlib, against the session), the
RFC 9207 ``iss`` parameter, and the ID token's signature, issuer, audience, expiry and nonce; any failure
becomes an ``SsoRefused`` with a reason the page explains.

Every call Authlib makes to the provider (discovery, token, key set, userinfo) goes through the guarded
session of ``app.sso.outbound``: a call it refuses (a local address, a redirect, an oversized answer)
refuses the login as "provider_invalid", a provider that does not answer in time as "provider_down".
"""

import threading

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app, request, session
from joserfc import errors as jose

from app.sso import outbound
from app.sso.discovery import discovery_url, normalize_issuer
from app.sso.services import NO_LOGIN_STARTED, Claims, ClientSettings, SsoRefused

# Clock difference tolerated on exp/iat, in seconds.
LEEWAY_SECONDS = 60
# An OAuth error the person caused at the provider (cancel, no consent) rather than a fault.
CANCELLED_ERRORS = {"access_denied", "consent_required", "login_required", "interaction_required"}
CLAIM_REASONS = {"iss": "issuer", "aud": "audience", "azp": "audience", "nonce": "nonce"}

_clients: dict[str, tuple[tuple, FlaskOAuth2App]] = {}
_lock = threading.Lock()


class ProviderSession(OAuth2Session):
    """The HTTP session Authlib opens for each call to a provider, guarded. Whether local providers are
    allowed is read when the call is made, so changing the setting needs no restart."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        outbound.guard(self, allow_local=current_app.config["SSO_ALLOW_LOCAL_ISSUERS"])


# The discovery document's fields the flow uses. Authlib hands the whole document to the HTTP session
# as keyword arguments, so any other field (a "client_id", "scope" or "code_challenge_method" of the
# provider's choosing) would override the client's own settings or fail the login with an error.
DISCOVERY_FIELDS = frozenset(
    {
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "end_session_endpoint",
        "scopes_supported",
        "response_types_supported",
        "grant_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "token_endpoint_auth_methods_supported",
        "code_challenge_methods_supported",
        "claims_supported",
        "authorization_response_iss_parameter_supported",
        "_loaded_at",
    }
)


class ProviderClient(FlaskOAuth2App):
    client_cls = ProviderSession

    def load_server_metadata(self):
        metadata = super().load_server_metadata()
        for name in set(metadata) - DISCOVERY_FIELDS:
            del metadata[name]
        return metadata


def client_for(settings: ClientSettings) -> FlaskOAuth2App:
    """The provider's OAuth client, rebuilt when its settings changed since it was made."""
    with _lock:
        cached = _clients.get(settings.name)
        if cached is not None and cached[0] == settings.fingerprint:
            return cached[1]
        client = ProviderClient(
            FlaskIntegration(settings.name),
            settings.name,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            server_metadata_url=discovery_url(settings.issuer),
            client_kwargs={"scope": settings.scopes, "code_challenge_method": "S256"},
        )
        _clients[settings.name] = (settings.fingerprint, client)
        return client


def _refused_call(error: outbound.OutboundRefused) -> SsoRefused:
    return SsoRefused("provider_invalid", status=503, details={"refused_host": str(error.host)[:255]})


def _fresh_metadata(client: FlaskOAuth2App, settings: ClientSettings) -> dict:
    client.server_metadata = {}
    try:
        metadata = client.load_server_metadata()
    except outbound.OutboundRefused as error:
        raise _refused_call(error) from error
    except (requests.RequestException, ValueError) as error:
        raise SsoRefused("provider_down", status=503) from error
    if normalize_issuer(str(metadata.get("issuer", ""))) != settings.issuer:
        raise SsoRefused("provider_invalid", status=503)
    return metadata


def start(settings: ClientSettings, redirect_uri: str):
    """Send the person to the provider: state, nonce and the PKCE verifier stay in their session."""
    client = client_for(settings)
    _fresh_metadata(client, settings)
    return client.authorize_redirect(redirect_uri)


def finish(settings: ClientSettings) -> Claims:
    """Check the provider's answer and return what the validated ID token says about the person."""
    client = client_for(settings)
    args = request.args
    if not args.get("state") or client.framework.get_state_data(session, args["state"]) is None:
        # No login was started in this browser: an anonymous request, answered without an audit row.
        raise SsoRefused(NO_LOGIN_STARTED, status=400)
    if "error" in args:
        client.framework.clear_state_data(session, args.get("state"))
        reason = "cancelled" if args["error"] in CANCELLED_ERRORS else "provider_error"
        raise SsoRefused(reason, status=401, details={"error": args["error"][:80]})
    if not args.get("code") or not args.get("state"):
        raise SsoRefused("state", status=400)
    if "iss" in args and normalize_issuer(args["iss"]) != settings.issuer:
        # RFC 9207: the answer comes from another provider than the one the person was sent to.
        raise SsoRefused("issuer", status=401)
    if "_loaded_at" not in client.server_metadata:
        _fresh_metadata(client, settings)
    token = _exchange(client, settings)
    claims = dict(token["userinfo"])
    if not claims.get("email") and client.server_metadata.get("userinfo_endpoint"):
        claims = _with_userinfo(client, token, claims)
    return Claims.from_token(settings.issuer, claims)


def _exchange(client: FlaskOAuth2App, settings: ClientSettings) -> dict:
    options = {
        "iss": {"essential": True, "value": client.server_metadata["issuer"]},
        "aud": {"essential": True, "value": settings.client_id},
    }
    try:
        token = client.authorize_access_token(claims_options=options, leeway=LEEWAY_SECONDS)
    except MismatchingStateError as error:
        raise SsoRefused("state", status=400) from error
    except OAuthError as error:
        raise SsoRefused("token_exchange", status=401, details={"error": str(error.error)[:80]}) from error
    except outbound.OutboundRefused as error:
        raise _refused_call(error) from error
    except requests.RequestException as error:
        raise SsoRefused("provider_down", status=503) from error
    except jose.ExpiredTokenError as error:
        raise SsoRefused("expired", status=401) from error
    except jose.ClaimError as error:
        reason = CLAIM_REASONS.get(error.claim, "token_invalid")
        raise SsoRefused(reason, status=401, details={"claim": error.claim}) from error
    except (jose.BadSignatureError, jose.InvalidKeyIdError, jose.DecodeError) as error:
        raise SsoRefused("signature", status=401) from error
    except jose.JoseError as error:
        raise SsoRefused("token_invalid", status=401) from error
    if not token.get("userinfo") or not token["userinfo"].get("sub"):
        raise SsoRefused("token_invalid", status=401)
    return token


def _with_userinfo(client: FlaskOAuth2App, token: dict, claims: dict) -> dict:
    """Some providers keep email and custom claims out of the ID token: ask the userinfo endpoint."""
    try:
        extra = dict(client.userinfo(token=token))
    except outbound.OutboundRefused as error:
        raise _refused_call(error) from error
    except (requests.RequestException, ValueError, OAuthError):
        return claims
    # The userinfo answer counts only for the same subject (OIDC Core 5.3.2).
    return {**extra, **claims} if extra.get("sub") == claims["sub"] else claims


def logout_url(settings: ClientSettings, post_logout_redirect_uri: str) -> str | None:
    """The provider's RP-initiated logout URL, or None when it offers none or cannot be reached (or the
    guard refuses to call it)."""
    client = client_for(settings)
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return client.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, client_id=settings.client_id
    )["url"]

"""Who is calling: a server-side session for pages, a bearer token for the API.

The session cookie (signed by Flask) carries a random secret; the login it names is a ``UserSession``
row, so the server ends a session by ending the row, and a copied cookie stops working at once.
"""

import uuid

from flask import after_this_request, current_app, g, request, session

from app.accounts import services
from app.accounts.models import User, UserSession
from app.extensions import db

SESSION_SECRET_KEY = "sid"
# The tenant whose sign-in service this browser used last: the login page offers it first. Not a
# secret (a tenant id), kept a year, and outside the session so logging out does not forget it.
LAST_SSO_COOKIE = "kc_last_sso"
LAST_SSO_MAX_AGE = 365 * 24 * 3600


def login_user(
    user: User,
    *,
    via: str = services.VIA_PASSWORD,
    scope_tenant_id: uuid.UUID | None = None,
    provider_id: uuid.UUID | None = None,
) -> UserSession:
    """Open a session for ``user`` in this browser and commit it. A login through a provider passes
    the tenant it opens (``scope_tenant_id``) or ``via=VIA_MINISTRY_SSO``."""
    # The user's saved language wins; without one, the language chosen before logging in stays.
    locale = user.locale or session.get("locale")
    _end_current("replaced")
    session.clear()
    login, secret = services.open_session(
        user.id,
        via=via,
        lifetime=current_app.permanent_session_lifetime,
        scope_tenant_id=scope_tenant_id,
        provider_id=provider_id,
        remote_addr=request.remote_addr,
        user_agent=request.user_agent.string,
    )
    db.session.commit()
    session[SESSION_SECRET_KEY] = secret
    session.permanent = True
    if locale:
        session["locale"] = locale
    g.login, g.user = login, user
    if via == services.VIA_SSO and scope_tenant_id is not None:
        _remember_sso_tenant(scope_tenant_id)
    return login


def _remember_sso_tenant(tenant_id: uuid.UUID) -> None:
    @after_this_request
    def remember(response):
        response.set_cookie(
            LAST_SSO_COOKIE,
            str(tenant_id),
            max_age=LAST_SSO_MAX_AGE,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
        return response


def last_sso_tenant_id() -> uuid.UUID | None:
    """The tenant whose sign-in service this browser used last, if it says one."""
    try:
        return uuid.UUID(request.cookies.get(LAST_SSO_COOKIE) or "")
    except ValueError:
        return None


def _end_current(reason: str) -> None:
    login = g.get("login")
    if login is not None:
        services.end_session(login, reason)
        db.session.commit()


def logout_user() -> None:
    """End this browser's session on the server and forget it here."""
    _end_current("logged_out")
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    g.login = None


def _keep_last_use() -> None:
    """A session's or token's last use, when due (the services set it last, unflushed), is committed
    at once: the request itself may only read, and its transaction would be rolled back."""
    if db.session.dirty:
        db.session.commit()


def _load_session() -> tuple[UserSession, User] | None:
    secret = session.get(SESSION_SECRET_KEY)
    found = services.live_session(secret) if isinstance(secret, str) and secret else None
    if found is None and secret:
        session.pop(SESSION_SECRET_KEY, None)
    _keep_last_use()
    return found


def opens_tenant(login: UserSession, tenant_id: uuid.UUID) -> bool:
    """A provider's login opens only the tenant (or the ministry area) whose provider vouched for it."""
    if login.via == services.VIA_MINISTRY_SSO:
        return False
    return login.scope_tenant_id is None or login.scope_tenant_id == tenant_id


def opens_platform(login: UserSession) -> bool:
    """Platform and ministry roles act only in a session opened by password or by the ministry's
    provider, never in one a tenant's provider opened."""
    return login.scope_tenant_id is None


def session_user(tenant_id: uuid.UUID | None = None) -> User | None:
    """The logged-in user, for the tenant being asked for (``None``: outside tenants). A session that
    another tenant's provider (or the ministry's) opened counts as no session here: that tenant's own
    login is asked for."""
    found = _load_session()
    g.login = found[0] if found else None
    if found is None:
        return None
    login, user = found
    if tenant_id is not None and not opens_tenant(login, tenant_id):
        return None
    return user


def current_login() -> UserSession | None:
    """The session of this request, if any (set when the request was resolved)."""
    return g.get("login")


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def api_user(scope_tenant_id: uuid.UUID | None) -> User | None:
    secret = bearer_secret()
    user = services.user_for_token(secret, scope_tenant_id) if secret else None
    _keep_last_use()
    return user


def current_user() -> User | None:
    return g.get("user")


def bearer_token_elsewhere() -> bool:
    """The request carries a live token, bound to some other scope than the one asked for."""
    secret = bearer_secret()
    return bool(secret) and services.live_token(secret) is not None

"""Who is calling: a session cookie for pages, a bearer token for the API."""

import uuid

from flask import g, request, session

from app.accounts import services
from app.accounts.models import User
from app.extensions import db

SESSION_USER_KEY = "uid"


def login_user(user: User) -> None:
    # The user's saved language wins; without one, the language chosen before logging in stays.
    locale = user.locale or session.get("locale")
    session.clear()
    session[SESSION_USER_KEY] = str(user.id)
    session.permanent = True
    if locale:
        session["locale"] = locale


def logout_user() -> None:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def session_user() -> User | None:
    raw = session.get(SESSION_USER_KEY)
    if not raw:
        return None
    try:
        user = db.session.get(User, uuid.UUID(raw))
    except ValueError:
        return None
    return user if user is not None and user.is_active else None


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def api_user(scope_tenant_id: uuid.UUID | None) -> User | None:
    secret = bearer_secret()
    return services.user_for_token(secret, scope_tenant_id) if secret else None


def current_user() -> User | None:
    return g.get("user")


def bearer_token_elsewhere() -> bool:
    """The request carries a live token, bound to some other scope than the one asked for."""
    secret = bearer_secret()
    return bool(secret) and services.live_token(secret) is not None

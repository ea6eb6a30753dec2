"""Users, passwords, local login with throttled failures, and API tokens."""

import hashlib
import secrets
import uuid
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select, update

from app.accounts import policy, throttle
from app.accounts.models import ApiToken, User, UserSession
from app.core import metrics
from app.core.auth import PLATFORM_ROLES, Actor
from app.core.db import as_utc, utcnow
from app.core.errors import Conflict, DomainError, ValidationFailed
from app.core.reach import found
from app.extensions import db

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a login takes as long whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not-a-password")
TOKEN_PREFIX = "kc_"
TOKEN_USE_STEP = timedelta(minutes=1)
MIN_PASSWORD_LENGTH = 10


class LoginRefused(DomainError):
    status = 401
    code = "login_refused"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.field(
            "password", _l("at least %(count)d characters", count=MIN_PASSWORD_LENGTH)
        )
    return _hasher.hash(password)


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ValidationFailed.field("email", _l("not a valid email address"))
    return email


def get_user(user_id: uuid.UUID, *, actor: Actor) -> User:
    user = found(find_user(user_id))
    policy.require(actor, "user.read", user)
    return user


def find_user(user_id: uuid.UUID | None) -> User | None:
    """The account with this id, for the plumbing that builds an actor (the job runner) or writes to a
    person (job notices); services and pages read an account with ``get_user``."""
    return db.session.get(User, user_id) if user_id is not None else None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(email: str, name: str, password: str | None = None, platform_role: str | None = None) -> User:
    email = normalize_email(email)
    if platform_role is not None and platform_role not in PLATFORM_ROLES:
        raise ValidationFailed.field("platform_role", _l("unknown role"))
    if find_user_by_email(email):
        raise Conflict(_l("a user with this email exists"), {"email": [_l("already registered")]})
    user = User(
        email=email,
        name=(name or email.split("@")[0]).strip(),
        password_hash=_hash_password(password) if password else None,
        platform_role=platform_role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(password: str, *, actor: Actor, keep: uuid.UUID | None = None) -> None:
    """Set a new password for the actor's account; every session of it but ``keep`` ends (a copied
    cookie stops)."""
    user = _own_account(actor)
    user.password_hash = _hash_password(password)
    end_sessions([user.id], "password_changed", actor=actor, keep=keep)


def set_locale(locale: str, *, actor: Actor) -> None:
    """Remember the language the actor chose, for their pages, mail and jobs."""
    _own_account(actor).locale = locale


def _own_account(actor: Actor) -> User:
    user = found(find_user(actor.user_id))
    policy.require(actor, "account.update", user)
    return user


def authenticate(email: str, password: str, *, client_address: str | None) -> User:
    """Check a local login. Every refusal says the same thing, so it never tells which part was wrong;
    too many failures for this email from this address, or from this address at all, are refused before
    the password is looked at (``TooManyAttempts`` says when to try again)."""
    email = (email or "").strip().lower()
    wait = throttle.admit(email, client_address)
    if wait:
        metrics.failed_login("throttled")
        raise TooManyAttempts("too many failed attempts; try again later", retry_after=wait)
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password or "")
        ok = user is not None and user.password_hash is not None and user.is_active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        throttle.failed(client_address)
        metrics.failed_login("wrong_credentials")
        raise LoginRefused("email or password is wrong")
    throttle.succeeded(email, client_address)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(name: str, scope_tenant_id: uuid.UUID | None, *, actor: Actor) -> tuple[ApiToken, str]:
    """Create a token of the actor's own, for one tenant (``scope_tenant_id``) or, for a platform role,
    the platform; return it with its secret, which is shown once and never stored."""
    policy.require(actor, "token.create" if scope_tenant_id else "token.create_platform")
    user_id = actor.user_id
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.field("name", _l("required"))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user_id,
        scope_tenant_id=scope_tenant_id,
        name=name[:80],
        prefix=secret[:10],
        token_hash=_token_hash(secret),
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def list_api_tokens(*, actor: Actor) -> list[ApiToken]:
    """The actor's own tokens that are not revoked."""
    policy.require(actor, "token.list")
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == actor.user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id)
        )
    )


def revoke_api_token(token_id: uuid.UUID, *, actor: Actor) -> None:
    token = found(db.session.get(ApiToken, token_id))
    policy.require(actor, "token.revoke", token)
    token.revoked_at = utcnow()


@cache
def _token_with_user():
    # Built once: every API request reads its token.
    return (
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == bindparam("h"))
    )


def _live_token_with_user(secret: str) -> tuple[ApiToken, User] | None:
    """The unrevoked token with this secret and its active user, read together in one query."""
    row = db.session.execute(_token_with_user(), {"h": _token_hash(secret)}).first()
    if row is None:
        return None
    token, user = row
    return (token, user) if token.revoked_at is None and user.is_active else None


def live_token(secret: str) -> ApiToken | None:
    """The unrevoked token with this secret whose user is active."""
    pair = _live_token_with_user(secret)
    return pair[0] if pair else None


def user_for_token(secret: str, scope_tenant_id: uuid.UUID | None) -> User | None:
    """The active user behind a bearer token, if the token is live and bound to this scope."""
    pair = _live_token_with_user(secret)
    if pair is None or pair[0].scope_tenant_id != scope_tenant_id:
        return None
    token, user = pair
    now = utcnow()
    # Reads stay reads: the token's last use is written at most once a minute (the caller commits it).
    if token.last_used_at is None or now - as_utc(token.last_used_at) >= TOKEN_USE_STEP:
        token.last_used_at = now
    return user


# --- sessions: one row per login, which the server can end ------------------------------------

# How a session was opened. Only a password (or an accepted invitation) opens every area of the user;
# a provider's login opens its own tenant (``sso``) or the ministry area (``ministry_sso``) only.
VIA_PASSWORD, VIA_INVITATION, VIA_SSO, VIA_MINISTRY_SSO = "password", "invitation", "sso", "ministry_sso"
# last_seen_at is refreshed at most this often, so a page view rarely writes.
LAST_SEEN_STEP = timedelta(minutes=5)


def open_session(
    user_id: uuid.UUID,
    *,
    via: str,
    lifetime: timedelta,
    scope_tenant_id: uuid.UUID | None = None,
    provider_id: uuid.UUID | None = None,
    remote_addr: str | None = None,
    user_agent: str | None = None,
) -> tuple[UserSession, str]:
    """Record a login and return it with the secret the browser keeps (only its hash is stored)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    login = UserSession(
        user_id=user_id,
        token_hash=_token_hash(secret),
        via=via,
        scope_tenant_id=scope_tenant_id,
        provider_id=provider_id,
        remote_addr=(remote_addr or "")[:45] or None,
        user_agent=(user_agent or "")[:200] or None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(login)
    db.session.flush()
    return login, secret


@cache
def _session_with_user():
    # Built once: every page request reads its session.
    return (
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("h"))
    )


def live_session(secret: str) -> tuple[UserSession, User] | None:
    """The session this secret opens, with its user: not ended, not expired, the user active."""
    row = db.session.execute(_session_with_user(), {"h": _token_hash(secret)}).first()
    if row is None:
        return None
    login, user = row
    now = utcnow()
    if login.ended_at is not None or as_utc(login.expires_at) <= now or not user.is_active:
        return None
    if now - as_utc(login.last_seen_at) >= LAST_SEEN_STEP:
        login.last_seen_at = now
    return login, user


def end_session(login: UserSession, reason: str) -> None:
    if login.ended_at is None:
        login.ended_at = utcnow()
        login.end_reason = reason


def end_sessions(user_ids, reason: str, *, actor: Actor, keep: uuid.UUID | None = None) -> int:
    """End every open session of these users (but ``keep``): the browsers holding them are logged out
    at their next request. Returns how many were ended."""
    user_ids = list(user_ids)
    policy.require(actor, "session.end_all", user_ids)
    where = [UserSession.user_id.in_(list(user_ids)), UserSession.ended_at.is_(None)]
    if keep is not None:
        where.append(UserSession.id != keep)
    result = db.session.execute(
        update(UserSession).where(*where).values(ended_at=utcnow(), end_reason=reason),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def purge_sessions(older_than: timedelta, *, actor: Actor) -> tuple[int, int]:
    """Nightly clean-up: end the sessions past their expiry (as of when they expired), then delete the
    sessions that ended more than ``older_than`` ago. Returns (ended, deleted)."""
    policy.require(actor, "session.purge")
    now = utcnow()
    ended = db.session.execute(
        update(UserSession)
        .where(UserSession.ended_at.is_(None), UserSession.expires_at <= now)
        .values(ended_at=UserSession.expires_at, end_reason="expired"),
        execution_options={"synchronize_session": False},
    ).rowcount
    deleted = db.session.execute(
        delete(UserSession).where(UserSession.ended_at < now - older_than),
        execution_options={"synchronize_session": False},
    ).rowcount
    return ended, deleted


def active_sessions(*, actor: Actor) -> list[UserSession]:
    """The actor's open sessions, newest first: where they are logged in now."""
    policy.require(actor, "session.list")
    user_id = actor.user_id
    now = utcnow()
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user_id,
                UserSession.ended_at.is_(None),
                UserSession.expires_at > now,
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id)
        )
    )


def end_own_session(session_id: uuid.UUID, *, actor: Actor) -> None:
    """Sign one of the caller's own sessions out (another browser or device)."""
    login = found(db.session.get(UserSession, session_id))
    policy.require(actor, "session.end", login)
    end_session(login, "signed_out")


def change_password(current: str, new: str, *, actor: Actor, keep: uuid.UUID | None) -> None:
    """Change one's own password; every other session of the account ends (a copied cookie stops)."""
    user = _own_account(actor)
    try:
        _hasher.verify(user.password_hash or _DUMMY_HASH, current or "")
        ok = user.password_hash is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise ValidationFailed.field("current_password", _l("This is not your current password."))
    set_password(new, actor=actor, keep=keep)


def set_user_active(user_id: uuid.UUID, active: bool, *, actor: Actor) -> User:
    """Suspend or reactivate an account (platform admin). Suspending ends its sessions at once."""
    user = found(find_user(user_id))
    policy.require(actor, "user.set_active", user)
    user.is_active = active
    if not active:
        end_sessions([user_id], "suspended", actor=actor)
    return user

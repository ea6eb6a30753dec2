"""Users, passwords, local login with throttled failures, and API tokens."""

import hashlib
import secrets
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import throttle
from app.accounts.models import ApiToken, User
from app.core.auth import PLATFORM_ROLES, Actor
from app.core.db import utcnow
from app.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a login takes as long whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not-a-password")
TOKEN_PREFIX = "kc_"
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


def hash_password(password: str) -> str:
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


def get_user(user_id: uuid.UUID) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


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
        password_hash=hash_password(password) if password else None,
        platform_role=platform_role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user_id: uuid.UUID, password: str) -> None:
    get_user(user_id).password_hash = hash_password(password)


def set_locale(user_id: uuid.UUID, locale: str) -> None:
    get_user(user_id).locale = locale


def authenticate(email: str, password: str, *, client_address: str | None) -> User:
    """Check a local login. Every refusal says the same thing, so it never tells which part was wrong;
    too many failures for this email from this address, or from this address at all, are refused before
    the password is looked at (``TooManyAttempts`` says when to try again)."""
    email = (email or "").strip().lower()
    wait = throttle.admit(email, client_address)
    if wait:
        raise TooManyAttempts("too many failed attempts; try again later", retry_after=wait)
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password or "")
        ok = user is not None and user.password_hash is not None and user.is_active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        throttle.failed(client_address)
        raise LoginRefused("email or password is wrong")
    throttle.succeeded(email, client_address)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(
    user_id: uuid.UUID, name: str, scope_tenant_id: uuid.UUID | None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    user = get_user(user_id)
    if scope_tenant_id is None and user.platform_role not in PLATFORM_ROLES:
        raise PermissionDenied(_l("only platform roles may create platform tokens"))
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


def list_api_tokens(user_id: uuid.UUID) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id)
        )
    )


def revoke_api_token(token_id: uuid.UUID, *, actor: Actor) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise NotFound()
    token.revoked_at = utcnow()


def live_token(secret: str) -> ApiToken | None:
    """The unrevoked token with this secret whose user is active."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret)))
    if token is None or token.revoked_at is not None:
        return None
    user = db.session.get(User, token.user_id)
    return token if user is not None and user.is_active else None


def user_for_token(secret: str, scope_tenant_id: uuid.UUID | None) -> User | None:
    """The active user behind a bearer token, if the token is live and bound to this scope."""
    token = live_token(secret)
    if token is None or token.scope_tenant_id != scope_tenant_id:
        return None
    token.last_used_at = utcnow()
    return db.session.get(User, token.user_id)

"""Self-service on one's own account: a password reset by mail, and a new email address confirmed from
the new inbox.

A mailed link acts once: only the SHA-256 of its secret is stored, it expires, using it (or asking for a
newer one of the same kind) retires it. Asking for a reset answers the same whether or not the address
has an account, so the form tells nobody who is registered.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts import policy, services
from app.accounts.models import AccountLink, User
from app.core.audit import record_event
from app.core.auth import Actor
from app.core.db import as_utc, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.extensions import db

PASSWORD_RESET, EMAIL_CHANGE = "password_reset", "email_change"
LIFETIMES = {PASSWORD_RESET: timedelta(hours=1), EMAIL_CHANGE: timedelta(hours=24)}
# A second reset mail to the same account within this time is not sent: a form submitted in a loop
# does not flood a person's inbox.
RESET_RESEND_AFTER = timedelta(minutes=2)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _retire(user_id: uuid.UUID, purpose: str) -> None:
    """Every unused link of this kind for the account stops working."""
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user_id, AccountLink.purpose == purpose, AccountLink.used_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def _issue(user_id: uuid.UUID, purpose: str, new_email: str | None = None) -> str:
    _retire(user_id, purpose)
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AccountLink(
            user_id=user_id,
            purpose=purpose,
            token_hash=_hash(secret),
            new_email=new_email,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    db.session.flush()
    return secret


def link_hours(purpose: str) -> int:
    """How many hours a link of this kind stays valid (the mail and the page say so)."""
    return int(LIFETIMES[purpose].total_seconds() // 3600)


def open_link(token: str, purpose: str, *, actor: Actor) -> AccountLink:
    """The unused, unexpired link behind ``token``; anything else is 404 and says the same."""
    policy.require(actor, "account_link.use")
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == _hash(token or "")))
    user = services.find_user(link.user_id) if link is not None else None
    if (
        link is None
        or link.purpose != purpose
        or link.used_at is not None
        or as_utc(link.expires_at) <= utcnow()
        or user is None
        or not user.is_active
    ):
        raise NotFound(_l("This link is unknown, already used or expired."))
    return link


# --- password reset ------------------------------------------------------------------------------


def request_password_reset(email: str, *, actor: Actor) -> tuple[User, str] | None:
    """Issue a reset link for the active account with this address and return it with its secret, for
    the caller to mail; None when there is no such account or a link went out moments ago. The caller
    answers the same in every case."""
    policy.require(actor, "account_link.use")
    user = services.find_user_by_email(email)
    if user is None or not user.is_active:
        return None
    recent = select(AccountLink.id).where(
        AccountLink.user_id == user.id,
        AccountLink.purpose == PASSWORD_RESET,
        AccountLink.used_at.is_(None),
        AccountLink.created_at > utcnow() - RESET_RESEND_AFTER,
    )
    if db.session.scalar(recent.limit(1)) is not None:
        return None
    secret = _issue(user.id, PASSWORD_RESET)
    record_event(
        "accounts.password_reset_requested", user_id=user.id, object_type="User", object_id=str(user.id)
    )
    return user, secret


def reset_password(token: str, new_password: str, *, actor: Actor) -> User:
    """Set a new password through a reset link: the link is used up, and every session of the account
    ends (whoever knew the old password is signed out)."""
    link = open_link(token, PASSWORD_RESET, actor=actor)
    owner = Actor(user_id=link.user_id)
    services.set_password(new_password, actor=owner)
    link.used_at = utcnow()
    _retire(link.user_id, PASSWORD_RESET)
    record_event(
        "accounts.password_reset", user_id=link.user_id, object_type="User", object_id=str(link.user_id)
    )
    return services.find_user(link.user_id)


# --- email change --------------------------------------------------------------------------------


def _password_matches(user: User, password: str) -> bool:
    try:
        return services._hasher.verify(user.password_hash or services._DUMMY_HASH, password or "") and bool(
            user.password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def _ensure_free(email: str, user: User) -> None:
    holder = services.find_user_by_email(email)
    if holder is not None and holder.id != user.id:
        raise ValidationFailed.field("email", _l("Another account uses this address."))


def request_email_change(new_email: str, current_password: str, *, actor: Actor) -> tuple[User, str, str]:
    """Ask to use ``new_email``: nothing changes until the link mailed to that address is opened. An
    account with a password confirms it first (a session left open is not enough to take the account).

    Returns the account, the checked new address and the link's secret, for the caller to mail."""
    user = services.get_user(actor.user_id, actor=actor)
    policy.require(actor, "account.update", user)
    if user.password_hash and not _password_matches(user, current_password):
        raise ValidationFailed.field("current_password", _l("This is not your current password."))
    email = services.normalize_email(new_email)
    if email == user.email:
        raise ValidationFailed.field("email", _l("This is already your email address."))
    _ensure_free(email, user)
    secret = _issue(user.id, EMAIL_CHANGE, new_email=email)
    record_event(
        "accounts.email_change_requested",
        user_id=user.id,
        object_type="User",
        object_id=str(user.id),
        details={"new_email": email},
    )
    return user, email, secret


def pending_email_change(*, actor: Actor) -> AccountLink | None:
    """The actor's email change waiting for its confirmation, if any."""
    user = services.get_user(actor.user_id, actor=actor)
    policy.require(actor, "account.update", user)
    return db.session.scalar(
        select(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == EMAIL_CHANGE,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > utcnow(),
        )
        .order_by(AccountLink.created_at.desc())
        .limit(1)
    )


def confirm_email_change(token: str, *, actor: Actor) -> tuple[User, str]:
    """Switch the account to the address the link was mailed to; return it with the old address."""
    link = open_link(token, EMAIL_CHANGE, actor=actor)
    user = services.find_user(link.user_id)
    _ensure_free(link.new_email, user)
    old = user.email
    user.email = link.new_email
    link.used_at = utcnow()
    _retire(user.id, EMAIL_CHANGE)
    db.session.flush()
    return user, old

"""A person's own data (UU No. 27 Tahun 2022): what they download about themselves, and the platform
operator's erasure of a person.

The parts come from every package that keeps something about a person (``app.core.personal_data``);
this package keeps the account, its sessions, API tokens, single sign-on links and mailed links, and runs
the whole: the download and the erasure are each one audited action.
"""

import hashlib
import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.accounts import policy
from app.accounts.models import AccountLink, ApiToken, User, UserIdentity, UserSession
from app.accounts.services import find_user
from app.core.audit import record_event
from app.core.auth import PLATFORM_ADMIN, Actor
from app.core.errors import Conflict
from app.core.personal_data import ERASED, Erasure, PersonalDataPart, erasure_steps, parts, register_part
from app.core.reach import found
from app.extensions import db

FORMATS = ("json", "xlsx")
ERASED_DOMAIN = "@erased.invalid"  # an anonymised account's address: unique, and never deliverable


def personal_data(user_id: uuid.UUID, *, actor: Actor) -> dict[str, list[dict]]:
    """Everything the product holds about the person, part by part, as plain values (never a secret)."""
    user = found(find_user(user_id))
    policy.require(actor, "personal_data.read", user)
    return {part.key: part.collect(user_id, actor) for part in parts()}


def personal_data_for_erasure(user_id: uuid.UUID, *, actor: Actor) -> dict[str, list[dict]]:
    """What an erasure of the person would touch, part by part, for the operator to confirm."""
    user = found(find_user(user_id))
    policy.require(actor, "user.erase", user)
    return {part.key: part.collect(user_id, actor) for part in parts()}


def download_personal_data(user_id: uuid.UUID, fmt: str, *, actor: Actor) -> dict[str, list[dict]]:
    """The person's data for a download, the download recorded in the audit log."""
    data = personal_data(user_id, actor=actor)
    record_event(
        "accounts.personal_data_downloaded",
        user_id=user_id,
        object_type="User",
        object_id=str(user_id),
        details={"format": fmt},
    )
    return data


def part_labels() -> dict[str, object]:
    return {part.key: part.label for part in parts()}


def erasure_refusals(user_id: uuid.UUID, *, actor: Actor) -> list:
    """Why this person cannot be erased now (empty: they can), in words for the operator."""
    user = found(find_user(user_id))
    policy.require(actor, "user.erase", user)
    reasons = []
    if actor.user_id == user.id:
        reasons.append(_l("You cannot erase your own account: another platform administrator can."))
    if user.platform_role == PLATFORM_ADMIN and not _another_platform_admin(user.id):
        reasons.append(_l("This is the only platform administrator: make another one first."))
    for part in parts():
        if part.refuse is not None:
            reasons.extend(part.refuse(user_id, actor))
    return reasons


def _another_platform_admin(user_id: uuid.UUID) -> bool:
    others = select(User.id).where(
        User.platform_role == PLATFORM_ADMIN, User.is_active.is_(True), User.id != user_id
    )
    return db.session.scalar(others.limit(1)) is not None


def erase_person(user_id: uuid.UUID, *, actor: Actor) -> Erasure:
    """Erase a person (platform operator): memberships, sessions, tokens and SSO links go; the account is
    removed, or anonymised when history refers to it; the audit log keeps every action but loses their
    name and email. Refused, changing nothing, while a reason stands (a tenant's last administrator)."""
    reasons = erasure_refusals(user_id, actor=actor)
    if reasons:
        raise Conflict(_l("This person cannot be erased yet."), {"erase": reasons})
    user = find_user(user_id)
    erasure = Erasure(user_id, emails={user.email}, names={user.name})
    erasure.referenced = any(part.refers(user_id) for part in parts() if part.refers is not None)
    email_hash = hashlib.sha256(user.email.encode()).hexdigest()
    for part in erasure_steps():
        part.erase(erasure, actor)
    # Written after the log was cleaned, and holding no name or email: the account's id and a hash of
    # the address, so a later request about the same address can be matched without keeping it.
    record_event(
        "accounts.erased",
        object_type="User",
        object_id=str(user_id),
        details={"email_sha256": email_hash, "account": erasure.account, **erasure.counts},
    )
    return erasure


# --- the accounts package's own parts ---------------------------------------------------------------


def _at(value) -> str | None:
    return value.isoformat() if value is not None else None


def _account(user_id: uuid.UUID, actor: Actor) -> list[dict]:
    user = find_user(user_id)
    return [
        {
            "email": user.email,
            "name": user.name,
            "platform_role": user.platform_role,
            "language": user.locale,
            "active": user.is_active,
            "created_at": _at(user.created_at),
            "last_login_at": _at(user.last_login_at),
            "has_password": user.password_hash is not None,
        }
    ]


def _sessions(user_id: uuid.UUID, actor: Actor) -> list[dict]:
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.created_at.desc())
    )
    return [
        {
            "logged_in_with": login.via,
            "address": login.remote_addr,
            "browser": login.user_agent,
            "created_at": _at(login.created_at),
            "last_seen_at": _at(login.last_seen_at),
            "expires_at": _at(login.expires_at),
            "ended_at": _at(login.ended_at),
            "end_reason": login.end_reason,
        }
        for login in rows
    ]


def _tokens(user_id: uuid.UUID, actor: Actor) -> list[dict]:
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    return [
        {
            "name": token.name,
            "tenant_id": str(token.scope_tenant_id) if token.scope_tenant_id else None,
            "created_at": _at(token.created_at),
            "last_used_at": _at(token.last_used_at),
            "revoked_at": _at(token.revoked_at),
        }
        for token in rows
    ]


def _sso_links(user_id: uuid.UUID, actor: Actor) -> list[dict]:
    rows = db.session.scalars(select(UserIdentity).where(UserIdentity.user_id == user_id))
    return [
        {
            "issuer": identity.issuer,
            "subject": identity.subject,
            "email": identity.email,
            "created_at": _at(identity.created_at),
        }
        for identity in rows
    ]


def _mailed_links(user_id: uuid.UUID, actor: Actor) -> list[dict]:
    rows = db.session.scalars(select(AccountLink).where(AccountLink.user_id == user_id))
    return [
        {
            "purpose": link.purpose,
            "new_email": link.new_email,
            "created_at": _at(link.created_at),
            "expires_at": _at(link.expires_at),
            "used_at": _at(link.used_at),
        }
        for link in rows
    ]


def _erase_account_rows(erasure: Erasure, actor: Actor) -> None:
    """Sessions, tokens, SSO links and mailed links go; what identified the person is kept aside for the
    audit log's cleaning."""
    user_id = erasure.user_id
    for identity in db.session.scalars(select(UserIdentity).where(UserIdentity.user_id == user_id)):
        erasure.subjects.add(identity.subject)
        if identity.email:
            erasure.emails.add(identity.email)
    erasure.emails.update(
        email
        for email in db.session.scalars(select(AccountLink.new_email).where(AccountLink.user_id == user_id))
        if email
    )
    for model, key in ((UserSession, "sessions"), (ApiToken, "api_tokens"), (UserIdentity, "sso_links")):
        count = db.session.scalar(select(func.count()).select_from(model).where(model.user_id == user_id))
        db.session.execute(
            delete(model).where(model.user_id == user_id), execution_options={"synchronize_session": False}
        )
        erasure.counts[key] = count
    db.session.execute(
        delete(AccountLink).where(AccountLink.user_id == user_id),
        execution_options={"synchronize_session": False},
    )


def _erase_account(erasure: Erasure, actor: Actor) -> None:
    """The account row goes when nothing refers to it; else it stays with nothing that names anyone."""
    user = db.session.get(User, erasure.user_id)
    if not erasure.referenced:
        try:
            with db.session.begin_nested():
                db.session.delete(user)
                db.session.flush()
            erasure.account = "removed"
            return
        except IntegrityError:
            user = db.session.get(User, erasure.user_id)  # a row of some tenant still names them
    user.email = f"erased-{user.id}{ERASED_DOMAIN}"
    user.name = ERASED
    user.password_hash = None
    user.platform_role = None
    user.locale = None
    user.is_active = False
    user.last_login_at = None
    db.session.flush()
    erasure.account = "anonymised"


def register_parts() -> None:
    for part in (
        PersonalDataPart("account", _l("Account"), _account, _erase_account, order=10, erase_order=80),
        PersonalDataPart(
            "sessions", _l("Sessions"), _sessions, _erase_account_rows, order=30, erase_order=50
        ),
        PersonalDataPart("api_tokens", _l("API tokens"), _tokens, order=40),
        PersonalDataPart("sso_links", _l("Single sign-on links"), _sso_links, order=50),
        PersonalDataPart(
            "mailed_links", _l("Password reset and email change links"), _mailed_links, order=60
        ),
    ):
        register_part(part)


def people_query(search: str = "", *, actor: Actor):
    """Accounts by name, optionally those whose name or email contains ``search``: the operator's list
    of people (anonymised accounts left out)."""
    policy.require(actor, "user.read")
    stmt = select(User).where(User.email.not_like(f"%{ERASED_DOMAIN}")).order_by(User.name, User.email)
    if search:
        stmt = stmt.where(
            func.lower(User.name).contains(search.lower(), autoescape=True)
            | func.lower(User.email).contains(search.lower(), autoescape=True)
        )
    return stmt

"""The audit log's part of a person's data: the entries about them, as the one who acted or as the one
acted on, in the platform's log and in every tenant's; and, in an erasure, those entries cleaned of the
person's names, email addresses and single sign-on subjects, keeping what was done, when and by which
account.

An entry is about the person when it names their account (the object, or a ``user_id`` or ``email`` in
its values). Entries the person only made keep their values out of the download: they may name other
people (an invitation's address).
"""

import uuid
from collections.abc import Iterable, Iterator

from sqlalchemy import Text, cast, func, or_, select, update

from app.audit.models import AuditEntry, PlatformAuditEntry
from app.core.auth import SYSTEM, Actor
from app.core.personal_data import ERASED, Erasure
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants

VALUES = ("before", "after", "details")
ERASED_DOMAIN = "@erased.invalid"  # the address an anonymised account is given


def _logs() -> Iterator[tuple[str, type, object]]:
    """Each log with the tenant it belongs to: the platform's, then every tenant's (entered one by one:
    row-level security shows a log only inside its tenant). The person may have acted in a tenant they
    have since left, so every tenant is searched."""
    yield "", PlatformAuditEntry, None
    for tenant in tenants.list_tenants(actor=SYSTEM):
        yield tenant.name, AuditEntry, tenant.id


def _candidates(model, user_id: uuid.UUID, needles: Iterable[str]):
    """Entries the person made, or whose values mention one of ``needles`` (their id, addresses)."""
    mentions = [
        func.lower(cast(getattr(model, column), Text)).contains(needle.lower(), autoescape=True)
        for needle in needles
        for column in VALUES
    ]
    stmt = select(model).where(or_(model.user_id == user_id, model.object_id == str(user_id), *mentions))
    return db.session.scalars(stmt.order_by(model.id)).all()


def _about(entry, user_id: uuid.UUID, emails: set[str]) -> bool:
    if entry.object_type == "User" and entry.object_id == str(user_id):
        return True
    for column in VALUES:
        values = getattr(entry, column) or {}
        if str(values.get("user_id")) == str(user_id):
            return True
        if str(values.get("email") or "").lower() in emails:
            return True
    return False


def _emails_of(user_id: uuid.UUID) -> set[str]:
    from app.accounts.services import find_user

    user = find_user(user_id)
    return {user.email.lower()} if user is not None else set()


def entries_about(user_id: uuid.UUID, actor: Actor) -> list[dict]:
    """The person's audit entries in every log, oldest first, for their download."""
    emails = _emails_of(user_id)
    rows = []
    for log_name, model, tenant_id in _logs():
        with tenant_context(tenant_id):
            for entry in _candidates(model, user_id, [str(user_id), *emails]):
                about = _about(entry, user_id, emails)
                acted = entry.user_id == user_id
                if not (about or acted):
                    continue
                row = {
                    "log": log_name or "platform",
                    "at": entry.at.isoformat(),
                    "action": entry.action,
                    "object_type": entry.object_type,
                    "object_id": entry.object_id,
                    "as": [role for role, yes in (("actor", acted), ("subject", about)) if yes],
                }
                if about:
                    row.update({column: getattr(entry, column) for column in VALUES})
                rows.append(row)
    rows.sort(key=lambda row: row["at"])
    return rows


def acted(user_id: uuid.UUID) -> bool:
    """Whether any log names the person as the one who acted: their account stays (anonymised) so the
    entries keep pointing at one account."""
    for _log_name, model, tenant_id in _logs():
        with tenant_context(tenant_id):
            if db.session.scalar(select(model.id).where(model.user_id == user_id).limit(1)) is not None:
                return True
    return False


def _scrubbed(value, erasure: Erasure, emails: list[str]):
    """``value`` with every name, address and subject of the person replaced by the erased mark."""
    if isinstance(value, dict):
        return {key: _scrubbed(item, erasure, emails) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, erasure, emails) for item in value]
    if not isinstance(value, str):
        return value
    if value in erasure.names or value in erasure.subjects:
        return ERASED
    lowered = value.lower()
    for email in emails:
        while email in lowered:
            start = lowered.index(email)
            value = value[:start] + ERASED + value[start + len(email) :]
            lowered = value.lower()
    return value


def _earlier_identities(erasure: Erasure) -> None:
    """The names and addresses the account had before (changed since), from its own entries."""
    entries = db.session.scalars(
        select(PlatformAuditEntry).where(
            PlatformAuditEntry.object_type == "User", PlatformAuditEntry.object_id == str(erasure.user_id)
        )
    )
    for entry in entries:
        for column in ("before", "after"):
            values = getattr(entry, column) or {}
            if values.get("email") and values["email"] != "***":
                erasure.emails.add(values["email"])
            if values.get("name"):
                erasure.names.add(values["name"])
            details = entry.details or {}
            if details.get("new_email"):
                erasure.emails.add(details["new_email"])
    erasure.names.discard(ERASED)


def clean_entries(erasure: Erasure, actor: Actor) -> None:
    """The erasure's last step: every entry about the person, or made by them, loses their names,
    addresses and single sign-on subjects; the action, the moment and the account stay."""
    db.session.flush()  # the earlier steps' own entries are written: they are cleaned too
    _earlier_identities(erasure)
    emails = {email.lower() for email in erasure.emails if email and not email.endswith(ERASED_DOMAIN)}
    emails = sorted(emails, key=len, reverse=True)  # a longer address first, should one hold another
    needles = [str(erasure.user_id), *emails, *erasure.subjects]
    cleaned = 0
    for _log_name, model, tenant_id in _logs():
        with tenant_context(tenant_id):
            for entry in _candidates(model, erasure.user_id, needles):
                values = {column: getattr(entry, column) for column in VALUES}
                clean = {column: _scrubbed(value, erasure, emails) for column, value in values.items()}
                if clean == values:
                    continue
                table = model.__table__
                keys = (table.c.id == entry.id,) + ((table.c.tenant_id == tenant_id,) if tenant_id else ())
                db.session.execute(update(table).where(*keys).values(**clean))
                cleaned += 1
    db.session.flush()
    db.session.expire_all()  # entries read above show their cleaned values from now on
    erasure.counts["audit_entries_cleaned"] = cleaned

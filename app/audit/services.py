"""Reading the audit logs: a tenant admin reads their tenant's, a platform admin the platform's.

Entries are written by ``app.core.audit``; nothing here changes them.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from app.accounts.models import User
from app.audit.models import AuditEntry, PlatformAuditEntry
from app.core.auth import TENANT_ADMIN, Actor
from app.extensions import db


@dataclass(frozen=True)
class AuditFilter:
    """What a reader narrows the log to. Dates are whole days in the reader's time zone, both included."""

    user_id: uuid.UUID | None = None
    object_type: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None
    timezone: str = "Asia/Jakarta"

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        zone = ZoneInfo(self.timezone)
        start = datetime.combine(self.since, time.min, zone) if self.since else None
        end = datetime.combine(self.until + timedelta(days=1), time.min, zone) if self.until else None
        return start, end


def _filtered(model, stmt: Select, filters: AuditFilter) -> Select:
    if filters.user_id:
        stmt = stmt.where(model.user_id == filters.user_id)
    if filters.object_type:
        stmt = stmt.where(model.object_type == filters.object_type)
    if filters.action:
        stmt = stmt.where(model.action == filters.action)
    start, end = filters.bounds()
    if start is not None:
        stmt = stmt.where(model.at >= start)
    if end is not None:
        stmt = stmt.where(model.at < end)
    # Ids are UUIDv7: ordered by creation time, so the newest come first without a sort on ``at``.
    return stmt.order_by(model.id.desc())


def _with_users(model) -> Select:
    return select(model, User).outerjoin(User, User.id == model.user_id)


# --- a tenant's log -------------------------------------------------------------------------------


def tenant_log_query(filters: AuditFilter, *, actor: Actor) -> Select:
    """The current tenant's entries with their users (rows of (AuditEntry, User | None)), newest first."""
    actor.require_tenant_role(TENANT_ADMIN)
    return _filtered(AuditEntry, _with_users(AuditEntry), filters)


def tenant_log_users(*, actor: Actor) -> list[User]:
    """Everyone who appears in the current tenant's log, members or not any more, for the filter."""
    actor.require_tenant_role(TENANT_ADMIN)
    ids = select(AuditEntry.user_id).where(AuditEntry.user_id.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


def tenant_object_types(*, actor: Actor) -> list[str]:
    actor.require_tenant_role(TENANT_ADMIN)
    return _object_types(AuditEntry)


# --- the platform's log ---------------------------------------------------------------------------


def platform_log_query(filters: AuditFilter, *, actor: Actor) -> Select:
    """Platform-level entries with their users, newest first."""
    actor.require_platform_admin()
    return _filtered(PlatformAuditEntry, _with_users(PlatformAuditEntry), filters)


def platform_log_users(*, actor: Actor) -> list[User]:
    actor.require_platform_admin()
    ids = select(PlatformAuditEntry.user_id).where(PlatformAuditEntry.user_id.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


def platform_object_types(*, actor: Actor) -> list[str]:
    actor.require_platform_admin()
    return _object_types(PlatformAuditEntry)


def _object_types(model) -> list[str]:
    stmt = select(model.object_type).where(model.object_type.is_not(None)).distinct()
    return sorted(db.session.scalars(stmt))

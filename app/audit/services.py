"""Reading the audit logs: a tenant admin reads their tenant's, a platform admin the platform's.

Entries are written by ``app.core.audit``; nothing here changes them.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from app.accounts.models import User
from app.audit import policy
from app.audit.models import AuditEntry, PlatformAuditEntry
from app.audit.readable import Names
from app.core.auth import Actor
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


# --- the two logs: a tenant's (its administrator's) and the platform's (the operator's) -------------

# log -> (its entries, the action that reads it)
LOGS = {"tenant": (AuditEntry, "tenant_log.read"), "platform": (PlatformAuditEntry, "platform_log.read")}


def log_query(log: str, filters: AuditFilter, *, actor: Actor) -> Select:
    """The log's entries with their users (rows of (entry, User | None)), newest first: the current
    tenant's (``log="tenant"``) or the platform's (``"platform"``)."""
    model = _readable(log, actor)
    return _filtered(model, _with_users(model), filters)


def log_users(log: str, *, actor: Actor) -> list[User]:
    """Everyone who appears in the log, members or not any more, for the filter."""
    model = _readable(log, actor)
    ids = select(model.user_id).where(model.user_id.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


def log_object_types(log: str, *, actor: Actor) -> list[str]:
    """The types of object the log names, for the filter."""
    return _object_types(_readable(log, actor))


def tenant_log_query(filters: AuditFilter, *, actor: Actor) -> Select:
    """The current tenant's entries with their users, newest first."""
    return log_query("tenant", filters, actor=actor)


def platform_log_query(filters: AuditFilter, *, actor: Actor) -> Select:
    """Platform-level entries with their users, newest first."""
    return log_query("platform", filters, actor=actor)


def _readable(log: str, actor: Actor):
    model, action = LOGS[log]
    policy.require(actor, action)
    return model


def _object_types(model) -> list[str]:
    stmt = select(model.object_type).where(model.object_type.is_not(None)).distinct()
    return sorted(db.session.scalars(stmt))


def log_actions(log: str, *, actor: Actor) -> list[str]:
    """The actions the log holds (writes and events), for the filter."""
    model = _readable(log, actor)
    return sorted(db.session.scalars(select(model.action).distinct()))


def log_names(log: str, entries, *, actor: Actor) -> Names:
    """The names of the people and objects these entries of the log mention, looked up together."""
    return Names(_readable(log, actor)).load(entries)


def log_export_rows(log: str, filters: AuditFilter, *, actor: Actor, limit: int, batch: int = 500):
    """The newest ``limit`` entries of the filtered log, in batches of ``batch`` (entry, user) rows with
    their names looked up, for the workbook."""
    # Asked and read now, so a refusal comes before the caller starts writing anything.
    rows = db.session.execute(log_query(log, filters, actor=actor).limit(limit)).all()
    return _batches(log, rows, batch, actor)


def _batches(log: str, rows: list, batch: int, actor: Actor):
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        yield chunk, log_names(log, [entry for entry, _user in chunk], actor=actor)

"""Audit entries: one log per tenant (tenant-owned, under row-level security) and one for the platform.

Rows are written by ``app.core.audit`` with plain INSERTs, never updated or deleted. ``user_id`` has no
foreign key on purpose: an entry outlives whatever it names.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, new_id


class AuditColumns:
    at: Mapped[datetime]
    user_id: Mapped[uuid.UUID | None]
    origin: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(120))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    details: Mapped[dict | None] = mapped_column(JSON)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field the entry names, in a stable order."""
        before, after = self.before or {}, self.after or {}
        return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))]


class AuditEntry(TenantOwned, AuditColumns, Base):
    """Something that happened in one tenant: a row written, or an event such as a login."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_tenant_user", "tenant_id", "user_id"),
        Index("ix_audit_entries_tenant_object_type", "tenant_id", "object_type"),
        Index("ix_audit_entries_tenant_at", "tenant_id", "at"),
    )
    __audit__ = False


class PlatformAuditEntry(AuditColumns, Base):
    """Something that happened at platform level: tenants, users, tokens, ministry-wide events.

    ``context_tenant_id`` names the tenant a request was in when it wrote the platform row (a user
    created by accepting an invitation), not an owner: these rows are the platform admin's only."""

    __tablename__ = "platform_audit_entries"
    __table_args__ = (
        Index("ix_platform_audit_entries_user", "user_id"),
        Index("ix_platform_audit_entries_object_type", "object_type"),
        Index("ix_platform_audit_entries_at", "at"),
    )
    __audit__ = False

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    context_tenant_id: Mapped[uuid.UUID | None]

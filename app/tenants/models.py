"""Tenants (platform data), each tied to a region of the reference data, and each tenant's OPDs and
members."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, Timestamps, as_utc, new_id, tenant_fk, utcnow
from app.core.i18n import TIME_ZONES

ACTIVE = "active"
SUSPENDED = "suspended"
TENANT_STATUSES = (ACTIVE, SUSPENDED)
TENANT_KINDS = ("kota", "kabupaten")

# Indonesia's three time zones (IANA name: WIB/WITA/WIT), kept with the other locale rules in core.
TIMEZONES = TIME_ZONES


class Tenant(Timestamps, Base):
    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), unique=True)
    province_name: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default=ACTIVE)
    suspended_at: Mapped[datetime | None]
    # The login page lists this tenant under "log in with your city's SSO" (kept by the SSO services).
    sso_login: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def timezone_label(self) -> str:
        return TIMEZONES.get(self.timezone, self.timezone)

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


class Opd(TenantOwned, Timestamps, Base):
    """An agency of the local government (Organisasi Perangkat Daerah)."""

    __tablename__ = "opds"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(40))


class Membership(TenantOwned, Timestamps, Base):
    """A user's place in one tenant, with one role."""

    __tablename__ = "memberships"
    # The person reads their own rows in every tenant (tenancy.own_memberships; an RLS policy of its own).
    __own_rows_column__ = "user_id"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"), Index(None, "user_id"))

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))


class MembershipOpd(TenantOwned, Base):
    """Binds an opd_operator's membership to an OPD whose work they report."""

    __tablename__ = "membership_opds"
    __table_args__ = (
        UniqueConstraint("tenant_id", "membership_id", "opd_id"),
        tenant_fk("membership_id", "memberships", ondelete="CASCADE"),
        tenant_fk("opd_id", "opds"),
    )

    membership_id: Mapped[uuid.UUID]
    opd_id: Mapped[uuid.UUID]


class Invitation(TenantOwned, Timestamps, Base):
    """An emailed invitation to join a tenant; the token is stored hashed."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("tenant_id", "token_hash"),)

    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    opd_ids: Mapped[str] = mapped_column(String(2000), default="")
    token_hash: Mapped[str] = mapped_column(String(64))
    invited_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]

    @property
    def opd_id_list(self) -> list[uuid.UUID]:
        return [uuid.UUID(i) for i in self.opd_ids.split(",") if i]

    @property
    def is_expired(self) -> bool:
        return as_utc(self.expires_at) <= utcnow()

    @property
    def sent_at(self) -> datetime:
        # Sending is the only change a waiting invitation gets (first mail, then each resend).
        return self.updated_at or self.created_at

"""Global identities, API tokens and login sessions (platform data: no tenant column)."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamps, new_id


class User(Timestamps, Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    platform_role: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]


class UserIdentity(Timestamps, Base):
    """An external OpenID identity (issuer + subject) linked to a user."""

    __tablename__ = "user_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))


class ApiToken(Timestamps, Base):
    """A personal API token. Bound to one tenant (``scope_tenant_id``), or to the platform API when null
    and owned by a platform role. Only the SHA-256 of the secret is kept."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index(None, "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope_tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class UserSession(Base):
    """A login on one browser. The session cookie carries only a random secret whose SHA-256 is kept
    here, so ending the row (logout, password change, suspension, removal) logs that browser out at once.

    A login through a tenant's identity provider opens that tenant only (``scope_tenant_id``), and one
    through the ministry's provider the ministry area only (``via == "ministry_sso"``): whoever runs a
    provider can vouch for people in their own tenant, never in another."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index(None, "user_id"),)
    __audit__ = False  # logins and sign-outs are recorded as events; a session's bookkeeping is not

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    via: Mapped[str] = mapped_column(String(20))
    scope_tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    provider_id: Mapped[uuid.UUID | None]
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))


class AccountLink(Base):
    """A mailed link that acts on one account once: a password reset, or the confirmation of a new
    email address (``new_email``). Only the SHA-256 of its secret is kept; it expires, and once used
    (or replaced by a newer link of the same purpose) it opens nothing."""

    __tablename__ = "account_links"
    __table_args__ = (Index(None, "user_id"),)
    __audit__ = False  # requests and uses are recorded as events; the link's bookkeeping is not

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

"""Identity provider settings: each tenant's own OpenID Connect providers, the ministry's, and whether a
tenant's staff may still log in with a password."""

import uuid

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, Timestamps, new_id


class ProviderSettings:
    """What a tenant admin (or the platform admin, for the ministry) sets for one OpenID provider.

    The client secret is kept only encrypted (``app.sso.secret_box``); it is never shown again."""

    label: Mapped[str] = mapped_column(String(80))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret_encrypted: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(500), default="openid email profile")
    # Lower-case domains ("palopo.go.id"); empty: any domain.
    allowed_email_domains: Mapped[list] = mapped_column(JSON, default=list)
    provision_users: Mapped[bool] = mapped_column(default=False)
    link_by_email: Mapped[bool] = mapped_column(default=False)
    default_role: Mapped[str] = mapped_column(String(20))
    role_claim: Mapped[str | None] = mapped_column(String(80))
    # claim value -> role, e.g. {"bappeda": "planner"}
    role_map: Mapped[dict] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)


class IdentityProvider(TenantOwned, ProviderSettings, Timestamps, Base):
    """A tenant's OpenID Connect provider for its OPD staff."""

    __tablename__ = "sso_providers"
    __table_args__ = (UniqueConstraint("tenant_id", "issuer", "client_id"),)

    # The claim carrying the OPD code, matched against the tenant's OPD codes.
    opd_claim: Mapped[str | None] = mapped_column(String(80))
    # Refuse an opd_operator whose OPD claim matches no OPD of the tenant.
    opd_required: Mapped[bool] = mapped_column(default=False)


class MinistryProvider(ProviderSettings, Timestamps, Base):
    """The ministry's OpenID Connect provider, for ministry_admin and evaluator accounts (platform data)."""

    __tablename__ = "ministry_sso_providers"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class LoginPolicy(TenantOwned, Timestamps, Base):
    """How a tenant's members may log in. Tenant admins may always use a password (so a broken provider
    never locks the tenant out)."""

    __tablename__ = "sso_login_policies"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    password_login_for_staff: Mapped[bool] = mapped_column(default=True)

"""Imports every domain's models so metadata is complete (for Alembic and tests)."""

from app.accounts.models import ApiToken, LoginFailure, User, UserIdentity  # noqa: F401
from app.tenants.models import Invitation, Membership, MembershipOpd, Opd, Region, Tenant  # noqa: F401

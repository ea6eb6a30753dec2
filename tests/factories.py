"""Build test data through the services, inside the right tenant context."""

from dataclasses import dataclass

from app.accounts import services as accounts
from app.accounts.models import User
from app.core.auth import SYSTEM, TENANT_ADMIN, Actor
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants

PASSWORD = "correct-horse-battery"


@dataclass
class TenantSetup:
    tenant_id: object
    slug: str
    admin_id: object
    admin_email: str
    token: str

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def make_tenant(region_code: str, slug: str, admin_email: str | None = None) -> TenantSetup:
    """A tenant with an admin (password PASSWORD) and an API token for that admin bound to the tenant."""
    tenant = tenants.create_tenant(actor=SYSTEM, region_code=region_code, slug=slug)
    email = admin_email or f"admin@{slug}.test"
    admin = accounts.create_user(email, f"Admin {slug}", PASSWORD)
    tenants.seed_tenant_admin(tenant, admin, actor=SYSTEM)
    _token, secret = accounts.create_api_token("tests", tenant.id, actor=person(admin.id))
    db.session.commit()
    return TenantSetup(tenant.id, tenant.slug, admin.id, email, secret)


def admin_actor(setup: TenantSetup) -> Actor:
    return Actor(user_id=setup.admin_id, tenant_role=TENANT_ADMIN)


def add_opd(setup: TenantSetup, code: str, name: str | None = None):
    with tenant_context(setup.tenant_id):
        opd = tenants.create_opd({"code": code, "name": name or f"Dinas {code}"}, actor=admin_actor(setup))
        db.session.commit()
        return opd


def person(user_id) -> Actor:
    """The actor of a person acting on their own account (outside any tenant), with their platform role."""
    user = db.session.get(User, user_id)
    return Actor(user_id=user.id, platform_role=user.platform_role)

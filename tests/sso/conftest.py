"""Single sign-on against real OpenID providers (tests/idp, npm oidc-provider), started once a session."""

import json
import logging
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.accounts.models import User, UserIdentity
from app.core.auth import OPD_OPERATOR, PLANNER
from app.core.tenancy import tenant_context
from app.extensions import db
from app.sso import services
from app.tenants.models import Membership, Tenant
from tests.factories import TenantSetup, add_opd, admin_actor, make_tenant
from tests.support.idp import CLIENT_ID, CLIENT_SECRET, Person, start_idp


@pytest.fixture(scope="session")
def idp():
    server = start_idp()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def idp2():
    """A second provider, for a second tenant: another issuer with its own keys."""
    server = start_idp()
    yield server
    server.stop()


class AuditLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.events: list[dict] = []

    def emit(self, record):
        self.events.append(json.loads(record.getMessage()))

    def actions(self) -> list[str]:
        return [e["action"] for e in self.events]

    def refusals(self) -> list[str]:
        return [e["details"]["reason"] for e in self.events if e["action"] == "sso.refused"]


@pytest.fixture
def audit():
    logger = logging.getLogger("kotacerdas.audit")
    handler, level = AuditLog(), logger.level
    # Alembic's fileConfig (run by the app fixture's migration) disables loggers that existed before it.
    logger.disabled = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def provider_settings(issuer: str, **overrides) -> dict:
    settings = {
        "label": "Masuk dengan akun Pemkot",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scopes": "openid email profile opd groups",
        "allowed_email_domains": ["palopo.go.id"],
        "provision_users": True,
        "link_by_email": False,
        "default_role": OPD_OPERATOR,
        "role_claim": "groups",
        "role_map": {"bappeda": PLANNER},
        "opd_claim": "opd",
        "opd_required": True,
        "enabled": True,
    }
    settings.update(overrides)
    return settings


@dataclass
class SsoTenant:
    setup: TenantSetup
    provider_id: object

    @property
    def slug(self) -> str:
        return self.setup.slug

    @property
    def start_path(self) -> str:
        return f"/t/{self.slug}/sso/{self.provider_id}/login"

    def callback_path(self, provider_id=None) -> str:
        return f"/t/{self.slug}/sso/{provider_id or self.provider_id}/callback"


def sso_tenant(region: str, slug: str, opds: list[str], issuer: str, **overrides) -> SsoTenant:
    setup = make_tenant(region, slug)
    for code in opds:
        add_opd(setup, code, f"Dinas {code}")
    return SsoTenant(setup, add_provider(setup, issuer, **overrides))


def add_provider(setup: TenantSetup, issuer: str, **overrides):
    with tenant_context(setup.tenant_id):
        provider = services.create_provider(provider_settings(issuer, **overrides), actor=admin_actor(setup))
        db.session.commit()
        return provider.id


def set_provider(tenant: SsoTenant, **changes) -> None:
    with tenant_context(tenant.setup.tenant_id):
        services.update_provider(tenant.provider_id, changes, actor=admin_actor(tenant.setup), check=False)
        db.session.commit()


@pytest.fixture
def palopo(app_ctx, idp) -> SsoTenant:
    return sso_tenant("73.73", "kota-palopo", ["DISDIK", "BAPPEDA", "DLH", "DISKOMINFO"], idp.issuer)


@pytest.fixture
def person(client) -> Person:
    return Person(client)


def counts() -> dict:
    """Users, identities and memberships on the whole platform."""
    return {
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "identities": db.session.scalar(select(func.count()).select_from(UserIdentity)),
        "memberships": rows_in_every_tenant(Membership),
    }


def rows_in_every_tenant(model) -> int:
    """How many rows of a tenant table there are, summed tenant by tenant (each in its own context)."""
    total = 0
    for tenant_id in db.session.scalars(select(Tenant.id)).all():
        with tenant_context(tenant_id):
            total += db.session.scalar(select(func.count()).select_from(model))
    return total


def logged_in(client, slug: str) -> bool:
    """Whether the browser holds a session that opens the tenant's dashboard."""
    return client.get(f"/t/{slug}/").status_code == 200


def asks_for_login(client, slug: str, path: str) -> bool:
    """Whether ``path`` sends the browser to the tenant's own login page (it holds no session there)."""
    response = client.get(path)
    return response.status_code == 302 and response.headers["Location"].startswith(f"/t/{slug}/login")

"""The demo's identity providers: every demo tenant and the ministry point at the test provider in
tests/idp (``node tests/idp/idp.mjs --port 9000``), which need not run when the demo is seeded."""

from sqlalchemy import select

from app.core.auth import EVALUATOR, MINISTRY_ADMIN, OPD_OPERATOR, PLANNER, SYSTEM, Actor
from app.extensions import db
from app.sso import services
from app.sso.models import IdentityProvider, MinistryProvider

DEMO_ISSUER = "http://127.0.0.1:9000"
DEMO_CLIENT_ID = "kotacerdas"
# The test provider's own client secret: public, for the local demo only.
DEMO_CLIENT_SECRET = "kotacerdas-idp-client-secret"
# The email domain of each demo tenant's staff at the test provider.
DEMO_DOMAINS = {
    "kota-palopo": "palopo.go.id",
    "kota-balikpapan": "balikpapan.go.id",
    "kab-penajam-paser-utara": "penajamkab.go.id",
}


def tenant_provider_settings(slug: str, tenant_name: str, issuer: str = DEMO_ISSUER) -> dict:
    return {
        "label": f"Masuk dengan akun {tenant_name}",
        "issuer": issuer,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "scopes": "openid email profile opd groups",
        "allowed_email_domains": [DEMO_DOMAINS[slug]],
        "provision_users": True,
        "link_by_email": False,
        "default_role": OPD_OPERATOR,
        "role_claim": "groups",
        "role_map": {"bappeda": PLANNER},
        "opd_claim": "opd",
        "opd_required": True,
        "enabled": True,
    }


def ministry_provider_settings(issuer: str = DEMO_ISSUER) -> dict:
    return {
        "label": "Masuk dengan akun Komdigi",
        "issuer": issuer,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "scopes": "openid email profile groups",
        "allowed_email_domains": ["komdigi.go.id"],
        "provision_users": True,
        "link_by_email": False,
        "default_role": EVALUATOR,
        "role_claim": "groups",
        "role_map": {"ministry-admin": MINISTRY_ADMIN, "evaluator": EVALUATOR},
        "enabled": True,
    }


def seed_tenant_provider(slug: str, tenant_name: str, *, actor: Actor) -> None:
    """Inside the tenant's context: its demo provider, unless it has one."""
    if db.session.scalar(select(IdentityProvider.id).limit(1)) is None:
        services.create_provider(tenant_provider_settings(slug, tenant_name), actor=actor, check=False)


def seed_ministry_provider() -> None:
    if db.session.scalar(select(MinistryProvider.id).limit(1)) is None:
        services.create_ministry_provider(ministry_provider_settings(), actor=SYSTEM, check=False)

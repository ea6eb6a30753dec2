"""The login page's "log in with your city's SSO": a search among the tenants whose login page offers a
sign-in service, with the one this browser used last offered first."""

from flask import Flask, request
from sqlalchemy import func, select

from app.accounts.session import last_sso_tenant_id
from app.core.auth import ANONYMOUS
from app.extensions import db
from app.tenants import services as tenants
from app.tenants.models import Tenant

# Up to this many tenants with SSO are listed without a search; more, and the person types a name.
LIST_ALL_UP_TO = 8
SEARCH_MAX = 100


def tenant_search() -> dict:
    """What the login page's SSO block shows: the last tenant used, the typed search and its matches."""
    search = (request.args.get("sso_q") or "").strip()[:SEARCH_MAX]
    stmt = tenants.sso_tenants_query(search or None, actor=ANONYMOUS)
    total = db.session.scalar(
        select(func.count()).select_from(tenants.sso_tenants_query(actor=ANONYMOUS).subquery())
    )
    listed = bool(search) or total <= LIST_ALL_UP_TO
    matches = list(db.session.scalars(stmt.limit(LIST_ALL_UP_TO))) if listed else []
    return {
        "last": _last_used(),
        "search": search,
        "searched": bool(search),
        "matches": matches,
        "total": total,
    }


def _last_used():
    tenant_id = last_sso_tenant_id()
    if tenant_id is None:
        return None
    return db.session.scalar(tenants.sso_tenants_query(actor=ANONYMOUS).where(Tenant.id == tenant_id))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["sso_tenant_search"] = tenant_search

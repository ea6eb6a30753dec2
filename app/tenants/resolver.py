"""Layer 1 of tenancy: resolve the tenant from the URL once, before any view runs.

``/t/<tenant>/...`` (pages) and ``/api/v1/t/<tenant>/...`` (API). The caller must be a member of that
tenant; otherwise the answer is 404, whether the tenant exists or not. The API takes only bearer tokens,
each bound to one tenant.
"""

from dataclasses import replace

from flask import Flask, abort, g, redirect, request, url_for

from app.accounts.session import api_user, bearer_token_elsewhere, opens_platform, session_user
from app.core.errors import is_api_request
from app.core.paths import check_path_objects, is_public_view
from app.core.tenancy import enter_tenant, leave_tenant
from app.tenants import services


def _resolve() -> None:
    g.tenant = None
    slug = (request.view_args or {}).pop("tenant", None)
    api = is_api_request()
    g.login = None
    if slug is None:
        g.user = api_user(None) if api else session_user()
        g.actor = services.actor_for(g.user)
        if g.login is not None and not opens_platform(g.login):
            # A tenant's provider vouched for this person in that tenant only, not on the platform.
            g.actor = replace(g.actor, platform_role=None)
        # An address no route matches is not found, whoever asks (a tenant token included).
        if api and g.user is None and request.path.startswith("/api/v1/") and request.url_rule is not None:
            abort(401)
        return
    tenant = services.find_tenant_by_slug(slug)
    if tenant is None:
        abort(404)
    g.tenant_token = enter_tenant(tenant.id)
    g.user = api_user(tenant.id) if api else session_user(tenant.id)
    g.actor = services.actor_for(g.user)
    if is_public_view():
        g.tenant = tenant
        return
    if g.user is None:
        if api:
            # A live token bound to another tenant learns nothing about this one: 404, as for a non-member.
            abort(404 if bearer_token_elsewhere() else 401)
        return redirect(url_for("accounts.tenant_login", tenant=tenant.slug, next=request.full_path))
    if g.actor.tenant_role is None:
        abort(404)
    # Only now may the page show the tenant (its name, its menu): the caller belongs to it.
    g.tenant = tenant
    services.ensure_active(tenant)
    check_path_objects(request.view_args or {})


def _leave(exc=None) -> None:
    token = g.pop("tenant_token", None)
    if token is not None:
        leave_tenant(token)


def _tenant_url_default(endpoint, values) -> None:
    if "tenant" in values:
        return
    tenant = g.get("tenant")
    if tenant and _expects_tenant(endpoint):
        values["tenant"] = tenant.slug


def _expects_tenant(endpoint: str) -> bool:
    """Whether the endpoint's URL names a tenant; asked for every link a page builds, so the answer
    (which walks the endpoint's rules) is kept per endpoint."""
    from flask import current_app

    known = current_app.extensions.setdefault("endpoints_expecting_tenant", {})
    if endpoint not in known:
        known[endpoint] = current_app.url_map.is_endpoint_expecting(endpoint, "tenant")
    return known[endpoint]


def init_app(app: Flask) -> None:
    app.before_request(_resolve)
    app.teardown_request(_leave)
    app.url_defaults(_tenant_url_default)

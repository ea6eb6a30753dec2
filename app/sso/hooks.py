"""Where single sign-on meets the rest of the app without changing it: the login page's SSO buttons,
the rule that a tenant's staff log in (and make API tokens) through its provider when the admin switched
passwords off, and
logging out at the provider too (RP-initiated logout)."""

import uuid

from flask import Flask, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.services import VIA_MINISTRY_SSO, VIA_SSO
from app.accounts.session import current_login, logout_user
from app.core.audit import record_event
from app.core.auth import ANONYMOUS, TENANT_ADMIN
from app.core.errors import NotFound, is_api_request
from app.core.pages import safe_next
from app.core.paths import is_public_view
from app.core.reach import found
from app.core.tenancy import tenant_context
from app.extensions import db
from app.sso import flow, services
from app.sso.secret_box import SecretUnreadable
from app.tenants import services as tenants


def logged_in_by_sso_at(tenant_id: uuid.UUID) -> bool:
    login = current_login()
    return login is not None and login.via == VIA_SSO and login.scope_tenant_id == tenant_id


def require_sso_for_staff():
    """A staff member of a tenant whose admin switched password login off sees the tenant only after
    logging in through one of its providers. Runs after the tenant resolver."""
    tenant, actor = g.get("tenant"), g.get("actor")
    if is_api_request() or tenant is None or g.get("user") is None or actor is None:
        return None
    if actor.tenant_role in (None, TENANT_ADMIN) or is_public_view() or logged_in_by_sso_at(tenant.id):
        return None
    if services.password_login_allowed(actor.tenant_role):
        return None
    return render_template("sso/sso_required.html", providers=services.enabled_providers(actor=actor)), 403


def refuse_password_login_for_staff(response):
    """On the tenant's login page, a staff member's correct password opens no session when the admin
    switched password login off: the person is sent to the SSO buttons instead."""
    if request.endpoint != "accounts.tenant_login" or request.method != "POST" or response.status_code != 302:
        return response
    tenant, login = g.get("tenant"), current_login()
    if tenant is None or login is None:
        return response
    membership = tenants.membership_of(login.user_id)
    if membership is None or services.password_login_allowed(membership.role):
        return response
    logout_user()
    services.record_refusal(
        "password_login_off", tenant_id=tenant.id, provider_id=None, user_id=login.user_id
    )
    db.session.commit()
    body = render_template(
        "accounts/login.html",
        login_tenant=tenant,
        email=request.form.get("email", ""),
        error=_("%(tenant)s staff log in with the city's account: use the button above.", tenant=tenant.name),
    )
    return current_app.make_response((body, 403))


def _token_tenant() -> uuid.UUID | None:
    try:
        return uuid.UUID(request.form.get("tenant_id") or "")
    except ValueError:
        return None  # no tenant, or not one: the tokens page itself answers


def refuse_password_token_for_staff():
    """An API token bound to a tenant whose admin switched password login off is made only in a session
    opened through that tenant's provider: otherwise a password would reach the tenant through the API."""
    if request.endpoint != "accounts.tokens" or request.method != "POST" or g.get("user") is None:
        return None
    tenant_id = _token_tenant()
    if tenant_id is None or logged_in_by_sso_at(tenant_id):
        return None
    with tenant_context(tenant_id):
        membership = tenants.membership_of(g.user.id)
        if membership is None or services.password_login_allowed(membership.role):
            return None
        providers = services.enabled_providers(actor=g.actor)
        return render_template(
            "sso/sso_required.html", tenant=found(tenants.find_tenant(tenant_id)), providers=providers
        ), 403


def _provider_of(login, actor):
    if login.via == VIA_MINISTRY_SSO:
        return services.sign_in_ministry_provider(login.provider_id, actor=actor), url_for(
            "ministry_sso.ministry_login", _external=True
        )
    tenant = found(tenants.find_tenant(login.scope_tenant_id))
    with tenant_context(tenant.id):
        provider = services.sign_in_provider(login.provider_id, actor=actor)
    return provider, url_for("accounts.tenant_login", tenant=tenant.slug, _external=True)


def logout_at_provider():
    """Logging out of a session opened by SSO also ends the session at the provider, when it offers
    RP-initiated logout; the person comes back to the login page they started from."""
    if request.endpoint != "accounts.logout" or request.method != "POST":
        return None
    login = current_login()
    if login is None or login.via not in (VIA_SSO, VIA_MINISTRY_SSO) or login.provider_id is None:
        return None
    try:
        provider, back_url = _provider_of(login, g.get("actor") or ANONYMOUS)
        url = flow.logout_url(services.client_settings(provider), back_url)
    except (NotFound, SecretUnreadable):
        url = None
    logout_user()
    record_event(
        "sso.logout",
        tenant_id=login.scope_tenant_id,
        user_id=login.user_id,
        object_type="sso_provider",
        object_id=str(login.provider_id),
        details={"at_provider": url is not None},
    )
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url or url_for("accounts.login"))


def login_options() -> dict:
    """The SSO buttons for the login page being shown (a tenant's, or a pointer to the ministry's)."""
    tenant, actor = g.get("tenant"), g.get("actor") or ANONYMOUS
    if tenant is not None:
        next_url = safe_next("") or None
        return {
            "buttons": [
                {"label": p.label, "url": url_for("sso.login", provider_id=p.id, next=next_url)}
                for p in services.enabled_providers(actor=actor)
            ],
            "password_for_staff": services.password_login_allowed(None),
            "ministry_url": None,
        }
    ministry = request.endpoint == "accounts.login" and services.enabled_ministry_providers(actor=actor)
    return {
        "buttons": [],
        "password_for_staff": True,
        "ministry_url": url_for("ministry_sso.ministry_login") if ministry else None,
    }


def init_app(app: Flask) -> None:
    app.before_request(logout_at_provider)
    app.before_request(require_sso_for_staff)
    app.before_request(refuse_password_token_for_staff)
    app.after_request(refuse_password_login_for_staff)
    app.jinja_env.globals["sso_login_options"] = login_options

"""Pages: the tenant admin's provider settings, the platform admin's ministry providers, the login and
callback routes of both, the ministry's login page, and a clear page for every refused login."""

import itertools
import logging
import threading

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.services import VIA_MINISTRY_SSO, VIA_SSO
from app.accounts.session import login_user
from app.core.auth import TENANT_ROLES
from app.core.errors import DomainError, NotFound, ValidationFailed
from app.core.form_errors import form_errors
from app.core.landing import has_start_page
from app.core.pages import is_htmx, platform_admin_required, safe_next
from app.core.paths import public
from app.extensions import db
from app.sso import flow, policy, services
from app.sso.secret_box import SecretUnreadable
from app.sso.services import MINISTRY_ROLES, NO_LOGIN_STARTED, SsoRefused
from app.tenants import services as tenants

bp = Blueprint("sso", __name__, url_prefix="/t/<tenant>/sso", template_folder="templates")
ministry_bp = Blueprint("ministry_sso", __name__, template_folder="templates")

SESSION_NEXT = "sso_next"
log = logging.getLogger("kotacerdas.sso")
_unmatched_callbacks = itertools.count(1)
_unmatched_lock = threading.Lock()

# reason -> (title, what happened and what to do). Shown to the person; details go to the audit log.
REFUSALS = {
    NO_LOGIN_STARTED: (
        _l("This login could not be verified"),
        _l(
            "The answer from the sign-in service does not match a login started in this browser: it was "
            "altered, is too old, or was opened elsewhere. Please start the login again."
        ),
    ),
    "state": (
        _l("This login could not be verified"),
        _l(
            "The answer from the sign-in service does not match a login started in this browser: it was "
            "altered, is too old, or was opened elsewhere. Please start the login again."
        ),
    ),
    "nonce": (
        _l("This login could not be verified"),
        _l("The sign-in service answered for another login attempt. Please start the login again."),
    ),
    "issuer": (
        _l("The answer came from the wrong sign-in service"),
        _l("The login was answered by another service than the one configured here. Nothing was changed."),
    ),
    "audience": (
        _l("The answer was meant for another application"),
        _l("The sign-in service issued this login for another application. Nothing was changed."),
    ),
    "expired": (
        _l("The login has expired"),
        _l("The sign-in service's answer is no longer valid. Please start the login again."),
    ),
    "signature": (
        _l("The login could not be verified"),
        _l("The sign-in service's answer is not properly signed. Nothing was changed."),
    ),
    "token_invalid": (
        _l("The login could not be verified"),
        _l("The sign-in service's answer is not valid. Please try again or contact your administrator."),
    ),
    "token_exchange": (
        _l("The login could not be completed"),
        _l("The sign-in service refused to complete this login. Please start the login again."),
    ),
    "cancelled": (
        _l("Login cancelled"),
        _l("You cancelled the login at the sign-in service. Nothing was changed."),
    ),
    "provider_error": (
        _l("The sign-in service refused the login"),
        _l("The sign-in service could not log you in. Please try again or contact your administrator."),
    ),
    "provider_down": (
        _l("The sign-in service is not available"),
        _l(
            "The sign-in service cannot be reached right now. Please try again later; administrators "
            "can still log in with their password."
        ),
    ),
    "provider_invalid": (
        _l("The sign-in service is not set up correctly"),
        _l("Please tell your administrator: the sign-in service settings need to be checked."),
    ),
    "provider_disabled": (
        _l("This sign-in service is switched off"),
        _l("Please use another way to log in, or ask your administrator."),
    ),
    "email_domain": (
        _l("This email address is not accepted here"),
        _l("Your account's email domain is not one this login accepts. Use your office account."),
    ),
    "opd_unknown": (
        _l("Your OPD is not registered here"),
        _l(
            "Your account names an OPD that this tenant does not have. Ask your administrator (Diskominfo) "
            "to add your OPD or correct your account."
        ),
    ),
    "not_provisioned": (
        _l("Ask your administrator for access"),
        _l(
            "You logged in correctly, but you do not have access here yet. Ask your administrator "
            "(Diskominfo) to add you; no account was created."
        ),
    ),
    "not_linked": (
        _l("Ask your administrator for access"),
        _l(
            "An account with your email address already exists, and it cannot be joined to this login "
            "automatically. Ask your administrator (Diskominfo) to link it; no account was created."
        ),
    ),
    "email_unverified": (
        _l("Your email address is not confirmed"),
        _l(
            "The sign-in service did not confirm that this email address is yours, so it cannot open or "
            "create an account here. Ask the service's administrator to verify your address; no account "
            "was created or linked."
        ),
    ),
    "no_email": (
        _l("Ask your administrator for access"),
        _l("Your account at the sign-in service has no email address, so no account can be created."),
    ),
    "platform_account": (
        _l("Use the ministry's login"),
        _l("Your account is a platform or ministry account: it logs in on the ministry's login page."),
    ),
    "not_ministry_account": (
        _l("This login is for ministry staff"),
        _l("Only ministry administrators and evaluators log in with the ministry's account."),
    ),
    "inactive": (
        _l("Your account is switched off"),
        _l("Ask your administrator if you need access again."),
    ),
    "suspended": (
        _l("This tenant is suspended"),
        _l("The platform operator has suspended this tenant; nobody can log in until it is reactivated."),
    ),
}


def _refused(error: SsoRefused, *, tenant_id, provider_id, retry_url: str):
    """Nothing of the failed login is kept: the transaction is rolled back, the refusal is audited (a
    callback for which no login was started only counted in the log)."""
    db.session.rollback()
    session.pop(SESSION_NEXT, None)
    if error.reason == NO_LOGIN_STARTED:
        with _unmatched_lock:
            count = next(_unmatched_callbacks)
        log.warning(
            "sso callback with no login started in this browser (%d in this process): tenant=%s provider=%s",
            count,
            tenant_id,
            provider_id,
        )
    else:
        services.record_refusal(
            error.reason, tenant_id=tenant_id, provider_id=provider_id, details=error.details
        )
        db.session.commit()
    title, text = REFUSALS.get(error.reason, REFUSALS["token_invalid"])
    return render_template(
        "sso/refused.html", reason=error.reason, title=title, text=text, retry_url=retry_url
    ), error.status


def _settings_or_refuse(provider):
    try:
        return services.client_settings(provider)
    except SecretUnreadable as error:
        raise SsoRefused("provider_invalid", status=503) from error


def _welcome(user, role: str | None) -> None:
    if g.get("tenant") is None:
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return
    actor = tenants.actor_for(user)
    opds = [o for o in tenants.list_opds(actor=actor) if o.id in actor.opd_ids]
    if opds:
        flash(
            _(
                "Welcome, %(name)s. You report for %(opds)s.",
                name=user.name,
                opds=", ".join(o.name for o in opds),
            ),
            "success",
        )
    else:
        flash(_("Welcome, %(name)s.", name=user.name), "success")


# --- tenant login ------------------------------------------------------------------------------


@bp.get("/<uuid:provider_id>/login")
@public
def login(provider_id):
    provider = services.sign_in_provider(provider_id, actor=g.actor)
    retry = url_for("accounts.tenant_login")
    try:
        services.ensure_tenant_active(g.tenant.id)
        if not provider.enabled:
            raise SsoRefused("provider_disabled", status=404)
        session[SESSION_NEXT] = safe_next("")
        redirect_uri = url_for("sso.callback", provider_id=provider.id, _external=True)
        return flow.start(_settings_or_refuse(provider), redirect_uri)
    except SsoRefused as error:
        return _refused(error, tenant_id=g.tenant.id, provider_id=provider.id, retry_url=retry)


@bp.get("/<uuid:provider_id>/callback")
@public
def callback(provider_id):
    provider = services.sign_in_provider(provider_id, actor=g.actor)
    retry = url_for("accounts.tenant_login")
    try:
        services.ensure_tenant_active(g.tenant.id)
        claims = flow.finish(_settings_or_refuse(provider))
        outcome = services.complete_tenant_login(provider.id, claims)
    except SsoRefused as error:
        return _refused(error, tenant_id=g.tenant.id, provider_id=provider.id, retry_url=retry)
    landing = "tenants.start" if has_start_page("tenant", outcome.role) else "tenants.dashboard"
    next_url = session.get(SESSION_NEXT) or url_for(landing)
    db.session.commit()
    login_user(outcome.user, via=VIA_SSO, scope_tenant_id=g.tenant.id, provider_id=provider.id)
    _welcome(outcome.user, outcome.role)
    return redirect(next_url)


# --- tenant admin: providers and the login policy ---------------------------------------------


def _role_map_from_text(text: str) -> dict:
    """One "claim value = role" per line, as the form shows it."""
    mapping = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        value, sep, role = line.rpartition("=")
        if not sep or not value.strip() or not role.strip():
            raise ValidationFailed.field("role_map", _("line %(n)d: write claim value = role", n=number))
        mapping[value.strip()] = role.strip()
    return mapping


def _form_settings(form, *, tenant: bool) -> dict:
    data = {
        name: form.get(name, "")
        for name in ("label", "issuer", "client_id", "client_secret", "scopes", "default_role", "role_claim")
    }
    data["allowed_email_domains"] = form.get("allowed_email_domains", "")
    data["role_map"] = _role_map_from_text(form.get("role_map", ""))
    for flag in ("provision_users", "link_by_email", "enabled"):
        data[flag] = form.get(flag) == "on"
    if tenant:
        data["opd_claim"] = form.get("opd_claim", "")
        data["opd_required"] = form.get("opd_required") == "on"
    return data


def _form_values(provider=None, form=None) -> dict:
    """What the form shows: the submitted values after an error, else the stored settings. Never the
    client secret."""
    if form:
        values = form.to_dict()
        for flag in ("provision_users", "link_by_email", "enabled", "opd_required"):
            values[flag] = form.get(flag) == "on"
    elif provider is not None:
        values = {k: getattr(provider, k, None) for k in services.TENANT_FIELDS if k != "client_secret"}
        values["allowed_email_domains"] = "\n".join(provider.allowed_email_domains or [])
        values["role_map"] = "\n".join(f"{k} = {v}" for k, v in (provider.role_map or {}).items())
    else:
        values = {"scopes": services.DEFAULT_SCOPES, "enabled": True}
    values.pop("client_secret", None)
    return values


@bp.get("/providers")
def providers():
    return render_template(
        "sso/providers.html",
        providers=services.list_providers(actor=g.actor),
        policy=services.login_policy(actor=g.actor),
        errors={},
    )


@bp.route("/providers/new", methods=["GET", "POST"])
def new_provider():
    policy.require(g.actor, "provider.create")
    errors = {}
    if request.method == "POST":
        try:
            provider = services.create_provider(_form_settings(request.form, tenant=True), actor=g.actor)
            db.session.commit()
            flash(
                _(
                    "%(label)s is saved. Register the redirect URI shown below at the provider.",
                    label=provider.label,
                ),
                "success",
            )
            return redirect(url_for("sso.providers"))
        except DomainError as error:
            errors = form_errors(error)
    return _provider_form(None, errors)


@bp.route("/providers/<uuid:provider_id>/edit", methods=["GET", "POST"])
def edit_provider(provider_id):
    provider = services.get_provider(provider_id, actor=g.actor)
    errors = {}
    if request.method == "POST":
        try:
            data = _form_settings(request.form, tenant=True)
            services.update_provider(provider_id, data, actor=g.actor)
            db.session.commit()
            flash(_("%(label)s is saved.", label=data["label"]), "success")
            return redirect(url_for("sso.providers"))
        except DomainError as error:
            errors = form_errors(error)
            provider = services.get_provider(provider_id, actor=g.actor)
    return _provider_form(provider, errors)


def _provider_form(provider, errors):
    return render_template(
        "sso/provider_form.html",
        provider=provider,
        values=_form_values(provider, request.form if errors else None),
        errors=errors,
        roles=TENANT_ROLES,
        ministry=False,
        redirect_uri=url_for("sso.callback", provider_id=provider.id, _external=True) if provider else None,
        check_url=url_for("sso.check_issuer"),
        cancel_url=url_for("sso.providers"),
    ), (422 if errors else 200)


@bp.post("/providers/<uuid:provider_id>/delete")
def delete_provider(provider_id):
    services.delete_provider(provider_id, actor=g.actor)
    db.session.commit()
    flash(_("The provider is removed. Accounts it created stay."), "success")
    return redirect(url_for("sso.providers"))


@bp.post("/login-policy")
def login_policy():
    try:
        services.set_login_policy(
            actor=g.actor, password_login_for_staff=request.form.get("password_login_for_staff") == "on"
        )
        db.session.commit()
        flash(_("The login policy is saved."), "success")
    except ValidationFailed as error:
        errors = form_errors(error)
        return render_template(
            "sso/providers.html",
            providers=services.list_providers(actor=g.actor),
            policy=services.login_policy(actor=g.actor),
            errors=errors,
        ), 422
    return redirect(url_for("sso.providers"))


@bp.post("/check-issuer")
def check_issuer():
    """htmx: read the issuer's discovery document now and say whether it is usable."""
    policy.require(g.actor, "provider.create")
    return _issuer_check_fragment()


def _issuer_check_fragment():
    try:
        metadata = services.check_issuer(request.form.get("issuer", ""), actor=g.actor)
        result = {"ok": True, "issuer": metadata["issuer"]}
    except ValidationFailed as error:
        result = {"ok": False, "message": error.errors["issuer"][0]}
    if not is_htmx():
        # Without JavaScript the check is part of saving; this answer is only for htmx.
        raise NotFound()
    return render_template("sso/_issuer_check.html", result=result)


# --- the ministry's login page and providers --------------------------------------------------


@ministry_bp.get("/ministry/login")
def ministry_login():
    return render_template(
        "sso/ministry_login.html",
        ministry_providers=services.enabled_ministry_providers(actor=g.actor),
        login_action=url_for("accounts.login"),
    )


@ministry_bp.get("/ministry/sso/<uuid:provider_id>/login")
def ministry_start(provider_id):
    provider = services.sign_in_ministry_provider(provider_id, actor=g.actor)
    try:
        if not provider.enabled:
            raise SsoRefused("provider_disabled", status=404)
        session[SESSION_NEXT] = safe_next("")
        redirect_uri = url_for("ministry_sso.ministry_callback", provider_id=provider.id, _external=True)
        return flow.start(_settings_or_refuse(provider), redirect_uri)
    except SsoRefused as error:
        return _refused(error, tenant_id=None, provider_id=provider.id, retry_url=url_for(".ministry_login"))


@ministry_bp.get("/ministry/sso/<uuid:provider_id>/callback")
def ministry_callback(provider_id):
    provider = services.sign_in_ministry_provider(provider_id, actor=g.actor)
    try:
        claims = flow.finish(_settings_or_refuse(provider))
        outcome = services.complete_ministry_login(provider.id, claims)
    except SsoRefused as error:
        return _refused(error, tenant_id=None, provider_id=provider.id, retry_url=url_for(".ministry_login"))
    next_url = session.get(SESSION_NEXT) or url_for("accounts.home")
    db.session.commit()
    login_user(outcome.user, via=VIA_MINISTRY_SSO, provider_id=provider.id)
    _welcome(outcome.user, outcome.role)
    return redirect(next_url)


@ministry_bp.get("/admin/sso/ministry", endpoint="providers")
@platform_admin_required
def ministry_providers():
    return render_template(
        "sso/ministry_providers.html", providers=services.list_ministry_providers(actor=g.actor)
    )


@ministry_bp.route("/admin/sso/ministry/new", methods=["GET", "POST"])
@platform_admin_required
def new_ministry_provider():
    errors = {}
    if request.method == "POST":
        try:
            provider = services.create_ministry_provider(
                _form_settings(request.form, tenant=False), actor=g.actor
            )
            db.session.commit()
            flash(
                _(
                    "%(label)s is saved. Register the redirect URI shown below at the provider.",
                    label=provider.label,
                ),
                "success",
            )
            return redirect(url_for("ministry_sso.providers"))
        except DomainError as error:
            errors = form_errors(error)
    return _ministry_form(None, errors)


@ministry_bp.route("/admin/sso/ministry/<uuid:provider_id>/edit", methods=["GET", "POST"])
@platform_admin_required
def edit_ministry_provider(provider_id):
    provider = services.get_ministry_provider(provider_id, actor=g.actor)
    errors = {}
    if request.method == "POST":
        try:
            data = _form_settings(request.form, tenant=False)
            services.update_ministry_provider(provider_id, data, actor=g.actor)
            db.session.commit()
            flash(_("%(label)s is saved.", label=data["label"]), "success")
            return redirect(url_for("ministry_sso.providers"))
        except DomainError as error:
            errors = form_errors(error)
            provider = services.get_ministry_provider(provider_id, actor=g.actor)
    return _ministry_form(provider, errors)


def _ministry_form(provider, errors):
    redirect_uri = (
        url_for("ministry_sso.ministry_callback", provider_id=provider.id, _external=True)
        if provider
        else None
    )
    return render_template(
        "sso/provider_form.html",
        provider=provider,
        values=_form_values(provider, request.form if errors else None),
        errors=errors,
        roles=MINISTRY_ROLES,
        ministry=True,
        redirect_uri=redirect_uri,
        check_url=url_for("ministry_sso.check_issuer"),
        cancel_url=url_for("ministry_sso.providers"),
    ), (422 if errors else 200)


@ministry_bp.post("/admin/sso/ministry/<uuid:provider_id>/delete")
@platform_admin_required
def delete_ministry_provider(provider_id):
    services.delete_ministry_provider(provider_id, actor=g.actor)
    db.session.commit()
    flash(_("The provider is removed. Accounts it created stay."), "success")
    return redirect(url_for("ministry_sso.providers"))


@ministry_bp.post("/admin/sso/ministry/check-issuer", endpoint="check_issuer")
@platform_admin_required
def check_issuer_ministry():
    return _issuer_check_fragment()

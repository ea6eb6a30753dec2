"""Pages: login, logout, the tenant picker, language switch and API tokens."""

import uuid

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.accounts import services
from app.accounts.session import current_login, login_user, logout_user
from app.core.audit import record_event
from app.core.errors import DomainError
from app.core.form_errors import form_errors
from app.core.pages import login_required, safe_next
from app.core.paths import memberships_of, public
from app.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates")


def _landing(user) -> str:
    memberships = memberships_of(user.id)
    if user.platform_role == "platform_admin":
        return url_for("admin.tenants")
    if len(memberships) == 1:
        return url_for("tenants.dashboard", tenant=memberships[0][0].slug)
    return url_for("accounts.home")


def _do_login(template: str, **context):
    email = request.form.get("email", "")
    try:
        # The client address is the proxy's X-Forwarded-For entry when TRUSTED_PROXY_HOPS is set.
        user = services.authenticate(
            email, request.form.get("password", ""), client_address=request.remote_addr
        )
    except services.TooManyAttempts as refusal:
        minutes = (refusal.retry_after + 59) // 60
        message = ngettext(
            "Too many failed attempts. Try again in %(num)d minute.",
            "Too many failed attempts. Try again in %(num)d minutes.",
            minutes,
        )
        page = render_template(template, error=message, email=email, **context)
        return page, 429, {"Retry-After": str(refusal.retry_after)}
    except services.LoginRefused:
        return render_template(template, error=_("Email or password is wrong."), email=email, **context), 401
    db.session.commit()
    login_user(user)
    return redirect(safe_next(_landing(user)))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        return _do_login("accounts/login.html")
    if g.user is not None:
        return redirect(_landing(g.user))
    return render_template("accounts/login.html")


@bp.route("/t/<tenant>/login", methods=["GET", "POST"])
@public
def tenant_login():
    if request.method == "POST":
        return _do_login("accounts/login.html", login_tenant=g.tenant)
    if g.user is not None and g.actor.tenant_role is not None:
        return redirect(url_for("tenants.dashboard"))
    return render_template("accounts/login.html", login_tenant=g.tenant)


@bp.post("/logout")
def logout():
    return _logged_out()


@bp.get("/")
@login_required
def home():
    return render_template("accounts/home.html", memberships=memberships_of(g.user.id))


@bp.post("/locale")
def set_locale():
    """Switch the language: remembered in the session, and on the user when logged in."""
    locale = request.form.get("locale")
    languages = current_app.config["LANGUAGES"]
    if locale not in languages:
        raise services.ValidationFailed.field(
            "locale", _("Choose one of: %(list)s.", list=", ".join(languages))
        )
    session["locale"] = locale
    if g.user is not None:
        services.set_locale(locale, actor=g.actor)
        db.session.commit()
    return redirect(safe_next(url_for("accounts.home")))


BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"))
SYSTEMS += (("Mac OS", "macOS"), ("Linux", "Linux"))


def user_agent_label(user_agent: str | None) -> str:
    """A browser and system a person recognises ("Chrome on Windows"), from the User-Agent header."""
    text = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in text), None)
    system = next((name for mark, name in SYSTEMS if mark in text), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


@bp.get("/account/sessions")
@login_required
def sessions():
    """Where the account is logged in now, with a way to sign any of them out."""
    return render_template(
        "accounts/sessions.html",
        logins=services.active_sessions(actor=g.actor),
        current=current_login(),
        tenant_names={t.id: t.name for t, _role in memberships_of(g.user.id)},
    )


@bp.post("/account/sessions/<uuid:session_id>/end")
@login_required
def end_session(session_id):
    services.end_own_session(session_id, actor=g.actor)
    db.session.commit()
    if session_id == current_login().id:
        return _logged_out()
    flash(_("That session is signed out."), "success")
    return redirect(url_for("accounts.sessions"))


@bp.post("/account/sessions/end-all")
@login_required
def end_all_sessions():
    """Sign out everywhere, this browser included."""
    count = services.end_sessions([g.user.id], "signed_out", actor=g.actor)
    record_event("accounts.signed_out_everywhere", user_id=g.user.id, details={"sessions": count})
    db.session.commit()
    return _logged_out()


def _logged_out():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password: every other browser logged in to the account is signed out."""
    errors = {}
    if request.method == "POST":
        try:
            if request.form.get("new_password", "") != request.form.get("confirm_password", ""):
                raise services.ValidationFailed.field("confirm_password", _("The two new passwords differ."))
            services.change_password(
                request.form.get("current_password", ""),
                request.form.get("new_password", ""),
                actor=g.actor,
                keep=current_login().id,
            )
            record_event("accounts.password_changed", user_id=g.user.id)
            db.session.commit()
            flash(
                _("Your password is changed. Other browsers logged in to your account are signed out."),
                "success",
            )
            return redirect(url_for("accounts.sessions"))
        except DomainError as error:
            errors = form_errors(error)
    return render_template("accounts/password.html", errors=errors), (422 if errors else 200)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    memberships = memberships_of(g.user.id)
    login = current_login()
    if login.scope_tenant_id is not None:
        # A session a tenant's provider opened makes tokens for that tenant only.
        memberships = [(t, role) for t, role in memberships if t.id == login.scope_tenant_id]
    created_secret = None
    errors = {}
    if request.method == "POST":
        scope = request.form.get("tenant_id") or None
        try:
            scope_id = uuid.UUID(scope) if scope else None
            if scope_id is None and g.actor.platform_role is None:
                raise services.ValidationFailed.field("tenant_id", _("Choose one of your tenants."))
            if scope_id is not None and scope_id not in {t.id for t, _role in memberships}:
                raise services.ValidationFailed.field("tenant_id", _("Choose one of your tenants."))
            _token, created_secret = services.create_api_token(
                request.form.get("name", ""), scope_id, actor=g.actor
            )
            db.session.commit()
        except ValueError:
            errors = {"tenant_id": [_("Choose one of your tenants.")]}
        except DomainError as error:
            errors = form_errors(error, field="name")
    status = 422 if errors else 200
    return render_template(
        "accounts/tokens.html",
        tokens=services.list_api_tokens(actor=g.actor),
        memberships=memberships,
        tenant_names={t.id: t.name for t, _role in memberships},
        created_secret=created_secret,
        errors=errors,
    ), status


@bp.post("/account/tokens/<uuid:token_id>/revoke")
@login_required
def revoke_token(token_id):
    services.revoke_api_token(token_id, actor=g.actor)
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.tokens"))

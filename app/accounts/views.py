"""Pages: login, logout, the tenant picker, language switch, API tokens, and one's own account: sessions,
password (changed, or reset by mail) and email address (confirmed from the new inbox)."""

import io
import json
import uuid

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from openpyxl import Workbook

from app.accounts import personal_data as privacy
from app.accounts import self_service, services
from app.accounts.session import current_login, login_user, logout_user
from app.core.audit import record_event
from app.core.auth import ANONYMOUS, EVALUATOR, PLATFORM_ADMIN, Actor, evaluator_assignments
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.exports import append_row
from app.core.form_errors import form_errors
from app.core.landing import has_start_page, start_page
from app.core.mail import public_url, send_template
from app.core.pages import login_required, paginate, platform_admin_required, safe_next, search_arg
from app.core.paths import memberships_of, public
from app.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates")


def _landing(user) -> str:
    """Where a person's work is: the operator on the tenants, a member of one tenant where their role
    works there (``tenants.start`` decides), a ministry account on its own start page, anyone else on
    the list of their tenants."""
    if user.platform_role == PLATFORM_ADMIN:
        return url_for("admin.tenants")
    memberships = memberships_of(user.id)
    if len(memberships) == 1:
        return _tenant_landing(memberships[0][0].slug, memberships[0][1])
    if not memberships and user.platform_role is not None:
        assignments = evaluator_assignments(user.id) if user.platform_role == EVALUATOR else frozenset()
        actor = Actor(user_id=user.id, platform_role=user.platform_role, assignments=assignments)
        return start_page("platform", actor) or url_for("accounts.home")
    return url_for("accounts.home")


def _tenant_landing(slug: str, role: str) -> str:
    """A role with a start page of its own goes through ``tenants.start``; the others land on the
    dashboard at once."""
    endpoint = "tenants.start" if has_start_page("tenant", role) else "tenants.dashboard"
    return url_for(endpoint, tenant=slug)


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
    tenant = context.get("login_tenant")
    # A tenant's own login page leads into that tenant when the person belongs to it.
    role_here = next((role for t, role in memberships_of(user.id) if tenant and t.id == tenant.id), None)
    landing = _tenant_landing(tenant.slug, role_here) if role_here else _landing(user)
    return redirect(safe_next(landing))


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
        return redirect(url_for("tenants.start"))
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


# --- a forgotten password, a new email address: links sent by mail ------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password reset link. The answer is the same whether the address has an account."""
    errors = {}
    if request.method == "POST":
        try:
            issued = self_service.request_password_reset(request.form.get("email", ""), actor=ANONYMOUS)
            db.session.commit()
        except DomainError as error:
            errors = form_errors(error, field="email")
        else:
            if issued is not None:
                _send_reset_link(*issued)
            return redirect(url_for("accounts.reset_link_sent"), code=303)
    return render_template(
        "accounts/forgot_password.html", errors=errors, email=request.form.get("email", "")
    ), (422 if errors else 200)


def _send_reset_link(user, secret: str) -> None:
    # The link is built on PUBLIC_BASE_URL, never on the Host header the requester sent.
    link = public_url("accounts.reset_password", token=secret)
    hours = self_service.link_hours(self_service.PASSWORD_RESET)
    send_template(user.email, "password_reset", locale=user.locale or "id", user=user, link=link, hours=hours)


@bp.get("/password/forgot/sent")
def reset_link_sent():
    hours = self_service.link_hours(self_service.PASSWORD_RESET)
    return render_template("accounts/reset_link_sent.html", hours=hours)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password through a mailed link (opening the link changes nothing; the form does)."""
    link = self_service.open_link(token, self_service.PASSWORD_RESET, actor=ANONYMOUS)
    errors = {}
    if request.method == "POST":
        try:
            if request.form.get("new_password", "") != request.form.get("confirm_password", ""):
                raise services.ValidationFailed.field("confirm_password", _("The two new passwords differ."))
            self_service.reset_password(token, request.form.get("new_password", ""), actor=ANONYMOUS)
            db.session.commit()
        except DomainError as error:
            errors = form_errors(error, field="new_password")
            # The service names the password it checks "password"; on this form it is the new one.
            if "password" in errors:
                errors["new_password"] = errors.pop("password")
        else:
            if g.get("login") is not None:
                logout_user()
            flash(_("Your password is changed. Log in with it now."), "success")
            return redirect(url_for("accounts.login"), code=303)
    user = services.find_user(link.user_id)
    return render_template("accounts/reset_password.html", account=user, errors=errors), (
        422 if errors else 200
    )


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    """Use another email address: a link goes to the new address, and nothing changes until it is opened."""
    errors = {}
    if request.method == "POST":
        try:
            user, email, secret = self_service.request_email_change(
                request.form.get("email", ""), request.form.get("current_password", ""), actor=g.actor
            )
            db.session.commit()
        except DomainError as error:
            errors = form_errors(error, field="email")
        else:
            link = public_url("accounts.confirm_email", token=secret)
            hours = self_service.link_hours(self_service.EMAIL_CHANGE)
            locale = user.locale or "id"
            send_template(
                email, "email_change", locale=locale, user=user, new_email=email, link=link, hours=hours
            )
            flash(
                _("We sent a link to %(email)s. Open it to confirm the new address.", email=email), "success"
            )
            return redirect(url_for("accounts.change_email"), code=303)
    return render_template(
        "accounts/email.html",
        errors=errors,
        form=request.form,
        pending=self_service.pending_email_change(actor=g.actor),
    ), (422 if errors else 200)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """Confirm a new email address from the link mailed to it (opening the link changes nothing; the
    button does: mail scanners open links too)."""
    link = self_service.open_link(token, self_service.EMAIL_CHANGE, actor=ANONYMOUS)
    errors = {}
    if request.method == "POST":
        try:
            user, old = self_service.confirm_email_change(token, actor=ANONYMOUS)
            db.session.commit()
        except DomainError as error:
            errors = form_errors(error, field="email")
        else:
            locale = user.locale or "id"
            send_template(old, "email_changed", locale=locale, user=user, new_email=user.email, old_email=old)
            flash(_("Your account now uses %(email)s.", email=user.email), "success")
            return redirect(url_for("accounts.home" if g.get("user") else "accounts.login"), code=303)
    return render_template("accounts/confirm_email.html", link=link, errors=errors), (422 if errors else 200)


# --- personal data (UU No. 27 Tahun 2022): one's own download; the operator's erasure of a person ------


@bp.get("/account/data")
@login_required
def personal_data():
    """What the product holds about the person, part by part, with its downloads."""
    data = privacy.personal_data(g.user.id, actor=g.actor)
    return render_template(
        "accounts/personal_data.html", data=data, labels=privacy.part_labels(), formats=privacy.FORMATS
    )


@bp.get("/account/data.<fmt>")
@login_required
def download_personal_data(fmt):
    """The person's data as one JSON document or one workbook (a sheet per part); the download is audited."""
    if fmt not in privacy.FORMATS:
        abort(404)
    data = privacy.download_personal_data(g.user.id, fmt, actor=g.actor)
    db.session.commit()
    stamp = utcnow().strftime("%Y%m%d")
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        mimetype, name = "application/json", f"kotacerdas-personal-data-{stamp}.json"
    else:
        body = _personal_data_workbook(data, privacy.part_labels())
        mimetype, name = XLSX, f"kotacerdas-personal-data-{stamp}.xlsx"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _personal_data_workbook(data: dict[str, list[dict]], labels: dict) -> bytes:
    """One sheet per part, a row per item; lists and nested values as JSON text."""
    workbook = Workbook(write_only=True)
    for key, rows in data.items():
        sheet = workbook.create_sheet(str(labels.get(key, key))[:31])
        columns = list(dict.fromkeys(column for row in rows for column in row)) or [_("Nothing held")]
        append_row(sheet, columns)
        for row in rows:
            append_row(sheet, [_cell(row.get(column)) for column in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


@bp.get("/admin/people")
@platform_admin_required
def people():
    """The operator finds a person by name or email, to answer a request about their data."""
    search = search_arg()
    page = paginate(privacy.people_query(search, actor=g.actor))
    return render_template(
        "accounts/people.html", page=page, search=search, params={"q": search} if search else {}
    )


def _person_page(user_id, errors=None, status=200):
    user = services.get_user(user_id, actor=g.actor)
    data = privacy.personal_data_for_erasure(user_id, actor=g.actor)
    refusals = privacy.erasure_refusals(user_id, actor=g.actor)
    return render_template(
        "accounts/person.html", person=user, data=data, refusals=refusals, errors=errors or {}
    ), status


@bp.get("/admin/people/<uuid:user_id>")
@platform_admin_required
def person(user_id):
    """A person as the operator sees them before an erasure: account, memberships, what else is held."""
    return _person_page(user_id)


@bp.post("/admin/people/<uuid:user_id>/erase")
@platform_admin_required
def erase_person(user_id):
    """Erase the person once the operator typed their email address to confirm."""
    user = services.get_user(user_id, actor=g.actor)
    typed = request.form.get("confirm_email", "").strip().lower()
    if typed != user.email.lower():
        errors = {"confirm_email": [_("Type the person's email address exactly to confirm.")]}
        return _person_page(user_id, errors, 422)
    try:
        privacy.erase_person(user_id, actor=g.actor)
    except DomainError as error:
        db.session.rollback()
        return _person_page(user_id, form_errors(error), 409)
    db.session.commit()
    flash(
        _("The person is erased: their memberships, sessions, tokens and sign-on links are gone."), "success"
    )
    return redirect(url_for("accounts.people"), code=303)

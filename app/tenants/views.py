"""Pages: the tenant dashboard, OPDs, members and invitations; the platform admin's tenant pages."""

from io import BytesIO

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.accounts import services as accounts
from app.accounts.session import login_user
from app.core.auth import TENANT_ROLES
from app.core.dashboard import dashboard_panels
from app.core.errors import DomainError, ValidationFailed
from app.core.form_errors import check_form, form_errors
from app.core.landing import first_steps, has_start_page, start_page
from app.core.pages import (
    form_uuids,
    is_htmx,
    paginate,
    platform_admin_required,
    search_arg,
    wants_fragment,
)
from app.core.paths import public
from app.core.tenancy import tenant_context
from app.core.workbooks import received_workbook
from app.extensions import db
from app.tenants import notices, opd_bulk, policy, services
from app.tenants.models import ACTIVE, SUSPENDED, TIMEZONES
from app.tenants.schemas import (
    InvitationAcceptanceSchema,
    InvitationFormSchema,
    OpdSchema,
    OpdUpdateSchema,
    TenantCreateSchema,
)

bp = Blueprint("tenants", __name__, url_prefix="/t/<tenant>", template_folder="templates")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


# The elements htmx swaps while filtering and paging (the view answers with that fragment alone).
OPD_TABLE = "opd-table"
MEMBER_TABLE = "member-table"
INVITATION_TABLE = "invitation-table"
# The invitation list shares the members page with the member list, so it pages under its own name.
INVITATIONS_PAGE = "invitations_page"
TENANT_TABLE = "tenant-table"


def _filters(**values) -> dict:
    """The filters to carry into pagination links: only those set."""
    return {key: value for key, value in values.items() if value}


@bp.get("/")
def dashboard():
    is_admin = policy.can(g.actor, "member.list")
    return render_template(
        "tenants/dashboard.html",
        opd_count=services.opd_count(actor=g.actor),
        member_count=services.member_count(actor=g.actor) if is_admin else None,
        members_by_role=services.member_counts_by_role(actor=g.actor) if is_admin else None,
        first_steps=first_steps(g.actor),
        panels=dashboard_panels(g.actor),
    )


@bp.get("/start")
def start():
    """Where this member's work is, after logging in: the page a domain registered for their role (an
    OPD operator's programs), else the dashboard (the secretariat's, with a new tenant's first steps)."""
    return redirect(start_page("tenant", g.actor) or url_for("tenants.dashboard"))


# --- OPDs -------------------------------------------------------------------------------------


@bp.route("/opds", methods=["GET", "POST"])
def opds():
    errors, form, status = {}, {}, 200
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            check_form(OpdSchema(), form)
            opd = services.create_opd(form, actor=g.actor)
            db.session.commit()
            flash(_("OPD %(code)s added.", code=opd.code), "success")
            return redirect(url_for("tenants.opds"))
        except DomainError as error:
            errors, status = form_errors(error), error.status
    search = search_arg()
    page = paginate(services.opds_query(search, actor=g.actor))
    context = {"page": page, "search": search, "params": _filters(q=search)}
    if wants_fragment(OPD_TABLE):
        return render_template("tenants/_opd_table.html", **context)
    return render_template("tenants/opds.html", errors=errors, form=form, **context, **_usual()), status


def _usual() -> dict:
    """The usual nomenclature for the suggestions, with the codes the tenant already has."""
    if not policy.can(g.actor, "opd.bulk_add"):
        return {"usual": [], "present": set()}
    usual = opd_bulk.usual_with_presence(actor=g.actor)
    return {"usual": usual, "present": {u["code"] for u in usual if u["present"]}}


OPD_UPLOAD_BYTES = 2 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/opds/template.xlsx")
def opd_template():
    """The workbook to fill with a list of OPDs (Code and Name columns, headed in the page's language)."""
    policy.require(g.actor, "opd.bulk_add")
    response = make_response(
        send_file(
            BytesIO(opd_bulk.template_workbook()),
            mimetype=XLSX_TYPE,
            as_attachment=True,
            download_name="opd-template.xlsx",
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/opds/bulk")
def bulk_opds():
    """Many OPDs at once: pasted lines, a workbook or ticked usual ones are first shown as a preview (new,
    already there, problems); confirming adds all the new ones together, or nothing."""
    policy.require(g.actor, "opd.bulk_add")
    if request.form.get("confirm"):
        return _bulk_confirm()
    text = request.form.get("lines", "")
    try:
        entries = _bulk_entries(text)
        plan = opd_bulk.plan_opds(entries, actor=g.actor)
    except DomainError as error:
        errors = form_errors(error, field="file")
        return _bulk_page(None, text, errors, error.status)
    if not entries:
        return _bulk_page(
            None, text, {"lines": [_("Paste some lines, choose a workbook or tick OPDs.")]}, 422
        )
    return _bulk_page(plan, text, {}, 422 if plan.problems else 200)


def _bulk_entries(text: str) -> list:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        with received_workbook(upload.stream, OPD_UPLOAD_BYTES) as path:
            return opd_bulk.entries_from_workbook(path)
    if picked := request.form.getlist("usual"):
        return opd_bulk.entries_from_usual(picked)
    return opd_bulk.entries_from_text(text)


def _bulk_confirm():
    """Add the previewed list, carried back in the confirm form's hidden fields."""
    codes, names = request.form.getlist("code"), request.form.getlist("name")
    numbers = request.form.getlist("number")
    entries = [
        opd_bulk.Entry(int(n) if n.isdigit() else i + 1, c, m)
        for i, (n, c, m) in enumerate(zip(numbers, codes, names, strict=False))
    ]
    try:
        added, _plan = opd_bulk.add_opds(entries, actor=g.actor)
        db.session.commit()
    except DomainError as error:
        form_errors(error)
        plan = opd_bulk.plan_opds(entries, actor=g.actor)
        return _bulk_page(plan, request.form.get("lines", ""), {}, 422)
    flash(ngettext("%(num)s OPD added.", "%(num)s OPDs added.", len(added)), "success")
    return redirect(url_for("tenants.opds"))


def _bulk_page(plan, text: str, errors: dict, status: int):
    upload = request.files.get("file")
    from_workbook = bool(upload and upload.filename)
    return render_template(
        "tenants/opd_bulk.html", plan=plan, lines=text, errors=errors, from_workbook=from_workbook, **_usual()
    ), status


def _opd_row_target(opd_id) -> str:
    return f"opd-{opd_id}"


@bp.route("/opds/<uuid:opd_id>/edit", methods=["GET", "POST"])
def edit_opd(opd_id):
    """Edit an OPD: a page of its own, or (with htmx) in place in its table row."""
    opd = services.get_opd(opd_id, actor=g.actor)
    policy.require(g.actor, "opd.update", opd)
    inline = wants_fragment(_opd_row_target(opd_id))
    errors = {}
    if request.method == "POST":
        try:
            check_form(OpdUpdateSchema(), request.form)
            services.update_opd(opd_id, request.form.to_dict(), actor=g.actor)
            db.session.commit()
            if inline:
                return render_template("tenants/_opd_row.html", opd=opd, saved=True)
            flash(_("OPD %(code)s saved.", code=opd.code), "success")
            return redirect(url_for("tenants.opds"))
        except DomainError as error:
            errors = form_errors(error)
            opd = services.get_opd(opd_id, actor=g.actor)
    template = "tenants/_opd_row_edit.html" if inline else "tenants/opd_edit.html"
    return render_template(template, opd=opd, errors=errors, form=request.form), (422 if errors else 200)


@bp.get("/opds/<uuid:opd_id>/row")
def opd_row(opd_id):
    """An OPD's table row, for htmx to put back when an inline edit is cancelled."""
    if not is_htmx():
        return redirect(url_for("tenants.opds") + f"#{_opd_row_target(opd_id)}")
    return render_template("tenants/_opd_row.html", opd=services.get_opd(opd_id, actor=g.actor))


@bp.post("/opds/<uuid:opd_id>/delete")
def delete_opd(opd_id):
    try:
        services.delete_opd(opd_id, actor=g.actor)
        db.session.commit()
        flash(_("The OPD is removed."), "success")
    except DomainError as error:
        form_errors(error)
        flash(_("This OPD cannot be removed: %(reason)s.", reason=error.message), "danger")
    return redirect(url_for("tenants.opds"))


# --- members ----------------------------------------------------------------------------------


def _members_page(errors=None, form=None, status=422):
    policy.require(g.actor, "member.list")
    opds = services.list_opds(actor=g.actor)
    # An htmx swap of one list builds that list alone.
    if wants_fragment(INVITATION_TABLE):
        return render_template("tenants/_invitation_table.html", **_members_invitation_list(opds))
    members = _member_list(opds)
    if wants_fragment(MEMBER_TABLE):
        return render_template("tenants/_member_table.html", **members)
    return render_template(
        "tenants/members.html",
        errors=errors or {},
        form=form or {},
        # A refused invitation keeps the OPDs that were ticked.
        form_opd_ids=form_uuids("opd_ids") if form else [],
        **members,
        **_members_invitation_list(opds),
    ), (status if errors else 200)


def _member_list(opds) -> dict:
    search, role = search_arg(), request.args.get("role", "")
    page = paginate(services.members_query(search, role, actor=g.actor), rows=True)
    return {
        "page": page,
        "member_opds": services.opds_by_membership([m.id for m, _u in page.items], actor=g.actor),
        "opds": opds,
        "opd_options": [(opd.id, opd.acronym or opd.code) for opd in opds],
        "roles": TENANT_ROLES,
        "search": search,
        "role": role,
        "params": _filters(q=search, role=role, **{INVITATIONS_PAGE: request.args.get(INVITATIONS_PAGE)}),
    }


def _members_invitation_list(opds) -> dict:
    # Paging one list keeps the other list's page and the member filters.
    params = _filters(q=search_arg(), role=request.args.get("role"), page=request.args.get("page"))
    return _invitation_list(opds, "tenants.members", params, _invitation_url)


def _invitation_url(action: str, invitation) -> str:
    return url_for(f"tenants.{action}_invitation", invitation_id=invitation.id)


def _invitation_list(opds, endpoint: str, params: dict, action_url) -> dict:
    """The waiting invitations, paged under their own query parameter, for ``_invitation_table.html``:
    the list lives at ``endpoint`` with ``params``; ``action_url(action, invitation)`` resends or revokes."""
    invitations = services.pending_invitations_with_inviters_query(actor=g.actor)
    page = paginate(invitations, rows=True, param=INVITATIONS_PAGE)
    return {
        "invitations": page,
        "invitation_opds": {opd.id: opd.acronym or opd.code for opd in opds},
        "invitation_endpoint": endpoint,
        "invitation_params": params,
        "invitation_action": action_url,
    }


@bp.get("/members")
def members():
    return _members_page()


@bp.post("/members/invite")
def invite():
    form = request.form.to_dict()
    try:
        check_form(InvitationFormSchema(), request.form)
        invitation, token = services.invite_member(
            form.get("email", ""), form.get("role", ""), form_uuids("opd_ids"), actor=g.actor
        )
        db.session.commit()
    except DomainError as error:
        return _members_page(form_errors(error), form, error.status)
    notices.send_invitation(g.tenant, invitation, token)
    flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("tenants.members"))


@bp.post("/members/invitations/<uuid:invitation_id>/resend")
def resend_invitation(invitation_id):
    invitation, token = services.resend_invitation(invitation_id, actor=g.actor)
    db.session.commit()
    notices.send_invitation(g.tenant, invitation, token)
    flash(_resent_message(invitation), "success")
    return redirect(url_for("tenants.members"))


@bp.post("/members/invitations/<uuid:invitation_id>/revoke")
def revoke_invitation(invitation_id):
    invitation = services.revoke_invitation(invitation_id, actor=g.actor)
    db.session.commit()
    flash(_revoked_message(invitation), "success")
    return redirect(url_for("tenants.members"))


def _resent_message(invitation) -> str:
    return _(
        "A new invitation link was sent to %(email)s; the earlier link no longer works.",
        email=invitation.email,
    )


def _revoked_message(invitation) -> str:
    return _("The invitation for %(email)s is revoked; its link no longer works.", email=invitation.email)


@bp.post("/members/<uuid:membership_id>")
def update_member(membership_id):
    try:
        services.update_member(
            membership_id, actor=g.actor, role=request.form.get("role"), opd_ids=form_uuids("opd_ids")
        )
        db.session.commit()
        flash(_("The member is updated."), "success")
    except DomainError as error:
        return _members_page(form_errors(error), status=error.status)
    return redirect(url_for("tenants.members"))


@bp.post("/members/<uuid:membership_id>/remove")
def remove_member(membership_id):
    try:
        services.remove_member(membership_id, actor=g.actor)
        db.session.commit()
        flash(_("The member is removed from this tenant."), "success")
    except DomainError as error:
        return _members_page(form_errors(error), status=error.status)
    return redirect(url_for("tenants.members"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    invitation = services.find_invitation(token, actor=g.actor)
    # Only a valid link learns that its tenant is suspended; then nobody joins until it is reactivated.
    services.ensure_active(g.tenant)
    errors = {}
    if request.method == "POST":
        try:
            check_form(InvitationAcceptanceSchema(), request.form)
            services.accept_invitation(
                token,
                actor=g.actor,
                name=request.form.get("name"),
                password=request.form.get("password"),
            )
            user = accounts.find_user_by_email(invitation.email)
            db.session.commit()
            login_user(user)
            flash(_("Welcome to %(tenant)s.", tenant=g.tenant.name), "success")
            landing = "tenants.start" if has_start_page("tenant", invitation.role) else "tenants.dashboard"
            return redirect(url_for(landing))
        except DomainError as error:
            errors = form_errors(error)
            invitation = services.find_invitation(token, actor=g.actor)
    existing = accounts.find_user_by_email(invitation.email)
    return render_template(
        "tenants/accept_invitation.html", invitation=invitation, existing=existing, errors=errors
    ), (422 if errors else 200)


# --- platform admin ---------------------------------------------------------------------------


@admin_bp.get("/tenants")
@platform_admin_required
def tenants():
    status = request.args.get("status", "")
    if status not in ("", ACTIVE, SUSPENDED):
        raise ValidationFailed.field("status", _("Choose active or suspended."))
    search = search_arg()
    context = {
        "page": paginate(services.tenants_query(status or None, search, actor=g.actor)),
        "status": status,
        "search": search,
        "params": _filters(q=search, status=status),
    }
    if wants_fragment(TENANT_TABLE):
        return render_template("tenants/_tenant_table.html", **context)
    return render_template("tenants/admin_tenants.html", **context)


@admin_bp.route("/tenants/new", methods=["GET", "POST"])
@platform_admin_required
def new_tenant():
    errors, form = {}, request.form.to_dict()
    if request.method == "POST":
        try:
            check_form(TenantCreateSchema(), form)
            tenant = services.create_tenant(
                actor=g.actor,
                region_code=form.get("region_code", ""),
                slug=form.get("slug") or None,
                timezone=form.get("timezone") or None,
            )
            db.session.commit()
            flash(_("Tenant %(name)s created. Invite its first administrator.", name=tenant.name), "success")
            return redirect(url_for("admin.tenant", tenant_id=tenant.id))
        except DomainError as error:
            errors = form_errors(error)
    return render_template(
        "tenants/admin_tenant_new.html",
        regions=services.unassigned_regions(actor=g.actor),
        timezones=TIMEZONES,
        errors=errors,
        form=form,
    ), (422 if errors else 200)


@admin_bp.route("/tenants/<uuid:tenant_id>", methods=["GET", "POST"])
@platform_admin_required
def tenant(tenant_id):
    tenant = services.get_tenant(tenant_id, actor=g.actor)
    errors = {}
    if request.method == "POST":
        try:
            check_form(InvitationFormSchema(), request.form)
            invitation, token = services.invite_first_admin(
                tenant_id, request.form.get("email", ""), actor=g.actor
            )
            db.session.commit()
            notices.send_invitation(tenant, invitation, token)
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("admin.tenant", tenant_id=tenant_id))
        except DomainError as error:
            errors = form_errors(error)
    with tenant_context(tenant.id):
        admins = services.admins(actor=g.actor)
        invitations = _tenant_invitation_list(tenant)
    if wants_fragment(INVITATION_TABLE):
        return render_template("tenants/_invitation_table.html", **invitations)
    return render_template(
        "tenants/admin_tenant.html", tenant=tenant, admins=admins, errors=errors, **invitations
    ), (422 if errors else 200)


def _tenant_invitation_list(tenant) -> dict:
    def action_url(action, invitation):
        return url_for(f"admin.{action}_tenant_invitation", tenant_id=tenant.id, invitation_id=invitation.id)

    return _invitation_list(
        services.list_opds(actor=g.actor), "admin.tenant", {"tenant_id": tenant.id}, action_url
    )


@admin_bp.post("/tenants/<uuid:tenant_id>/invitations/<uuid:invitation_id>/resend")
@platform_admin_required
def resend_tenant_invitation(tenant_id, invitation_id):
    invitation, token = services.resend_tenant_invitation(tenant_id, invitation_id, actor=g.actor)
    db.session.commit()
    notices.send_invitation(services.get_tenant(tenant_id, actor=g.actor), invitation, token)
    flash(_resent_message(invitation), "success")
    return redirect(url_for("admin.tenant", tenant_id=tenant_id))


@admin_bp.post("/tenants/<uuid:tenant_id>/invitations/<uuid:invitation_id>/revoke")
@platform_admin_required
def revoke_tenant_invitation(tenant_id, invitation_id):
    invitation = services.revoke_tenant_invitation(tenant_id, invitation_id, actor=g.actor)
    db.session.commit()
    flash(_revoked_message(invitation), "success")
    return redirect(url_for("admin.tenant", tenant_id=tenant_id))


@admin_bp.post("/tenants/<uuid:tenant_id>/status")
@platform_admin_required
def tenant_status(tenant_id):
    status = request.form.get("status", "")
    tenant = services.set_tenant_status(tenant_id, status, actor=g.actor)
    db.session.commit()
    if status == SUSPENDED:
        flash(
            _("%(name)s is suspended. Its members see a notice; nothing is deleted.", name=tenant.name),
            "warning",
        )
    else:
        flash(_("%(name)s is active again.", name=tenant.name), "success")
    return redirect(url_for("admin.tenant", tenant_id=tenant_id))

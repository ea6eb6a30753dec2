"""The audit log: every write made through the services, and events, for tenant and platform admins."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.auth import PLATFORM_ADMIN, TENANT_ADMIN
from app.core.nav import register_nav

register_nav("tenant", "audit.entries", _l("Audit log"), (TENANT_ADMIN,), order=95)
register_nav("platform", "platform_audit.platform_entries", _l("Audit log"), (PLATFORM_ADMIN,), order=90)


def audit_actions() -> dict[str, str]:
    return {"create": _("created"), "update": _("changed"), "delete": _("removed")}


def audit_origin(origin: str) -> str:
    labels = {
        "web": _("web page"),
        "api": _("API"),
        "job": _("job"),
        "cli": _("command"),
        "system": _("system"),
    }
    return labels.get(origin, origin)


def audit_value(value) -> str:
    """A value as the log shows it: short, and a dash for nothing."""
    if value is None or value == "":
        return "–"
    if value is True or value is False:
        return _("yes") if value else _("no")
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def audit_shown(entry, field: str, value) -> str:
    """A value of an entry's column as the log shows it: a stored code by its label, then short."""
    from app.core.audit import value_label

    return audit_value(value_label(entry.object_type, field, value))


TITLE_FIELDS = ("name", "code", "email", "filename", "kind")


def audit_title(entry) -> str | None:
    """What names the object in an entry: its name, code, email, file name or job kind."""
    values = entry.after or entry.before or {}
    for field in TITLE_FIELDS:
        if values.get(field):
            return audit_shown(entry, field, values[field])
    return None


def _register_labels() -> None:
    """How the foundation's objects read in the log; later domains register theirs in their own package."""
    from app.core.audit import register_object_label, register_value_label
    from app.core.i18n import role_label

    for object_type, label in {
        "Tenant": _l("Tenant"),
        "User": _l("User account"),
        "ApiToken": _l("API token"),
        "UserIdentity": _l("SSO identity"),
        "Opd": _l("OPD"),
        "Membership": _l("Member"),
        "MembershipOpd": _l("Member's OPD"),
        "Invitation": _l("Invitation"),
        "Region": _l("Region"),
    }.items():
        register_object_label(object_type, label)
    for object_type in ("Membership", "Invitation"):
        register_value_label(object_type, "role", role_label)
    register_value_label("User", "platform_role", role_label)
    register_value_label("Tenant", "status", _tenant_status)
    register_value_label("User", "locale", _language)
    _register_readable_fields()


def _tenant_status(code: str):
    return {"active": _("active"), "suspended": _("suspended")}.get(code, code)


def _language(code: str):
    return {"id": "Bahasa Indonesia", "en": "English"}.get(code, code)


# How the events of the foundation read (a later domain registers its own next to its code).
EVENTS = {
    "accounts.password_changed": _l("changed their password"),
    "accounts.signed_out_everywhere": _l("signed out everywhere"),
    "accounts.password_reset_requested": _l("asked for a password reset link"),
    "accounts.password_reset": _l("set a new password from a reset link"),
    "accounts.email_change_requested": _l("asked to change their email address"),
    "sso.login": _l("logged in through single sign-on"),
    "sso.linked": _l("linked a single sign-on identity"),
    "sso.provisioned": _l("joined through single sign-on"),
    "sso.logout": _l("logged out through single sign-on"),
    "sso.refused": _l("single sign-on refused"),
    "job.refused": _l("job refused"),
    "ministry.read": _l("ministry read tenant data"),
    "masterplan.exported": _l("exported the masterplan"),
    "masterplan.imported": _l("imported a masterplan workbook"),
    "accounts.personal_data_downloaded": _l("downloaded their personal data"),
    "accounts.erased": _l("erased a person's personal data"),
}

# Columns (and event details) as the audit page names them, whichever object holds them.
FIELDS = {
    "name": _l("Name"),
    "email": _l("Email"),
    "role": _l("Role"),
    "code": _l("Code"),
    "acronym": _l("Acronym"),
    "status": _l("Status"),
    "user_id": _l("Person"),
    "opd_id": _l("OPD"),
    "opd_ids": _l("OPDs"),
    "membership_id": _l("Member"),
    "invited_by": _l("Invited by"),
    "expires_at": _l("Valid until"),
    "accepted_at": _l("Accepted"),
    "token_hash": _l("Secret"),
    "password_hash": _l("Password"),
    "platform_role": _l("Platform role"),
    "locale": _l("Language"),
    "is_active": _l("Active"),
    "last_login_at": _l("Last login"),
    "revoked_at": _l("Revoked"),
    "scope_tenant_id": _l("For tenant"),
    "prefix": _l("Starts with"),
    "timezone": _l("Time zone"),
    "suspended_at": _l("Suspended since"),
    "sso_login": _l("Single sign-on on the login page"),
    "slug": _l("Address"),
    "region_code": _l("Kemendagri code"),
    "province_name": _l("Province"),
    "kind": _l("Kind"),
    "label": _l("Label"),
    "enabled": _l("Switched on"),
    "issuer": _l("Issuer"),
    "filename": _l("File name"),
    "sessions": _l("Sessions"),
    "reason": _l("Reason"),
    "new_email": _l("New email address"),
    "opds": _l("OPDs"),
    "attempt": _l("Attempt"),
    "at_provider": _l("At the provider too"),
    "format": _l("Format"),
    "file": _l("File"),
    "lineage_id": _l("Copied from"),
    "owner_id": _l("Belongs to"),
    # a person's erasure: what it did, and the address only as its hash
    "email_sha256": _l("Email address (SHA-256)"),
    "account": _l("Account"),
    "memberships": _l("Memberships"),
    "api_tokens": _l("API tokens"),
    "sso_links": _l("Single sign-on links"),
    "audit_entries_cleaned": _l("Audit entries cleaned"),
}


def _register_readable_fields() -> None:
    from app.core.audit import register_event_label, register_field_label, register_reference

    for action, label in EVENTS.items():
        register_event_label(action, label)
    for column, label in FIELDS.items():
        register_field_label(column, label)
    # The OPDs an invitation will bind are kept as one list of ids.
    register_reference("Invitation", "opd_ids", "Opd")


def _register_personal_data() -> None:
    """The entries about a person in their data download; an erasure cleans them last."""
    from app.audit import personal_data
    from app.core.audit import register_value_label
    from app.core.personal_data import PersonalDataPart, register_part

    register_part(
        PersonalDataPart(
            "audit_entries",
            _l("Audit log entries about you"),
            personal_data.entries_about,
            erase=personal_data.clean_entries,
            refers=personal_data.acted,
            order=90,
            erase_order=95,
        )
    )
    register_value_label("User", "account", _erased_account)


def _erased_account(code: str):
    """What an erasure did with the account, as its entry reads."""
    return {"removed": _("removed"), "anonymised": _("anonymised")}.get(code, code)


def init_app(app) -> None:
    from app.audit import api, readable, views
    from app.audit.models import AuditEntry, PlatformAuditEntry
    from app.core import audit
    from app.core.api import register_api

    audit.install(app, tenant_table=AuditEntry.__table__, platform_table=PlatformAuditEntry.__table__)
    _register_labels()
    _register_personal_data()
    app.jinja_env.globals.update(
        object_label=audit.object_label,
        audit_actions=audit_actions,
        audit_origin=audit_origin,
        audit_shown=audit_shown,
        audit_title=audit_title,
        audit_field=readable.field_name,
        audit_action=readable.action_label,
        audit_changes=readable.shown_changes,
    )
    app.jinja_env.filters["audit_value"] = audit_value
    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    register_api(app, *api.blueprints)

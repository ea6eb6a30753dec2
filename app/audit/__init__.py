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


def init_app(app) -> None:
    from app.audit import api, views
    from app.audit.models import AuditEntry, PlatformAuditEntry
    from app.core import audit
    from app.core.api import register_api

    audit.install(app, tenant_table=AuditEntry.__table__, platform_table=PlatformAuditEntry.__table__)
    _register_labels()
    app.jinja_env.globals.update(
        object_label=audit.object_label,
        audit_actions=audit_actions,
        audit_origin=audit_origin,
        audit_shown=audit_shown,
        audit_title=audit_title,
    )
    app.jinja_env.filters["audit_value"] = audit_value
    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    register_api(app, *api.blueprints)

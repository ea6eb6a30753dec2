"""Single sign-on: each tenant's own OpenID Connect providers for its OPD staff, and the ministry's."""

from flask_babel import lazy_gettext as _l

from app.core.auth import PLATFORM_ADMIN, TENANT_ADMIN
from app.core.nav import register_nav
from app.core.paths import register_path_param
from app.sso.models import IdentityProvider

register_nav("tenant", "sso.providers", _l("Single sign-on"), (TENANT_ADMIN,), order=95)
register_nav("platform", "ministry_sso.providers", _l("Ministry sign-on"), (PLATFORM_ADMIN,), order=20)

register_path_param("provider_id", IdentityProvider)


def init_app(app) -> None:
    from app.core.api import register_api
    from app.sso import api, cli, directory, hooks, views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.ministry_bp)
    register_api(app, *api.blueprints)
    app.cli.add_command(cli.sso_cli)
    hooks.init_app(app)
    directory.init_app(app)
    _register_audit_labels()


def _register_audit_labels() -> None:
    """How single sign-on's objects read on the audit pages (sign-in events name the provider)."""
    from app.core.audit import register_object_label

    for object_type, label in {
        "IdentityProvider": _l("Identity provider"),
        "sso_provider": _l("Identity provider"),
        "MinistryProvider": _l("Ministry identity provider"),
        "LoginPolicy": _l("Sign-in policy"),
    }.items():
        register_object_label(object_type, label)

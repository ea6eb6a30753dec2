"""Tenants, memberships, roles, the OPD registry and onboarding."""

from flask_babel import lazy_gettext as _l

from app.core.auth import TENANT_ADMIN
from app.core.nav import register_nav
from app.core.paths import register_path_param
from app.tenants.models import Invitation, Membership, Opd

register_nav("tenant", "tenants.dashboard", _l("Dashboard"), order=10)
register_nav("tenant", "tenants.opds", _l("OPDs"), order=80)
register_nav("tenant", "tenants.members", _l("Members"), (TENANT_ADMIN,), order=90)
register_nav("platform", "admin.tenants", _l("Tenants"), ("platform_admin",), order=10)

register_path_param("opd_id", Opd)
register_path_param("membership_id", Membership)
register_path_param("invitation_id", Invitation)


def _sole_tenant_timezone(user) -> str | None:
    """Outside a tenant, times show in the zone of the user's tenant when they belong to exactly one."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.tenants.services import tenants_of_user

    try:
        memberships = tenants_of_user(user.id)
    except SQLAlchemyError:  # a failed transaction (an error page): fall back to the default zone
        return None
    return memberships[0][0].timezone if len(memberships) == 1 else None


def init_app(app) -> None:
    from app.core.api import register_api
    from app.core.i18n import register_home_timezone
    from app.core.paths import register_memberships_finder
    from app.tenants import api, cli, jobs, views  # noqa: F401 - jobs registers the job kinds
    from app.tenants.services import tenants_of_user

    register_home_timezone(_sole_tenant_timezone)
    register_memberships_finder(tenants_of_user)

    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    register_api(app, *api.blueprints)
    app.cli.add_command(cli.tenants_cli)

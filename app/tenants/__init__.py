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


def _register_first_steps() -> None:
    """A new tenant's first steps that the tenants domain knows about (the masterplan adds its own)."""
    from flask import g, url_for

    from app.core.landing import FirstStep, register_first_step
    from app.extensions import db
    from app.tenants import services

    def invited_anyone(actor) -> bool:
        # Both asked every time: the dashboard issues as many queries with one member as with hundreds.
        members = services.member_count(actor=actor)
        waiting = db.session.scalar(services.pending_invitations_query(actor=actor).limit(1))
        return members > 1 or waiting is not None

    for step in (
        FirstStep(
            "opds",
            _l("Add your OPDs"),
            _l("Start with Diskominfo and Bappeda: programs, reports and members are tied to them."),
            lambda: url_for("tenants.opds") + "#add-opd",
            lambda actor: services.opd_count(actor=actor) > 0,
            (TENANT_ADMIN,),
            order=10,
        ),
        FirstStep(
            "members",
            _l("Invite your colleagues"),
            _l("Bappeda planners, OPD operators, council members: each sees what their role allows."),
            lambda: url_for("tenants.members") + "#invite",
            invited_anyone,
            (TENANT_ADMIN,),
            order=20,
        ),
        FirstStep(
            "sso",
            _l("Connect your city's sign-in service (optional)"),
            _l("OPD staff then log in with their office account."),
            lambda: url_for("sso.providers"),
            lambda actor: bool(g.tenant.sso_login),
            (TENANT_ADMIN,),
            order=30,
        ),
    ):
        register_first_step(step)


def _register_personal_data() -> None:
    """A person's memberships in their data download; the operator's erasure removes them first."""
    from app.core.personal_data import PersonalDataPart, register_part
    from app.tenants import services

    register_part(
        PersonalDataPart(
            "memberships",
            _l("Memberships"),
            lambda user_id, actor: services.person_memberships(user_id, actor=actor),
            erase=lambda erasure, actor: services.remove_person_memberships(erasure, actor=actor),
            refuse=lambda user_id, actor: services.last_admin_refusals(user_id, actor=actor),
            order=20,
            erase_order=10,
        )
    )


def init_app(app) -> None:
    from app.core.api import register_api
    from app.core.i18n import register_home_timezone
    from app.core.paths import register_memberships_finder
    from app.tenants import api, cli, jobs, views  # noqa: F401 - jobs registers the job kinds
    from app.tenants.services import tenants_of_user

    register_home_timezone(_sole_tenant_timezone)
    _register_first_steps()
    register_memberships_finder(tenants_of_user)
    _register_personal_data()

    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    register_api(app, *api.blueprints)
    app.cli.add_command(cli.tenants_cli)

"""Reference data shared by every tenant: frameworks, code lists, regions and evaluation instruments,
each versioned (draft, published, retired)."""

from flask_babel import lazy_gettext as _l

from app.core.auth import MINISTRY_ADMIN, PLATFORM_ADMIN
from app.core.nav import register_nav

# The national framework is the ministry's reference data: its menu entry stands under "Ministry".
register_nav(
    "ministry", "frameworks_admin.frameworks", _l("Frameworks"), (PLATFORM_ADMIN, MINISTRY_ADMIN), order=20
)


def _register_audit_labels() -> None:
    """How reference data and its states read on the audit pages."""
    from app.core.audit import register_object_label, register_value_label
    from app.reference.views import STATE_LABELS

    for object_type in ("Framework", "CodeList"):
        register_value_label(object_type, "state", lambda code: STATE_LABELS.get(code, code))
    for object_type, label in {
        "Framework": _l("Framework"),
        "FrameworkDimension": _l("Framework dimension"),
        "FrameworkSubDimension": _l("Framework sub-dimension"),
        "CodeList": _l("Code list version"),
        "CodeListItem": _l("Code list entry"),
    }.items():
        register_object_label(object_type, label)


def init_app(app) -> None:
    """Reference data registers its pages, API and commands here."""
    from app.core.api import register_api
    from app.reference import api, cli, views

    app.register_blueprint(views.admin_bp)
    app.register_blueprint(views.moved_bp)
    register_api(app, *api.blueprints)
    app.cli.add_command(cli.reference_cli)
    # A reference entry's name in the page's language, for every package's templates.
    app.jinja_env.filters["lname"] = views.localized_name
    _register_audit_labels()

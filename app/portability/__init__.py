"""Tenant portability: a city's data leaves with it (one ZIP) and comes back, into another deployment or
into this one, without touching any other tenant.

It reads every tenant table through the metadata and imports no domain above the jobs (the layers of
pyproject.toml keep it so): a table added by any package is exported and restored without an edit here.
"""

from flask_babel import lazy_gettext as _l

from app.core.auth import TENANT_ADMIN
from app.core.nav import register_nav

register_nav("tenant", "portability.export", _l("Export data"), (TENANT_ADMIN,), order=95)


def init_app(app) -> None:
    from app.core.audit import register_event_label
    from app.portability import cli, jobs, views  # noqa: F401 - jobs registers the export kind

    register_event_label("tenant.exported", _l("exported the tenant's data"))
    register_event_label("tenant.export_started", _l("started an export of the tenant's data"))
    register_event_label("tenant.imported", _l("imported the tenant's data"))
    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    # The commands join the tenants group (registered by the tenants domain, earlier in DOMAINS).
    group = app.cli.commands["tenants"]
    group.add_command(cli.export_command)
    group.add_command(cli.import_command)

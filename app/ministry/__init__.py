"""The ministry area: reads across tenants of what tenants released, each through the audited ministry
access path (``app.core.tenancy.ministry_read``)."""

from flask_babel import lazy_gettext as _l

from app.core.auth import EVALUATOR, MINISTRY_ADMIN
from app.core.nav import register_nav


def init_app(app) -> None:
    from app.core.api import register_api
    from app.ministry import api, services, views

    register_nav(
        "ministry",
        "ministry.masterplans",
        _l("Enacted masterplans"),
        (MINISTRY_ADMIN, EVALUATOR),
        order=10,
        when=services.reaches_tenants,
    )
    app.register_blueprint(views.bp)
    register_api(app, *api.blueprints)

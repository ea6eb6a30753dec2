"""Users, local login, API tokens and sessions."""

from flask_babel import lazy_gettext as _l

from app.core.auth import PLATFORM_ADMIN
from app.core.nav import register_nav

register_nav("platform", "accounts.people", _l("People"), (PLATFORM_ADMIN,), order=15)


def init_app(app) -> None:
    from app.accounts import api, cli, personal_data, views
    from app.core.api import register_api

    app.register_blueprint(views.bp)
    register_api(app, *api.blueprints)
    app.cli.add_command(cli.accounts_cli)
    personal_data.register_parts()
    app.jinja_env.filters["user_agent_label"] = views.user_agent_label

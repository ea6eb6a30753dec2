"""Users, local login, API tokens and sessions."""


def init_app(app) -> None:
    from app.accounts import api, cli, views
    from app.core.api import register_api

    app.register_blueprint(views.bp)
    register_api(app, *api.blueprints)
    app.cli.add_command(cli.accounts_cli)
    app.jinja_env.filters["user_agent_label"] = views.user_agent_label

"""Kota Cerdas: a multi-tenant platform for Indonesia's smart city programme."""

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, tenancy hooks, blueprints, error handlers and CLI."""
    from app.config import Config

    app = Flask(__name__, instance_path=Config.INSTANCE_DIR, instance_relative_config=False)
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    from app.core.paths import verify_registered

    verify_registered(app)
    return app


def _init_extensions(app: Flask) -> None:
    from pathlib import Path

    from app.core import assets, i18n, nav, observability, security
    from app.core.errors import register_error_handlers
    from app.core.tenancy import install_rls_setting
    from app.extensions import api, csrf, db, migrate
    from app.tenants import resolver

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    with app.app_context():
        install_rls_setting(db.engine)
        _sqlite_foreign_keys(db.engine)
    csrf.init_app(app)
    api.init_app(app)
    observability.init_app(app)
    resolver.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    nav.init_app(app)
    register_error_handlers(app)


def _sqlite_foreign_keys(engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _register_blueprints(app: Flask) -> None:
    from app.accounts import api as accounts_api
    from app.accounts import views as accounts_views
    from app.extensions import api, csrf
    from app.tenants import api as tenants_api
    from app.tenants import views as tenants_views

    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(tenants_views.bp)
    app.register_blueprint(tenants_views.admin_bp)
    for blueprint in (*tenants_api.blueprints, *accounts_api.blueprints):
        csrf.exempt(blueprint)  # the API takes bearer tokens only, never the session cookie
        api.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from app.accounts.cli import accounts_cli
    from app.demo import demo_cli
    from app.tenants.cli import tenants_cli

    app.cli.add_command(accounts_cli)
    app.cli.add_command(tenants_cli)
    app.cli.add_command(demo_cli)

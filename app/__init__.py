"""Kota Cerdas: a multi-tenant platform for Indonesia's smart city programme."""

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, tenancy hooks, blueprints, error handlers and CLI."""
    from app.config import Config
    from app.core.application import App

    app = App(__name__, instance_path=Config.INSTANCE_DIR, instance_relative_config=False)
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    _refuse_the_development_key(app)
    _trust_proxies(app)
    _init_extensions(app)
    _register_domains(app)
    from app.core.paths import verify_registered

    verify_registered(app)
    return app


def _refuse_the_development_key(app: Flask) -> None:
    """On PostgreSQL (the production path) the app does not start with the published development key:
    anyone could sign a session cookie with it and be whoever they like."""
    from app.config import DEVELOPMENT_SECRET_KEY

    on_postgres = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    if on_postgres and not app.testing and app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY:
        raise RuntimeError(
            "SECRET_KEY is not set: set it to a long random value before serving on PostgreSQL"
        )


def _trust_proxies(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def _init_extensions(app: Flask) -> None:
    from pathlib import Path

    from app.core import assets, bounds, i18n, metrics, nav, observability, security
    from app.core.errors import register_error_handlers
    from app.core.tenancy import install_rls_setting
    from app.extensions import api, csrf, db, limiter, migrate
    from app.tenants import resolver

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    with app.app_context():
        install_rls_setting(db.engine)
        _sqlite_pragmas(db.engine)
    csrf.init_app(app)
    api.init_app(app)
    # Login throttling counts in Redis when there is one, so every web process sees the same counts.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    limiter.init_app(app)
    observability.init_app(app)
    metrics.init_app(app)
    resolver.init_app(app)
    # After the resolver, so a refusal page knows who asks and in which tenant; paths are checked before it.
    bounds.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    nav.init_app(app)
    register_error_handlers(app)


def _sqlite_pragmas(engine) -> None:
    """SQLite (the embedded default) with foreign keys enforced, and write-ahead logging: pages keep
    reading while an inline job writes, instead of waiting for (or failing on) the job's lock. A writer
    waits up to 30 s for another writer (the driver's default is 5 s)."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    in_file = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA busy_timeout=30000")
        if in_file:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")


# Each domain package exposes init_app(app) registering its blueprints, API and CLI; order sets the menu's
# tie-breaks only. Adding a domain is one line here.
DOMAINS = (
    "accounts",
    "tenants",
    "reference",
    "sso",
    "files",
    "jobs",
    "portability",
    "audit",
    "masterplan",
    "reporting",
    "council",
    "ministry",
    "demo",
)


def _register_domains(app: Flask) -> None:
    import importlib

    for name in DOMAINS:
        importlib.import_module(f"app.{name}").init_app(app)

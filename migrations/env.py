"""Alembic environment: migrations run as the schema owner (DATABASE_OWNER_URL).

On PostgreSQL, after upgrading, the app's own role (DATABASE_APP_ROLE) is granted data access to every
table: it can read and write rows, but neither owns the tables nor bypasses row-level security.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import create_engine, pool, text

config = context.config
# Keep the app's own loggers (request log, audit, mail) working when migrations run in-process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def _metadata():
    import app.models  # noqa: F401 - registers every model

    return current_app.extensions["migrate"].db.metadata


def _owner_url() -> str:
    return (
        current_app.config["DATABASE_OWNER_URL"]
        if current_app.config.get("DATABASE_OWNER_URL")
        else (current_app.config["SQLALCHEMY_DATABASE_URI"])
    )


def run_migrations_offline():
    context.configure(url=_owner_url(), target_metadata=_metadata(), literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _grant_app_role(connection) -> None:
    role = current_app.config.get("DATABASE_APP_ROLE")
    if connection.dialect.name != "postgresql" or not role:
        return
    quoted = connection.dialect.identifier_preparer.quote(role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
    connection.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
    )
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    engine = create_engine(_owner_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=_metadata(),
            process_revision_directives=process_revision_directives,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            _grant_app_role(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

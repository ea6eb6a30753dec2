"""The migrations make the schema the models describe: one head, an upgrade from empty to head, a
downgrade of the last step and back, and autogenerate finding no difference, on the database of this run
(PostgreSQL or SQLite), in a database of their own."""

import tempfile
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from tests.conftest import BACKEND


@pytest.fixture
def empty_database(request):
    if BACKEND != "postgres":
        yield f"sqlite:///{tempfile.mkdtemp(prefix='kc-migrations-')}/empty.db"
        return
    server = request.getfixturevalue("pg")
    name = f"kc_migrations_{uuid.uuid4().hex[:8]}"
    superuser = create_engine(server.superuser_url, isolation_level="AUTOCOMMIT")
    with superuser.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} OWNER kc_owner"))
    yield server.owner_url.rsplit("/", 1)[0] + "/" + name
    with superuser.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    superuser.dispose()


@pytest.fixture
def migration_app(empty_database, instance_dir):
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "DATABASE_OWNER_URL": empty_database,
            "DATABASE_APP_ROLE": None,
            "INSTANCE_DIR": instance_dir,
            "REDIS_URL": None,
            "SECRET_KEY": "test-secret",
        }
    )


def _differences(url: str) -> list:
    from app.extensions import db

    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        found = compare_metadata(context, db.metadata)
    engine.dispose()
    return found


def test_migrations_have_one_head_and_build_the_schema_of_the_models(migration_app, empty_database):
    with migration_app.app_context():
        script = ScriptDirectory.from_config(migration_app.extensions["migrate"].migrate.get_config())
        heads = script.get_heads()
        assert len(heads) == 1, f"the migrations have several heads: {heads}; merge them into one"

        upgrade()
        assert _differences(empty_database) == [], "models and migrations disagree: write a new migration"
        tables = set(inspect(create_engine(empty_database)).get_table_names())

        downgrade(revision="-1")
        upgrade()
        assert set(inspect(create_engine(empty_database)).get_table_names()) == tables
        assert _differences(empty_database) == []

"""Layer 5: PostgreSQL row-level security on every tenant table, tested as the app's own role."""

import pytest
from sqlalchemy import create_engine, text

from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.support.snapshot import DEMO

pytestmark = pytest.mark.postgres


def _tenant_tables(conn) -> list[str]:
    return list(
        conn.execute(
            text(
                "select c.table_name from information_schema.columns c "
                "join information_schema.tables t using (table_schema, table_name) "
                "where c.table_schema = 'public' and c.column_name = 'tenant_id' "
                "and t.table_type = 'BASE TABLE' "
                "order by 1"
            )
        ).scalars()
    )


def test_every_tenant_table_has_rls_enabled_forced_and_a_policy(app_ctx, owner_engine):
    with owner_engine.connect() as conn:
        tables = _tenant_tables(conn)
        assert {"opds", "memberships", "membership_opds", "invitations"} <= set(tables)
        for table in tables:
            enabled, forced = conn.execute(
                text(
                    "select relrowsecurity, relforcerowsecurity from pg_class "
                    "where relname = :t and relnamespace = 'public'::regnamespace"
                ),
                {"t": table},
            ).one()
            assert enabled and forced, table
            policies = conn.execute(
                text("select count(*) from pg_policies where schemaname = 'public' and tablename = :t"),
                {"t": table},
            )
            assert policies.scalar() >= 1, table


def test_app_role_neither_owns_tables_nor_bypasses_rls(app_ctx, owner_engine):
    with owner_engine.connect() as conn:
        owners = set(
            conn.execute(text("select tableowner from pg_tables where schemaname = 'public'")).scalars()
        )
        bypass, superuser = conn.execute(
            text("select rolbypassrls, rolsuper from pg_roles where rolname = 'kc_app'")
        ).one()
    assert "kc_app" not in owners
    assert not bypass and not superuser


def test_raw_sql_without_the_tenant_setting_sees_no_rows(app_ctx, database, owner_engine):
    DEMO.load()
    engine = create_engine(database["app"])
    try:
        with engine.connect() as conn:
            for table in _tenant_tables(conn):
                assert conn.execute(text(f"select count(*) from {table}")).scalar() == 0, table
        # The rows are there: the owner, forced through RLS too, sees them only with a tenant set.
        palopo = tenants.find_tenant_by_slug("kota-palopo")
        with engine.connect() as conn:
            conn.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": str(palopo.id)})
            opds = conn.execute(text("select distinct tenant_id from opds")).scalars().all()
        assert [str(t) for t in opds] == [str(palopo.id)]
    finally:
        engine.dispose()


def test_app_role_cannot_insert_a_row_for_another_tenant(app_ctx, database):
    DEMO.load()
    palopo = tenants.find_tenant_by_slug("kota-palopo")
    balikpapan = tenants.find_tenant_by_slug("kota-balikpapan")
    engine = create_engine(database["app"])
    try:
        with engine.connect() as conn:
            conn.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": str(palopo.id)})
            with pytest.raises(Exception, match="row-level security"):
                conn.execute(
                    text(
                        "insert into opds (tenant_id, id, code, name, created_at, updated_at) "
                        "values (:t, gen_random_uuid(), 'X', 'X', now(), now())"
                    ),
                    {"t": str(balikpapan.id)},
                )
    finally:
        engine.dispose()


def test_orm_reads_under_one_tenant_see_only_its_rows_even_if_scoping_were_bypassed(app_ctx):
    DEMO.load()
    palopo = tenants.find_tenant_by_slug("kota-palopo")
    with tenant_context(palopo.id):
        # Raw SQL skips the ORM hook; RLS alone keeps other tenants out.
        rows = db.session.execute(text("select distinct tenant_id from opds")).scalars().all()
    assert rows == [palopo.id]

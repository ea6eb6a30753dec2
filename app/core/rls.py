"""Row-level security for migrations: every tenant table gets its policy where it is created."""

from alembic import op

from app.core.tenancy import RLS_CROSS_TENANT_SETTING, RLS_TENANT_SETTING

POLICY = "tenant_isolation"


def enable_tenant_rls(table: str) -> None:
    """Enable and force RLS on ``table``: rows are visible only to their tenant (reads also in a declared
    cross-tenant read); writes only for the current tenant. A no-op on SQLite."""
    if op.get_bind().dialect.name != "postgresql":
        return
    tenant = f"NULLIF(current_setting('{RLS_TENANT_SETTING}', true), '')::uuid"
    cross = f"current_setting('{RLS_CROSS_TENANT_SETTING}', true) = 'on'"
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY}_read ON {table} FOR SELECT USING (tenant_id = {tenant} OR {cross})")
    op.execute(
        f"CREATE POLICY {POLICY}_write ON {table} FOR ALL USING (tenant_id = {tenant}) "
        f"WITH CHECK (tenant_id = {tenant})"
    )

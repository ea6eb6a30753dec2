"""Row-level security for migrations: every tenant table gets its policy where it is created."""

from alembic import op

from app.core.tenancy import RLS_TENANT_SET_SETTING, RLS_TENANT_SETTING

POLICY = "tenant_isolation"
CURRENT_TENANT = f"NULLIF(current_setting('{RLS_TENANT_SETTING}', true), '')::uuid"
# The tenants a ministry read allows (a uuid[] literal); set only by app.core.tenancy.ministry_read.
ALLOWED_TENANTS = f"NULLIF(current_setting('{RLS_TENANT_SET_SETTING}', true), '')::uuid[]"
READ_CONDITION = f"tenant_id = {CURRENT_TENANT} OR tenant_id = ANY({ALLOWED_TENANTS})"


def enable_tenant_rls(table: str) -> None:
    """Enable and force RLS on ``table``: rows are visible to their tenant and, for reads, to a ministry
    read that allows that tenant; writes only for the current tenant. A no-op on SQLite."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY}_read ON {table} FOR SELECT USING ({READ_CONDITION})")
    op.execute(
        f"CREATE POLICY {POLICY}_write ON {table} FOR ALL USING (tenant_id = {CURRENT_TENANT}) "
        f"WITH CHECK (tenant_id = {CURRENT_TENANT})"
    )

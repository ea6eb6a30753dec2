"""Tenant tables open to reads across tenants only through the ministry's allowed set; a person reads
their own memberships in every tenant.

Every tenant table's read policy accepted a blanket 'app.cross_tenant' = 'on', which opened every row
of every tenant. It now accepts the current tenant or a tenant in 'app.tenant_ids' (a uuid[] that only
the ministry access path sets). Memberships gain a read policy for the rows of the person named by
'app.user_id' (the tenant picker after login). The policies' SQL is written out here, so this step does
not change when the application's code does.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

READ_POLICY = "tenant_isolation_read"
OWN_MEMBERSHIPS_POLICY = "own_memberships_read"
CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
ALLOWED_TENANTS = "NULLIF(current_setting('app.tenant_ids', true), '')::uuid[]"
OWN_USER = "NULLIF(current_setting('app.user_id', true), '')::uuid"
NEW_READ = f"tenant_id = {CURRENT_TENANT} OR tenant_id = ANY({ALLOWED_TENANTS})"
OLD_READ = f"tenant_id = {CURRENT_TENANT} OR current_setting('app.cross_tenant', true) = 'on'"


def _tables_with_read_policy() -> list[str]:
    # Every tenant table was given its read policy where it was created: the database lists them.
    rows = op.get_bind().exec_driver_sql(
        "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = %s "
        "ORDER BY tablename",
        (READ_POLICY,),
    )
    return [row[0] for row in rows]


def _replace_read_policies(condition: str) -> None:
    for table in _tables_with_read_policy():
        op.execute(f"DROP POLICY {READ_POLICY} ON {table}")
        op.execute(f"CREATE POLICY {READ_POLICY} ON {table} FOR SELECT USING ({condition})")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    _replace_read_policies(NEW_READ)
    op.execute(
        f"CREATE POLICY {OWN_MEMBERSHIPS_POLICY} ON memberships FOR SELECT USING (user_id = {OWN_USER})"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY {OWN_MEMBERSHIPS_POLICY} ON memberships")
    _replace_read_policies(OLD_READ)

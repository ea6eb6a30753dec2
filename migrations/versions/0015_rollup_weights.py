"""The tenant's own roll-up weights: a weight per dimension and per element (sub-dimension) of its
framework, by code, used when the tenant's roll-up rule is "own_weights".

The table is tenant-owned: tenant_id first in its keys, one weight per tenant, level and code, and
row-level security enabled and forced. The policies' SQL is written out here, as in 0011 and 0014, so
this step does not change when the application's code does.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
ALLOWED_TENANTS = "NULLIF(current_setting('app.tenant_ids', true), '')::uuid[]"

TABLE = "rollup_weights"


def _enable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation_read ON {table} FOR SELECT "
        f"USING (tenant_id = {CURRENT_TENANT} OR tenant_id = ANY({ALLOWED_TENANTS}))"
    )
    op.execute(
        f"CREATE POLICY tenant_isolation_write ON {table} FOR ALL USING (tenant_id = {CURRENT_TENANT}) "
        f"WITH CHECK (tenant_id = {CURRENT_TENANT})"
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("weight", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_rollup_weights_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_rollup_weights")),
        sa.UniqueConstraint(
            "tenant_id", "level", "code", name=op.f("uq_rollup_weights_tenant_id_level_code")
        ),
    )
    _enable_tenant_rls(TABLE)


def downgrade() -> None:
    op.drop_table(TABLE)

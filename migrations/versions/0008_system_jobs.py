"""Jobs without a person: system runs in a tenant, platform runs with one child per tenant, done keys.

A tenant's job run may have no requester (the system) and a parent platform run. Platform runs and how
their children stand are platform tables; what a scheduled job did is kept under a key, per tenant
(tenant-owned, with row-level security) or for the platform. The policies' SQL is written out here, as
in 0007, so this step does not change when the application's code does.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
ALLOWED_TENANTS = "NULLIF(current_setting('app.tenant_ids', true), '')::uuid[]"


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


def upgrade():
    op.create_table(
        "platform_job_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("result_url", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_job_runs")),
    )
    op.create_index("ix_platform_job_runs_kind", "platform_job_runs", ["kind", "created_at"])

    op.create_table(
        "platform_job_children",
        sa.Column("parent_id", sa.Uuid(), nullable=False),
        sa.Column("child_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_tenant_id"], ["tenants.id"], name=op.f("fk_platform_job_children_child_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["platform_job_runs.id"],
            name=op.f("fk_platform_job_children_parent_id_platform_job_runs"),
        ),
        sa.PrimaryKeyConstraint("parent_id", "child_tenant_id", name=op.f("pk_platform_job_children")),
    )

    op.create_table(
        "platform_job_done_keys",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_platform_job_done_keys")),
    )

    op.create_table(
        "job_done_keys",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_job_done_keys_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_job_done_keys")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_job_done_keys_tenant_id_key")),
    )
    _enable_tenant_rls("job_done_keys")

    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Uuid(), nullable=True))
        batch_op.alter_column("requested_by", existing_type=sa.Uuid(), nullable=True)
        batch_op.create_index("ix_job_runs_tenant_parent", ["tenant_id", "parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_job_runs_parent_id_platform_job_runs"), "platform_job_runs", ["parent_id"], ["id"]
        )


def downgrade():
    # Runs nobody requested cannot stay once a requester is required again. Row-level security is forced
    # on the owner too: lifted for this one statement, which must see every tenant's rows.
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE job_runs NO FORCE ROW LEVEL SECURITY")
    op.execute("DELETE FROM job_runs WHERE requested_by IS NULL")
    if postgres:
        op.execute("ALTER TABLE job_runs FORCE ROW LEVEL SECURITY")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_job_runs_parent_id_platform_job_runs"), type_="foreignkey")
        batch_op.drop_index("ix_job_runs_tenant_parent")
        batch_op.alter_column("requested_by", existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_column("parent_id")

    op.drop_table("job_done_keys")
    op.drop_table("platform_job_done_keys")
    op.drop_table("platform_job_children")
    op.drop_index("ix_platform_job_runs_kind", table_name="platform_job_runs")
    op.drop_table("platform_job_runs")

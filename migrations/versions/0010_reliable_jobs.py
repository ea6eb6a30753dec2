"""Jobs never stuck: the list of unfinished runs the sweeper watches.

``job_watch`` is a platform table of ids (no tenant data, so no row-level security): one row per run
that has not ended, written in the same transaction as the run's status. A run committed but never
handed to the queue, or whose worker died, is found there and handed over again, retried or failed.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_watch",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("run_tenant_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("runner", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_job_watch")),
    )
    # Runs already waiting or running when this step runs are watched from now on.
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE job_runs NO FORCE ROW LEVEL SECURITY")
    op.execute(
        "INSERT INTO job_watch (run_id, run_tenant_id, state, retries, since) "
        "SELECT id, tenant_id, status, max_attempts - 1, updated_at FROM job_runs "
        "WHERE status IN ('queued', 'running')"
    )
    if postgres:
        op.execute("ALTER TABLE job_runs FORCE ROW LEVEL SECURITY")
    op.execute(
        "INSERT INTO job_watch (run_id, run_tenant_id, state, retries, since) "
        "SELECT id, NULL, status, max_attempts - 1, updated_at FROM platform_job_runs "
        "WHERE status IN ('queued', 'running')"
    )


def downgrade() -> None:
    op.drop_table("job_watch")

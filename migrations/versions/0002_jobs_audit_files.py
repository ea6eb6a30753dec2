"""Jobs, audit log and stored files.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from app.core.rls import enable_tenant_rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _audit_columns() -> list[sa.Column]:
    return [
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=True),
        sa.Column("object_id", sa.String(length=120), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
    ]


def upgrade():
    op.create_table(
        "platform_audit_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("context_tenant_id", sa.Uuid(), nullable=True),
        *_audit_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_audit_entries")),
    )
    op.create_index("ix_platform_audit_entries_at", "platform_audit_entries", ["at"])
    op.create_index("ix_platform_audit_entries_object_type", "platform_audit_entries", ["object_type"])
    op.create_index("ix_platform_audit_entries_user", "platform_audit_entries", ["user_id"])

    op.create_table(
        "audit_entries",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_audit_entries_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_tenant_at", "audit_entries", ["tenant_id", "at"])
    op.create_index("ix_audit_entries_tenant_object_type", "audit_entries", ["tenant_id", "object_type"])
    op.create_index("ix_audit_entries_tenant_user", "audit_entries", ["tenant_id", "user_id"])

    op.create_table(
        "stored_files",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.Column("owner_type", sa.String(length=40), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_stored_files_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_stored_files_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_stored_files")),
    )
    op.create_index("ix_stored_files_tenant_owner", "stored_files", ["tenant_id", "owner_type", "owner_id"])
    op.create_index("ix_stored_files_tenant_uploader", "stored_files", ["tenant_id", "uploaded_by"])

    op.create_table(
        "job_runs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("result_file_id", sa.Uuid(), nullable=True),
        sa.Column("result_url", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], name=op.f("fk_job_runs_requested_by_users")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "result_file_id"],
            ["stored_files.tenant_id", "stored_files.id"],
            name=op.f("fk_job_runs_tenant_id_result_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_job_runs_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_job_runs_tenant_requester", "job_runs", ["tenant_id", "requested_by"])

    for table in ("audit_entries", "stored_files", "job_runs"):
        enable_tenant_rls(table)


def downgrade():
    op.drop_table("job_runs")
    op.drop_table("stored_files")
    op.drop_table("audit_entries")
    op.drop_table("platform_audit_entries")

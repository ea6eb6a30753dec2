"""Single sign-on providers and identities.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from app.core.rls import enable_tenant_rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _provider_columns() -> list[sa.Column]:
    return [
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("scopes", sa.String(length=500), nullable=False),
        sa.Column("allowed_email_domains", sa.JSON(), nullable=False),
        sa.Column("provision_users", sa.Boolean(), nullable=False),
        sa.Column("link_by_email", sa.Boolean(), nullable=False),
        sa.Column("default_role", sa.String(length=20), nullable=False),
        sa.Column("role_claim", sa.String(length=80), nullable=True),
        sa.Column("role_map", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
    ]


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade():
    op.create_table(
        "sso_providers",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_provider_columns(),
        sa.Column("opd_claim", sa.String(length=80), nullable=True),
        sa.Column("opd_required", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_sso_providers_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_sso_providers")),
        sa.UniqueConstraint(
            "tenant_id", "issuer", "client_id", name=op.f("uq_sso_providers_tenant_id_issuer_client_id")
        ),
    )
    op.create_table(
        "sso_login_policies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("password_login_for_staff", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_sso_login_policies_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_sso_login_policies")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_sso_login_policies_tenant_id")),
    )
    op.create_table(
        "ministry_sso_providers",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_provider_columns(),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ministry_sso_providers")),
        sa.UniqueConstraint("issuer", "client_id", name=op.f("uq_ministry_sso_providers_issuer_client_id")),
    )
    for table in ("sso_providers", "sso_login_policies"):
        enable_tenant_rls(table)


def downgrade():
    op.drop_table("ministry_sso_providers")
    op.drop_table("sso_login_policies")
    op.drop_table("sso_providers")

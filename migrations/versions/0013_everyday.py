"""Everyday use: mailed account links (password reset, email change) and which tenants offer single
sign-on on the login page.

An account link keeps only the SHA-256 of its secret, expires, and is used once. ``tenants.sso_login``
is kept by the single sign-on services: the login page's search lists those tenants without reading
any tenant's own rows. It is filled here from each tenant's enabled providers, read tenant by tenant
under row-level security as the application would.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("new_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_links_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_links_token_hash")),
    )
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_links_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sso_login", sa.Boolean(), nullable=False, server_default=sa.false()))
    _fill_sso_login()


def _fill_sso_login() -> None:
    bind = op.get_bind()
    tenant_ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants"))]
    postgres = bind.dialect.name == "postgresql"
    for tenant_id in tenant_ids:
        if postgres:
            bind.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
        offered = bind.execute(
            sa.text("SELECT count(*) FROM sso_providers WHERE tenant_id = :t AND enabled"), {"t": tenant_id}
        ).scalar()
        if offered:
            bind.execute(
                sa.text("UPDATE tenants SET sso_login = :yes WHERE id = :t"), {"yes": True, "t": tenant_id}
            )
    if postgres:
        bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def downgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("sso_login")
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_links_user_id"))
    op.drop_table("account_links")

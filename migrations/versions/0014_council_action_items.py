"""The council's action items: what a decision asks an OPD or a member of a body to do by a day, with its
status (open, done: who closed it and when), a note, and the masterplan programs it moves forward.

Both tables are tenant-owned: tenant_id first in their keys, every reference between tenant tables
carries it (an action item cannot point at another tenant's decision, OPD, member or program), and
row-level security is enabled and forced on each. The policies' SQL is written out here, as in 0012, so
this step does not change when the application's code does.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
ALLOWED_TENANTS = "NULLIF(current_setting('app.tenant_ids', true), '')::uuid[]"

TABLES = ("council_action_items", "council_action_item_programs")


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
        "council_action_items",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_opd_id", sa.Uuid(), nullable=True),
        sa.Column("owner_member_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_council_action_items_closed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "decision_id"],
            ["council_decisions.tenant_id", "council_decisions.id"],
            name=op.f("fk_council_action_items_tenant_id_decision_id_council_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "owner_member_id"],
            ["council_members.tenant_id", "council_members.id"],
            name=op.f("fk_council_action_items_tenant_id_owner_member_id_council_members"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "owner_opd_id"],
            ["opds.tenant_id", "opds.id"],
            name=op.f("fk_council_action_items_tenant_id_owner_opd_id_opds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_action_items_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_action_items")),
    )
    with op.batch_alter_table("council_action_items", schema=None) as batch_op:
        batch_op.create_index("ix_council_action_items_decision", ["tenant_id", "decision_id"], unique=False)
        batch_op.create_index("ix_council_action_items_due", ["tenant_id", "status", "due_on"], unique=False)

    op.create_table(
        "council_action_item_programs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("action_item_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "action_item_id"],
            ["council_action_items.tenant_id", "council_action_items.id"],
            name=op.f("fk_council_action_item_programs_tenant_id_action_item_id_council_action_items"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["programs.tenant_id", "programs.id"],
            name=op.f("fk_council_action_item_programs_tenant_id_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_action_item_programs_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_action_item_programs")),
        sa.UniqueConstraint(
            "tenant_id",
            "action_item_id",
            "program_id",
            name=op.f("uq_council_action_item_programs_tenant_id_action_item_id_program_id"),
        ),
    )
    with op.batch_alter_table("council_action_item_programs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_council_action_item_programs_program", ["tenant_id", "program_id"], unique=False
        )
    for table in TABLES:
        _enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)

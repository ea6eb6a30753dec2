"""The council: bodies set up by decree (SK), their positions and members over time, meetings with
agenda, invitees, attendance, minutes, files and decisions.

Every table is tenant-owned: tenant_id first in its key, every reference between them carries it, and
row-level security is enabled and forced on each. The policies' SQL is written out here, as in 0008, so
this step does not change when the application's code does.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
ALLOWED_TENANTS = "NULLIF(current_setting('app.tenant_ids', true), '')::uuid[]"

TABLES = (
    "council_body_kinds",
    "council_bodies",
    "council_decrees",
    "council_positions",
    "council_members",
    "council_meetings",
    "council_agenda_items",
    "council_invitees",
    "council_meeting_files",
    "council_decisions",
)


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
        "council_body_kinds",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_body_kinds_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_body_kinds")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_council_body_kinds_tenant_id_code")),
    )
    op.create_table(
        "council_bodies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("secretariat_opd_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "secretariat_opd_id"],
            ["opds.tenant_id", "opds.id"],
            name=op.f("fk_council_bodies_tenant_id_secretariat_opd_id_opds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_bodies_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_bodies")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_council_bodies_tenant_id_name")),
    )
    op.create_table(
        "council_decrees",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("decree_date", sa.Date(), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("relation", sa.String(length=12), nullable=True),
        sa.Column("previous_id", sa.Uuid(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "body_id"],
            ["council_bodies.tenant_id", "council_bodies.id"],
            name=op.f("fk_council_decrees_tenant_id_body_id_council_bodies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "document_id"],
            ["stored_files.tenant_id", "stored_files.id"],
            name=op.f("fk_council_decrees_tenant_id_document_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "previous_id"],
            ["council_decrees.tenant_id", "council_decrees.id"],
            name=op.f("fk_council_decrees_tenant_id_previous_id_council_decrees"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_decrees_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_decrees")),
        sa.UniqueConstraint(
            "tenant_id", "body_id", "number", name=op.f("uq_council_decrees_tenant_id_body_id_number")
        ),
    )
    with op.batch_alter_table("council_decrees", schema=None) as batch_op:
        batch_op.create_index(
            "ix_council_decrees_body", ["tenant_id", "body_id", "decree_date"], unique=False
        )
    op.create_table(
        "council_positions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("dimension_code", sa.String(length=20), nullable=True),
        sa.Column("single_seat", sa.Boolean(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "body_id"],
            ["council_bodies.tenant_id", "council_bodies.id"],
            name=op.f("fk_council_positions_tenant_id_body_id_council_bodies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_positions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_positions")),
        sa.UniqueConstraint(
            "tenant_id", "body_id", "title", name=op.f("uq_council_positions_tenant_id_body_id_title")
        ),
    )
    op.create_table(
        "council_members",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("position_id", sa.Uuid(), nullable=False),
        sa.Column("decree_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("pentahelix", sa.String(length=40), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "body_id"],
            ["council_bodies.tenant_id", "council_bodies.id"],
            name=op.f("fk_council_members_tenant_id_body_id_council_bodies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "decree_id"],
            ["council_decrees.tenant_id", "council_decrees.id"],
            name=op.f("fk_council_members_tenant_id_decree_id_council_decrees"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["council_positions.tenant_id", "council_positions.id"],
            name=op.f("fk_council_members_tenant_id_position_id_council_positions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_members_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_council_members_user_id_users")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_members")),
    )
    with op.batch_alter_table("council_members", schema=None) as batch_op:
        batch_op.create_index("ix_council_members_body", ["tenant_id", "body_id", "term_start"], unique=False)
    op.create_table(
        "council_meetings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("online_link", sa.String(length=500), nullable=True),
        sa.Column("chair", sa.String(length=200), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "body_id"],
            ["council_bodies.tenant_id", "council_bodies.id"],
            name=op.f("fk_council_meetings_tenant_id_body_id_council_bodies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_meetings_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_meetings")),
    )
    with op.batch_alter_table("council_meetings", schema=None) as batch_op:
        batch_op.create_index("ix_council_meetings_starts", ["tenant_id", "starts_at"], unique=False)
    op.create_table(
        "council_agenda_items",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("discussion", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "meeting_id"],
            ["council_meetings.tenant_id", "council_meetings.id"],
            name=op.f("fk_council_agenda_items_tenant_id_meeting_id_council_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_agenda_items_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_agenda_items")),
        sa.UniqueConstraint(
            "tenant_id",
            "meeting_id",
            "number",
            name=op.f("uq_council_agenda_items_tenant_id_meeting_id_number"),
        ),
    )
    op.create_table(
        "council_invitees",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("pentahelix", sa.String(length=40), nullable=True),
        sa.Column("attendance", sa.String(length=12), nullable=True),
        sa.Column("represented_by", sa.String(length=200), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "meeting_id"],
            ["council_meetings.tenant_id", "council_meetings.id"],
            name=op.f("fk_council_invitees_tenant_id_meeting_id_council_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "member_id"],
            ["council_members.tenant_id", "council_members.id"],
            name=op.f("fk_council_invitees_tenant_id_member_id_council_members"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_invitees_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_council_invitees_user_id_users")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_invitees")),
    )
    with op.batch_alter_table("council_invitees", schema=None) as batch_op:
        batch_op.create_index("ix_council_invitees_meeting", ["tenant_id", "meeting_id"], unique=False)
    op.create_table(
        "council_meeting_files",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "file_id"],
            ["stored_files.tenant_id", "stored_files.id"],
            name=op.f("fk_council_meeting_files_tenant_id_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "meeting_id"],
            ["council_meetings.tenant_id", "council_meetings.id"],
            name=op.f("fk_council_meeting_files_tenant_id_meeting_id_council_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_meeting_files_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_meeting_files")),
        sa.UniqueConstraint("tenant_id", "file_id", name=op.f("uq_council_meeting_files_tenant_id_file_id")),
    )
    op.create_table(
        "council_decisions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("agenda_item_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "agenda_item_id"],
            ["council_agenda_items.tenant_id", "council_agenda_items.id"],
            name=op.f("fk_council_decisions_tenant_id_agenda_item_id_council_agenda_items"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "meeting_id"],
            ["council_meetings.tenant_id", "council_meetings.id"],
            name=op.f("fk_council_decisions_tenant_id_meeting_id_council_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_council_decisions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_council_decisions")),
        sa.UniqueConstraint(
            "tenant_id", "meeting_id", "number", name=op.f("uq_council_decisions_tenant_id_meeting_id_number")
        ),
    )
    for table in TABLES:
        _enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)

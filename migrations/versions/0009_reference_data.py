"""Code lists are versioned like frameworks: each list has versions (draft, published, retired), and its
entries belong to one version.

The entries present become version 1 of their list, published. The lists' names are carried here, so
this step does not change when the application's code or data files do; the carried data itself
(app/data) is loaded by ``flask reference load``.

Revision ID: 0009
Revises: 0008
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The names of the lists shipped before lists had versions (a list found here but not below is named by
# its code).
LIST_NAMES = {
    "program_class": ("Kelas program", "Program class"),
    "horizon": ("Horizon waktu", "Horizon"),
    "funding_source": ("Sumber pendanaan", "Funding source"),
    "pentahelix": ("Sektor pentahelix", "Pentahelix sector"),
}


def upgrade():
    op.create_table(
        "code_lists",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name_id", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_lists")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_code_lists_code_version")),
    )
    with op.batch_alter_table("code_list_items") as batch:
        batch.add_column(sa.Column("code_list_id", sa.Uuid(), nullable=True))
    _version_the_present_lists()
    with op.batch_alter_table("code_list_items") as batch:
        batch.alter_column("code_list_id", existing_type=sa.Uuid(), nullable=False)
        batch.drop_constraint("uq_code_list_items_list_name_code", type_="unique")
        batch.create_unique_constraint(op.f("uq_code_list_items_code_list_id_code"), ["code_list_id", "code"])
        batch.create_foreign_key(
            op.f("fk_code_list_items_code_list_id_code_lists"),
            "code_lists",
            ["code_list_id"],
            ["id"],
            ondelete="CASCADE",
        )


def _version_the_present_lists() -> None:
    bind = op.get_bind()
    lists = sa.table(
        "code_lists",
        sa.column("id", sa.Uuid),
        sa.column("code", sa.String),
        sa.column("version", sa.Integer),
        sa.column("name_id", sa.String),
        sa.column("name_en", sa.String),
        sa.column("state", sa.String),
        sa.column("published_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    items = sa.table("code_list_items", sa.column("list_name", sa.String), sa.column("code_list_id", sa.Uuid))
    now = datetime.now(UTC)
    names = sorted(bind.execute(sa.select(items.c.list_name).distinct()).scalars())
    for name in names:
        list_id = uuid.uuid4()
        name_id, name_en = LIST_NAMES.get(name, (name, name))
        bind.execute(
            sa.insert(lists).values(
                id=list_id,
                code=name,
                version=1,
                name_id=name_id,
                name_en=name_en,
                state="published",
                published_at=now,
                created_at=now,
                updated_at=now,
            )
        )
        bind.execute(sa.update(items).where(items.c.list_name == name).values(code_list_id=list_id))


def downgrade():
    # Only the entries of each list's latest version go back to the single, unversioned list.
    bind = op.get_bind()
    latest = sa.text(
        "DELETE FROM code_list_items WHERE code_list_id NOT IN (SELECT id FROM code_lists c"
        " WHERE version = (SELECT max(version) FROM code_lists l WHERE l.code = c.code))"
    )
    bind.execute(latest)
    with op.batch_alter_table("code_list_items") as batch:
        batch.drop_constraint(op.f("fk_code_list_items_code_list_id_code_lists"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_code_list_items_code_list_id_code"), type_="unique")
        batch.create_unique_constraint(op.f("uq_code_list_items_list_name_code"), ["list_name", "code"])
        batch.drop_column("code_list_id")
    op.drop_table("code_lists")

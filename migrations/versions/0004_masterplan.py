"""Frameworks (reference data) and masterplans with all their parts.

The frameworks' rows are loaded by ``flask reference load`` (app.reference.loader), not here: a migration
calls no live application code.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from app.core.rls import enable_tenant_rls

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "masterplans",
    "missions",
    "mission_dimensions",
    "readiness_entries",
    "gap_analyses",
    "swot_items",
    "goals",
    "indicators",
    "indicator_targets",
    "strategies",
    "programs",
    "program_strategies",
    "program_opds",
    "program_partners",
    "budget_lines",
    "action_items",
)


def upgrade():
    op.create_table(
        "code_list_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("list_name", sa.String(length=30), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_id", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_list_items")),
        sa.UniqueConstraint("list_name", "code", name=op.f("uq_code_list_items_list_name_code")),
    )
    op.create_table(
        "frameworks",
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_frameworks_code_version")),
    )
    op.create_table(
        "framework_dimensions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("framework_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_id", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("strategy_prefix", sa.String(length=10), nullable=True),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_framework_dimensions_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_dimensions")),
        sa.UniqueConstraint("framework_id", "code", name=op.f("uq_framework_dimensions_framework_id_code")),
    )
    op.create_table(
        "framework_sub_dimensions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_id", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework_dimensions.id"],
            name=op.f("fk_framework_sub_dimensions_dimension_id_framework_dimensions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_sub_dimensions")),
        sa.UniqueConstraint(
            "dimension_id", "code", name=op.f("uq_framework_sub_dimensions_dimension_id_code")
        ),
    )
    op.create_table(
        "masterplans",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("version_label", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Integer(), nullable=False),
        sa.Column("rpjmd_start", sa.Integer(), nullable=True),
        sa.Column("rpjmd_end", sa.Integer(), nullable=True),
        sa.Column("framework_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("legal_type", sa.String(length=10), nullable=True),
        sa.Column("legal_number", sa.String(length=100), nullable=True),
        sa.Column("legal_date", sa.Date(), nullable=True),
        sa.Column("signed_document_id", sa.Uuid(), nullable=True),
        sa.Column("vision", sa.Text(), nullable=True),
        sa.Column("strategy_prefixes", sa.JSON(), nullable=False),
        sa.Column("revised_from_id", sa.Uuid(), nullable=True),
        sa.Column("enacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_masterplans_framework_id_frameworks")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "revised_from_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_masterplans_tenant_id_revised_from_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "signed_document_id"],
            ["stored_files.tenant_id", "stored_files.id"],
            name=op.f("fk_masterplans_tenant_id_signed_document_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_masterplans_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_masterplans")),
        sa.UniqueConstraint(
            "tenant_id", "version_label", name=op.f("uq_masterplans_tenant_id_version_label")
        ),
    )
    with op.batch_alter_table("masterplans", schema=None) as batch_op:
        batch_op.create_index(
            "uq_masterplans_one_enacted",
            ["tenant_id"],
            unique=True,
            postgresql_where=sa.text("status = 'enacted'"),
            sqlite_where=sa.text("status = 'enacted'"),
        )

    op.create_table(
        "gap_analyses",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("sub_dimension_id", sa.Uuid(), nullable=False),
        sa.Column("current_condition", sa.Text(), nullable=False),
        sa.Column("future_condition", sa.Text(), nullable=True),
        sa.Column("implication", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub_dimension_id"],
            ["framework_sub_dimensions.id"],
            name=op.f("fk_gap_analyses_sub_dimension_id_framework_sub_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_gap_analyses_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_gap_analyses_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_gap_analyses")),
    )
    with op.batch_alter_table("gap_analyses", schema=None) as batch_op:
        batch_op.create_index("ix_gap_analyses_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "goals",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("sub_dimension_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework_dimensions.id"],
            name=op.f("fk_goals_dimension_id_framework_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["sub_dimension_id"],
            ["framework_sub_dimensions.id"],
            name=op.f("fk_goals_sub_dimension_id_framework_sub_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_goals_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_goals_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index("ix_goals_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "missions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_missions_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_missions_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_missions")),
        sa.UniqueConstraint(
            "tenant_id", "masterplan_id", "number", name=op.f("uq_missions_tenant_id_masterplan_id_number")
        ),
    )
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.create_index("ix_missions_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "programs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("sub_dimension_id", sa.Uuid(), nullable=True),
        sa.Column("program_class", sa.String(length=40), nullable=True),
        sa.Column("horizon", sa.String(length=40), nullable=True),
        sa.Column("quick_win", sa.Boolean(), nullable=False),
        sa.Column("lead_opd_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("roadmap_years", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework_dimensions.id"],
            name=op.f("fk_programs_dimension_id_framework_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["sub_dimension_id"],
            ["framework_sub_dimensions.id"],
            name=op.f("fk_programs_sub_dimension_id_framework_sub_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "lead_opd_id"],
            ["opds.tenant_id", "opds.id"],
            name=op.f("fk_programs_tenant_id_lead_opd_id_opds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_programs_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_programs_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_programs")),
        sa.UniqueConstraint(
            "tenant_id", "masterplan_id", "code", name=op.f("uq_programs_tenant_id_masterplan_id_code")
        ),
    )
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.create_index("ix_programs_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "readiness_entries",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("aspect", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=True),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework_dimensions.id"],
            name=op.f("fk_readiness_entries_dimension_id_framework_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_readiness_entries_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_readiness_entries_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_readiness_entries")),
        sa.UniqueConstraint(
            "tenant_id",
            "masterplan_id",
            "dimension_id",
            "aspect",
            name="uq_readiness_entries_dimension_aspect",
        ),
    )
    with op.batch_alter_table("readiness_entries", schema=None) as batch_op:
        batch_op.create_index("ix_readiness_entries_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "strategies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("sub_dimension_id", sa.Uuid(), nullable=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework_dimensions.id"],
            name=op.f("fk_strategies_dimension_id_framework_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["sub_dimension_id"],
            ["framework_sub_dimensions.id"],
            name=op.f("fk_strategies_sub_dimension_id_framework_sub_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_strategies_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "parent_id"],
            ["strategies.tenant_id", "strategies.id"],
            name=op.f("fk_strategies_tenant_id_parent_id_strategies"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_strategies_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_strategies")),
        sa.UniqueConstraint(
            "tenant_id", "masterplan_id", "code", name=op.f("uq_strategies_tenant_id_masterplan_id_code")
        ),
    )
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.create_index("ix_strategies_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "swot_items",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("quadrant", sa.String(length=1), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework_dimensions.id"],
            name=op.f("fk_swot_items_dimension_id_framework_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_swot_items_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_swot_items_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_swot_items")),
    )
    with op.batch_alter_table("swot_items", schema=None) as batch_op:
        batch_op.create_index("ix_swot_items_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "action_items",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("activity", sa.Text(), nullable=False),
        sa.Column("output", sa.Text(), nullable=True),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("opd_id", sa.Uuid(), nullable=True),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_action_items_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "opd_id"],
            ["opds.tenant_id", "opds.id"],
            name=op.f("fk_action_items_tenant_id_opd_id_opds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["programs.tenant_id", "programs.id"],
            name=op.f("fk_action_items_tenant_id_program_id_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_action_items_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index("ix_action_items_masterplan", ["tenant_id", "masterplan_id"], unique=False)
        batch_op.create_index("ix_action_items_program", ["tenant_id", "program_id"], unique=False)

    op.create_table(
        "budget_lines",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("funding_source", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_budget_lines_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["programs.tenant_id", "programs.id"],
            name=op.f("fk_budget_lines_tenant_id_program_id_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_budget_lines_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_budget_lines")),
    )
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.create_index("ix_budget_lines_masterplan", ["tenant_id", "masterplan_id"], unique=False)
        batch_op.create_index("ix_budget_lines_program", ["tenant_id", "program_id"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("goal_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("polarity", sa.String(length=20), nullable=False),
        sa.Column("accumulation", sa.String(length=20), nullable=False),
        sa.Column("baseline_value", sa.Double(), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("data_source", sa.String(length=300), nullable=True),
        sa.Column("responsible_opd_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "goal_id"],
            ["goals.tenant_id", "goals.id"],
            name=op.f("fk_indicators_tenant_id_goal_id_goals"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_indicators_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "responsible_opd_id"],
            ["opds.tenant_id", "opds.id"],
            name=op.f("fk_indicators_tenant_id_responsible_opd_id_opds"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_indicators_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_indicators")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index("ix_indicators_goal", ["tenant_id", "goal_id"], unique=False)
        batch_op.create_index("ix_indicators_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "mission_dimensions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("mission_id", sa.Uuid(), nullable=False),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework_dimensions.id"],
            name=op.f("fk_mission_dimensions_dimension_id_framework_dimensions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_mission_dimensions_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "mission_id"],
            ["missions.tenant_id", "missions.id"],
            name=op.f("fk_mission_dimensions_tenant_id_mission_id_missions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_mission_dimensions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_mission_dimensions")),
        sa.UniqueConstraint(
            "tenant_id",
            "mission_id",
            "dimension_id",
            name=op.f("uq_mission_dimensions_tenant_id_mission_id_dimension_id"),
        ),
    )
    with op.batch_alter_table("mission_dimensions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mission_dimensions_masterplan", ["tenant_id", "masterplan_id"], unique=False
        )

    op.create_table(
        "program_opds",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("opd_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_program_opds_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "opd_id"],
            ["opds.tenant_id", "opds.id"],
            name=op.f("fk_program_opds_tenant_id_opd_id_opds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["programs.tenant_id", "programs.id"],
            name=op.f("fk_program_opds_tenant_id_program_id_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_program_opds_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_program_opds")),
        sa.UniqueConstraint(
            "tenant_id", "program_id", "opd_id", name=op.f("uq_program_opds_tenant_id_program_id_opd_id")
        ),
    )
    with op.batch_alter_table("program_opds", schema=None) as batch_op:
        batch_op.create_index("ix_program_opds_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    op.create_table(
        "program_partners",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_program_partners_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["programs.tenant_id", "programs.id"],
            name=op.f("fk_program_partners_tenant_id_program_id_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_program_partners_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_program_partners")),
    )
    with op.batch_alter_table("program_partners", schema=None) as batch_op:
        batch_op.create_index("ix_program_partners_masterplan", ["tenant_id", "masterplan_id"], unique=False)
        batch_op.create_index("ix_program_partners_program", ["tenant_id", "program_id"], unique=False)

    op.create_table(
        "program_strategies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("strategy_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_program_strategies_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["programs.tenant_id", "programs.id"],
            name=op.f("fk_program_strategies_tenant_id_program_id_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "strategy_id"],
            ["strategies.tenant_id", "strategies.id"],
            name=op.f("fk_program_strategies_tenant_id_strategy_id_strategies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_program_strategies_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_program_strategies")),
        sa.UniqueConstraint(
            "tenant_id",
            "program_id",
            "strategy_id",
            name=op.f("uq_program_strategies_tenant_id_program_id_strategy_id"),
        ),
    )
    with op.batch_alter_table("program_strategies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_program_strategies_masterplan", ["tenant_id", "masterplan_id"], unique=False
        )
        batch_op.create_index("ix_program_strategies_strategy", ["tenant_id", "strategy_id"], unique=False)

    op.create_table(
        "indicator_targets",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=True),
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "indicator_id"],
            ["indicators.tenant_id", "indicators.id"],
            name=op.f("fk_indicator_targets_tenant_id_indicator_id_indicators"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_indicator_targets_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_indicator_targets_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_indicator_targets")),
        sa.UniqueConstraint(
            "tenant_id", "indicator_id", "year", name=op.f("uq_indicator_targets_tenant_id_indicator_id_year")
        ),
    )
    with op.batch_alter_table("indicator_targets", schema=None) as batch_op:
        batch_op.create_index("ix_indicator_targets_masterplan", ["tenant_id", "masterplan_id"], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade():
    with op.batch_alter_table("indicator_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_targets_masterplan")

    op.drop_table("indicator_targets")
    with op.batch_alter_table("program_strategies", schema=None) as batch_op:
        batch_op.drop_index("ix_program_strategies_strategy")
        batch_op.drop_index("ix_program_strategies_masterplan")

    op.drop_table("program_strategies")
    with op.batch_alter_table("program_partners", schema=None) as batch_op:
        batch_op.drop_index("ix_program_partners_program")
        batch_op.drop_index("ix_program_partners_masterplan")

    op.drop_table("program_partners")
    with op.batch_alter_table("program_opds", schema=None) as batch_op:
        batch_op.drop_index("ix_program_opds_masterplan")

    op.drop_table("program_opds")
    with op.batch_alter_table("mission_dimensions", schema=None) as batch_op:
        batch_op.drop_index("ix_mission_dimensions_masterplan")

    op.drop_table("mission_dimensions")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index("ix_indicators_masterplan")
        batch_op.drop_index("ix_indicators_goal")

    op.drop_table("indicators")
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_lines_program")
        batch_op.drop_index("ix_budget_lines_masterplan")

    op.drop_table("budget_lines")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_action_items_program")
        batch_op.drop_index("ix_action_items_masterplan")

    op.drop_table("action_items")
    with op.batch_alter_table("swot_items", schema=None) as batch_op:
        batch_op.drop_index("ix_swot_items_masterplan")

    op.drop_table("swot_items")
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.drop_index("ix_strategies_masterplan")

    op.drop_table("strategies")
    with op.batch_alter_table("readiness_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_readiness_entries_masterplan")

    op.drop_table("readiness_entries")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_index("ix_programs_masterplan")

    op.drop_table("programs")
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.drop_index("ix_missions_masterplan")

    op.drop_table("missions")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index("ix_goals_masterplan")

    op.drop_table("goals")
    with op.batch_alter_table("gap_analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_gap_analyses_masterplan")

    op.drop_table("gap_analyses")
    with op.batch_alter_table("masterplans", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_masterplans_one_enacted",
            postgresql_where=sa.text("status = 'enacted'"),
            sqlite_where=sa.text("status = 'enacted'"),
        )

    op.drop_table("masterplans")
    op.drop_table("framework_sub_dimensions")
    op.drop_table("framework_dimensions")
    op.drop_table("frameworks")
    op.drop_table("code_list_items")

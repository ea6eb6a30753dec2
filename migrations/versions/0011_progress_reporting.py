"""Progress reporting: each tenant's reporting settings and periods, every program's progress report per
period with its indicator actuals, budget realisation by funding source and evidence, and the published
snapshots a tenant releases.

Every table is tenant-owned: tenant_id first in its key, every foreign key to another tenant table
carrying tenant_id (a report cannot point at another tenant's program, OPD, period or file), and
row-level security enabled and forced. The policies' SQL is written out here, as in 0008, so this step
does not change when the application's code does.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
ALLOWED_TENANTS = "NULLIF(current_setting('app.tenant_ids', true), '')::uuid[]"

TENANT_TABLES = (
    "reporting_settings",
    "reporting_periods",
    "progress_reports",
    "progress_indicator_actuals",
    "progress_budget_realisations",
    "progress_evidence",
    "published_snapshots",
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


def upgrade():
    op.create_table(
        "reporting_periods",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopen_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_reporting_periods_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_reporting_periods")),
        sa.UniqueConstraint(
            "tenant_id",
            "year",
            "frequency",
            "number",
            name=op.f("uq_reporting_periods_tenant_id_year_frequency_number"),
        ),
    )
    with op.batch_alter_table("reporting_periods", schema=None) as batch_op:
        batch_op.create_index("ix_reporting_periods_tenant_starts", ["tenant_id", "starts_on"], unique=False)

    op.create_table(
        "reporting_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("reminder_days", sa.Integer(), nullable=False),
        sa.Column("rollup_rule", sa.String(length=20), nullable=False),
        sa.Column("missing_rule", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_reporting_settings_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_reporting_settings")),
        sa.UniqueConstraint("tenant_id", name="uq_reporting_settings_tenant_id"),
    )
    op.create_table(
        "published_snapshots",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.Column("physical_pct", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("budget_absorption_pct", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_published_snapshots_published_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_published_snapshots_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "period_id"],
            ["reporting_periods.tenant_id", "reporting_periods.id"],
            name=op.f("fk_published_snapshots_tenant_id_period_id_reporting_periods"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_published_snapshots_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_published_snapshots")),
        sa.UniqueConstraint(
            "tenant_id",
            "period_id",
            "version",
            name=op.f("uq_published_snapshots_tenant_id_period_id_version"),
        ),
    )
    with op.batch_alter_table("published_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_published_snapshots_tenant_published", ["tenant_id", "published_at"], unique=False
        )

    op.create_table(
        "progress_reports",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Uuid(), nullable=False),
        sa.Column("masterplan_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("opd_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress_status", sa.String(length=12), nullable=True),
        sa.Column("physical_pct", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("obstacles", sa.Text(), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.Uuid(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_by", sa.Uuid(), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["returned_by"], ["users.id"], name=op.f("fk_progress_reports_returned_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name=op.f("fk_progress_reports_submitted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "masterplan_id"],
            ["masterplans.tenant_id", "masterplans.id"],
            name=op.f("fk_progress_reports_tenant_id_masterplan_id_masterplans"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "opd_id"],
            ["opds.tenant_id", "opds.id"],
            name=op.f("fk_progress_reports_tenant_id_opd_id_opds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "period_id"],
            ["reporting_periods.tenant_id", "reporting_periods.id"],
            name=op.f("fk_progress_reports_tenant_id_period_id_reporting_periods"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["programs.tenant_id", "programs.id"],
            name=op.f("fk_progress_reports_tenant_id_program_id_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_progress_reports_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by"], ["users.id"], name=op.f("fk_progress_reports_verified_by_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_progress_reports")),
        sa.UniqueConstraint(
            "tenant_id",
            "period_id",
            "program_id",
            name=op.f("uq_progress_reports_tenant_id_period_id_program_id"),
        ),
    )
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_progress_reports_tenant_opd_period", ["tenant_id", "opd_id", "period_id"], unique=False
        )
        batch_op.create_index(
            "ix_progress_reports_tenant_period_status", ["tenant_id", "period_id", "status"], unique=False
        )

    op.create_table(
        "progress_budget_realisations",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("funding_source", sa.String(length=40), nullable=False),
        sa.Column("planned", sa.BigInteger(), nullable=False),
        sa.Column("realised", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "report_id"],
            ["progress_reports.tenant_id", "progress_reports.id"],
            name=op.f("fk_progress_budget_realisations_tenant_id_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_progress_budget_realisations_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_progress_budget_realisations")),
        sa.UniqueConstraint(
            "tenant_id",
            "report_id",
            "funding_source",
            name=op.f("uq_progress_budget_realisations_tenant_id_report_id_funding_source"),
        ),
    )
    op.create_table(
        "progress_evidence",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("stored_file_id", sa.Uuid(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"], name=op.f("fk_progress_evidence_added_by_users")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "report_id"],
            ["progress_reports.tenant_id", "progress_reports.id"],
            name=op.f("fk_progress_evidence_tenant_id_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "stored_file_id"],
            ["stored_files.tenant_id", "stored_files.id"],
            name=op.f("fk_progress_evidence_tenant_id_stored_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_progress_evidence_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_progress_evidence")),
    )
    with op.batch_alter_table("progress_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_progress_evidence_report", ["tenant_id", "report_id"], unique=False)

    op.create_table(
        "progress_indicator_actuals",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("target", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("actual", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "indicator_id"],
            ["indicators.tenant_id", "indicators.id"],
            name=op.f("fk_progress_indicator_actuals_tenant_id_indicator_id_indicators"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "report_id"],
            ["progress_reports.tenant_id", "progress_reports.id"],
            name=op.f("fk_progress_indicator_actuals_tenant_id_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_progress_indicator_actuals_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_progress_indicator_actuals")),
        sa.UniqueConstraint(
            "tenant_id",
            "report_id",
            "indicator_id",
            name=op.f("uq_progress_indicator_actuals_tenant_id_report_id_indicator_id"),
        ),
    )

    for table in TENANT_TABLES:
        _enable_tenant_rls(table)


def downgrade():
    op.drop_table("progress_indicator_actuals")
    with op.batch_alter_table("progress_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_evidence_report")

    op.drop_table("progress_evidence")
    op.drop_table("progress_budget_realisations")
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_reports_tenant_period_status")
        batch_op.drop_index("ix_progress_reports_tenant_opd_period")

    op.drop_table("progress_reports")
    with op.batch_alter_table("published_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_published_snapshots_tenant_published")

    op.drop_table("published_snapshots")
    op.drop_table("reporting_settings")
    with op.batch_alter_table("reporting_periods", schema=None) as batch_op:
        batch_op.drop_index("ix_reporting_periods_tenant_starts")

    op.drop_table("reporting_periods")

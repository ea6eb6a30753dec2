"""Layer 4: in the migrated schema, tenant_id leads the primary key of every tenant-owned table and is part
of every foreign key between two tenant-owned tables, so no row can point at another tenant's row."""

from sqlalchemy import inspect

from app.extensions import db


def _tenant_tables(inspector) -> set[str]:
    return {
        t for t in inspector.get_table_names() if "tenant_id" in {c["name"] for c in inspector.get_columns(t)}
    }


def test_tenant_id_leads_every_tenant_tables_primary_key(app_ctx):
    inspector = inspect(db.engine)
    tables = _tenant_tables(inspector)
    assert {"opds", "memberships", "invitations", "programs", "stored_files", "audit_entries"} <= tables
    for table in sorted(tables):
        assert inspector.get_pk_constraint(table)["constrained_columns"][0] == "tenant_id", table


def test_foreign_keys_between_tenant_tables_carry_the_tenant(app_ctx):
    inspector = inspect(db.engine)
    tables = _tenant_tables(inspector)
    checked = 0
    for table in sorted(tables):
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] not in tables:
                continue  # platform data (users, tenants, frameworks) is shared by design
            pairs = dict(zip(fk["constrained_columns"], fk["referred_columns"], strict=True))
            assert pairs.get("tenant_id") == "tenant_id", f"{table} -> {fk['referred_table']}: {pairs}"
            checked += 1
    assert checked >= 20

"""Every write made through the services lands in the audit log with who, what, before and after."""

import uuid

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.audit.models import AuditEntry, PlatformAuditEntry
from app.core.audit import acting_as, record_event, write_pending_events
from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from app.tenants.models import MembershipOpd, Opd
from tests.factories import admin_actor, make_tenant
from tests.support.queries import count_queries


@pytest.fixture
def setup(app_ctx):
    return make_tenant("73.73", "kota-palopo")


def _entries(tenant_id, **where):
    with tenant_context(tenant_id):
        stmt = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
        return db.session.scalars(stmt).all()


def test_creating_changing_and_removing_an_opd_is_recorded_with_values(setup):
    actor = admin_actor(setup)
    with tenant_context(setup.tenant_id), acting_as(setup.admin_id, "web", "req-1"):
        opd = tenants.create_opd({"code": "dlh", "name": "Dinas Lingkungan Hidup"}, actor=actor)
        db.session.commit()
        tenants.update_opd(opd.id, {"name": "Dinas LH", "acronym": "DLH"}, actor=actor)
        db.session.commit()
        tenants.delete_opd(opd.id, actor=actor)
        db.session.commit()

    created, changed, removed = _entries(setup.tenant_id, object_type="Opd")
    assert (created.action, created.user_id, created.origin, created.reference) == (
        "create",
        setup.admin_id,
        "web",
        "req-1",
    )
    assert created.object_id == str(opd.id) and created.before is None
    assert created.after == {"code": "DLH", "name": "Dinas Lingkungan Hidup", "acronym": None}
    assert changed.action == "update"
    assert changed.before == {"name": "Dinas Lingkungan Hidup", "acronym": None}
    assert changed.after == {"name": "Dinas LH", "acronym": "DLH"}
    assert changed.changes == [("acronym", None, "DLH"), ("name", "Dinas Lingkungan Hidup", "Dinas LH")]
    assert removed.action == "delete" and removed.after is None
    assert removed.before == {"code": "DLH", "name": "Dinas LH", "acronym": "DLH"}


def test_a_rolled_back_write_leaves_no_entry(setup):
    with tenant_context(setup.tenant_id):
        tenants.create_opd({"code": "X", "name": "X"}, actor=admin_actor(setup))
        db.session.flush()
        db.session.rollback()
    assert _entries(setup.tenant_id, object_type="Opd") == []


def test_platform_writes_go_to_the_platform_log_with_secrets_hidden(setup):
    with acting_as(None, "cli"):
        user = accounts.create_user("kepala@palopo.go.id", "Kepala Dinas", "a-long-password")
        db.session.commit()
    entry = db.session.scalar(select(PlatformAuditEntry).where(PlatformAuditEntry.object_id == str(user.id)))
    assert (entry.action, entry.object_type, entry.origin) == ("create", "User", "cli")
    assert entry.after["email"] == "kepala@palopo.go.id"
    assert entry.after["password_hash"] == "***"
    # Nothing of the platform's reaches a tenant's log.
    assert _entries(setup.tenant_id, object_type="User") == []


def test_bulk_statements_of_the_services_are_recorded_row_by_row(setup):
    """Rebinding an operator's OPDs deletes the old bindings with one DELETE statement."""
    actor = admin_actor(setup)
    with tenant_context(setup.tenant_id):
        a = tenants.create_opd({"code": "A", "name": "A"}, actor=actor)
        b = tenants.create_opd({"code": "B", "name": "B"}, actor=actor)
        user = accounts.create_user("op@palopo.go.id", "Operator", "a-long-password")
        membership = tenants.add_member(user.id, "opd_operator", [a.id], actor=actor)
        db.session.commit()
        tenants.update_member(membership.id, opd_ids=[b.id], actor=actor)
        db.session.commit()
        remaining = db.session.scalars(select(MembershipOpd.opd_id)).all()
    assert remaining == [b.id]
    bindings = _entries(setup.tenant_id, object_type="MembershipOpd")
    recorded = [(e.action, (e.before or e.after)["opd_id"]) for e in bindings]
    assert recorded[0] == ("create", str(a.id))
    # The rebinding's two entries share a transaction (and may share a millisecond of their ids).
    assert sorted(recorded[1:]) == [("create", str(b.id)), ("delete", str(a.id))]


def test_the_entries_of_one_flush_are_written_with_one_insert(setup, app):
    with tenant_context(setup.tenant_id):
        for number in range(25):
            db.session.add(Opd(code=f"OPD{number}", name=f"Dinas {number}"))
        with count_queries(app) as statements:
            db.session.flush()
        db.session.commit()
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRIES")]
    assert len(inserts) == 1
    assert len(_entries(setup.tenant_id, object_type="Opd")) == 25


def test_a_tenant_reads_only_its_own_entries(setup):
    other = make_tenant("64.71", "kota-balikpapan")
    with tenant_context(other.tenant_id):
        tenants.create_opd({"code": "DLH", "name": "DLH"}, actor=admin_actor(other))
        db.session.commit()
    with tenant_context(setup.tenant_id):
        codes = [
            e.after["code"]
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "Opd"))
        ]
    assert codes == []
    assert [e.after["code"] for e in _entries(other.tenant_id, object_type="Opd")] == ["DLH"]


def test_an_event_commits_with_its_caller(setup):
    with tenant_context(setup.tenant_id), acting_as(setup.admin_id, "web"):
        record_event("members.exported", object_type="JobRun", object_id="1", details={"rows": 2})
        db.session.commit()
    (entry,) = _entries(setup.tenant_id, action="members.exported")
    assert (entry.user_id, entry.details) == (setup.admin_id, {"rows": 2})


def test_an_event_survives_its_callers_rollback(setup):
    """A refusal is recorded even though the refused work is rolled back."""
    with tenant_context(setup.tenant_id):
        tenants.create_opd({"code": "X", "name": "X"}, actor=admin_actor(setup))
        record_event("sso.refused", details={"reason": "nonce mismatch"})
        db.session.rollback()
        write_pending_events()  # what the end of a request or job does
    (entry,) = _entries(setup.tenant_id, action="sso.refused")
    assert entry.details == {"reason": "nonce mismatch"} and entry.user_id is None
    assert _entries(setup.tenant_id, object_type="Opd") == []


def test_an_event_recorded_in_a_request_that_never_commits_is_written_when_it_ends(setup, app):
    with app.test_request_context("/t/kota-palopo/login"):
        app.preprocess_request()
        record_event("sso.refused", tenant_id=setup.tenant_id, details={"reason": "state mismatch"})
    # Request over (its teardown ran): the event is in the tenant's log, the platform log has nothing.
    db.session.remove()
    (entry,) = _entries(setup.tenant_id, action="sso.refused")
    assert entry.origin == "web" and entry.details == {"reason": "state mismatch"}
    assert (
        db.session.scalars(select(PlatformAuditEntry).where(PlatformAuditEntry.action == "sso.refused")).all()
        == []
    )


def test_an_event_without_a_tenant_is_a_platform_event(setup):
    with acting_as(setup.admin_id, "web"):
        record_event("ministry.login", details={"ip": "127.0.0.1"})
        db.session.commit()
    entry = db.session.scalar(select(PlatformAuditEntry).where(PlatformAuditEntry.action == "ministry.login"))
    assert entry.user_id == setup.admin_id and entry.context_tenant_id is None


def test_system_writes_have_no_user(setup):
    with acting_as(None, "cli"):
        tenant = tenants.create_tenant(actor=SYSTEM, region_code="64.09", slug="kab-ppu")
        db.session.commit()
    entry = db.session.scalar(
        select(PlatformAuditEntry).where(PlatformAuditEntry.object_id == str(tenant.id))
    )
    assert entry.user_id is None and entry.after["slug"] == "kab-ppu"
    assert uuid.UUID(entry.object_id) == tenant.id
